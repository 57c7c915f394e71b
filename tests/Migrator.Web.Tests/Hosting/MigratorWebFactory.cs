using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Hosting;
using Migrator.Web.Components;

namespace Migrator.Web.Tests.Hosting;

/// <summary>The whole app in memory (TestServer) on its own empty temporary data directory.</summary>
public class MigratorWebFactory : WebApplicationFactory<App>
{
    public MigratorWebFactory(MigratorMode mode) : this(mode.ToString()) { }

    /// <param name="mode">The raw configuration value, so tests can also pass invalid ones.</param>
    /// <param name="dataDirectory">An existing directory to reuse (kept on dispose); a new temporary one otherwise.</param>
    public MigratorWebFactory(string mode, string? dataDirectory = null)
    {
        Mode = mode;
        ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
    }

    private readonly bool ownsDirectory;

    public string Mode { get; }
    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Migrator:DataDirectory", DataDirectory);
        builder.UseSetting("Migrator:Mode", Mode);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        // Many tests sign in from the one in-memory client address; the limiter itself is tested with its own setting.
        builder.UseSetting("Migrator:SignIn:PerAddressPerMinute", SignInPerAddressPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientAddress>());
    }

    /// <summary>The sign-in rate limit per client address for this app (high by default, so only the limiter's own tests meet it).</summary>
    public int SignInPerAddressPerMinute { get; init; } = 10_000;

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowserLikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!ownsDirectory) return;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* a Hangfire file handle may linger briefly */ }
    }
}

/// <summary>One sandbox app shared by the tests that only read it or add uniquely named data.</summary>
public sealed class SandboxApp() : MigratorWebFactory(MigratorMode.Sandbox);

[CollectionDefinition(Name)]
public sealed class SandboxAppCollection : ICollectionFixture<SandboxApp>
{
    public const string Name = "sandbox app";
}
