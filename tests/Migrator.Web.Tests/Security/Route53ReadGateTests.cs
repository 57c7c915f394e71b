using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Hosting;
using Migrator.Sandbox.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Route53;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 3 (and the Viewer half of 7): pages and the API read Route 53 through the account's gate and a short cache.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class Route53ReadGateTests
{
    [Fact]
    public async Task Route53Zones_MakesAtMostAFewCallsAndNoneThrottled_When120ViewerRequestsArriveAtOnce()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var emulator = (await app.Service<EmulatorHostedService>().Started).Emulator;
        emulator.Stats.Reset();

        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(_ => viewer.GetAsync("/api/route53/zones")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var stats = emulator.Stats.Snapshot();
        var listCalls = stats.GetValueOrDefault("ListHostedZonesByName") ?? [];
        Assert.False(listCalls.ContainsKey("Throttling"), $"throttled: {string.Join(", ", listCalls)}");
        Assert.InRange(listCalls.Values.Sum(), 1, 3);
    }

    [Fact]
    public async Task Overview_ShowsEmulatorAddresses_ToAdminOnly()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        _ = app.Server;
        using var scope = app.Services.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<HostedZoneDirectory>();
        ClaimsPrincipal As(string role) => new(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "test"));

        Assert.NotNull((await directory.GetOverviewAsync(As(MigratorRoles.Admin), CancellationToken.None)).EmulatorEndpoint);
        foreach (var role in new[] { MigratorRoles.Viewer, MigratorRoles.Operator, MigratorRoles.Approver })
        {
            var overview = await directory.GetOverviewAsync(As(role), CancellationToken.None);
            Assert.Null(overview.EmulatorEndpoint);
            Assert.Null(overview.EmulatorDns);
        }
    }

    [Fact]
    public async Task SandboxRoute53Keys_AreRandomPerDataDirectory_NotTheFixedSandboxKeys()
    {
        await using var first = new MigratorWebFactory(MigratorMode.Sandbox);
        await using var second = new MigratorWebFactory(MigratorMode.Sandbox);
        _ = first.Server;
        var a = first.Service<EmulatorOptions>();
        Assert.NotEqual("sandbox", a.AccessKey);
        Assert.NotEqual("sandbox", a.SecretKey);
        var file = Path.Combine(first.DataDirectory, "route53-sandbox", SandboxCredentials.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(new SandboxCredentials(a.AccessKey, a.SecretKey), SandboxCredentials.LoadOrCreate(Path.GetDirectoryName(file)!));
        await first.DisposeAsync();

        _ = second.Server;
        Assert.NotEqual(a.AccessKey, second.Service<EmulatorOptions>().AccessKey);
    }
}
