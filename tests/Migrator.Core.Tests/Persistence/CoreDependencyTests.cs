using Migrator.Core.Persistence;

namespace Migrator.Core.Tests.Persistence;

public sealed class CoreDependencyTests
{
    /// <summary>DESIGN.md: Core knows nothing of ASP.NET (accounts are the web app's) or of Hangfire (jobs are Migrator.Jobs').</summary>
    [Fact]
    public void CoreAssembly_ReferencesNoAspNetOrHangfireAssembly()
    {
        var referenced = typeof(MigratorDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(referenced, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                                               || n.StartsWith("Microsoft.Extensions.Identity", StringComparison.Ordinal)
                                               || n.StartsWith("Hangfire", StringComparison.Ordinal));
    }
}
