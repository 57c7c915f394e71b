using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Hosting;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Sandbox.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Route53;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Route53;

[Collection(SandboxAppCollection.Name)]
public sealed class SandboxRoute53Tests(SandboxApp app)
{
    [Fact]
    public async Task SandboxAccount_TalksToInProcessEmulatorOnLoopback_WhenSandboxMode()
    {
        var accounts = await app.Service<Route53AccountProvider>().GetAsync();
        var account = accounts.Get("sandbox");
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(account.Options.EffectiveRoute53Endpoint.Host)));
        var host = await app.Service<EmulatorHostedService>().Started;
        Assert.NotNull(host.DnsEndPoint);
        Assert.True(IPAddress.IsLoopback(host.DnsEndPoint!.Address));
    }

    [Fact]
    public void SandboxEmulator_ServesTheWorldsShortDnskeyTtl_NotRoute53sHour()
    {
        var world = app.Service<Migrator.Sandbox.World.WorldOptions>();
        Assert.Equal(world.DnskeyTtl, app.Service<EmulatorOptions>().DnskeyTtl);
        Assert.True(world.DnskeyTtl < Migrator.Sandbox.Route53.Route53State.DefaultDnskeyTtl, $"DNSKEY TTL {world.DnskeyTtl} s");
    }

    [Fact]
    public async Task GetRoute53Zones_ListsZoneCreatedThroughSandboxAccount_ForViewer()
    {
        var client = (await app.Service<Route53AccountProvider>().GetAsync()).Get("sandbox").Client;
        var name = $"z{Guid.NewGuid():N}.example.";
        var created = await client.CreateHostedZoneAsync(new CreateHostedZoneRequest(DomainName.Parse(name), Guid.NewGuid().ToString()), CancellationToken.None);

        app.Service<HostedZoneCache>().Invalidate(); // the list is cached for a few seconds; this zone was created behind Migrator's back
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var overview = await viewer.GetFromJsonAsync<JsonElement>("/api/route53/zones");
        var row = overview.GetProperty("zones").EnumerateArray().Single(z => z.GetProperty("name").GetString() == name);
        Assert.Equal("sandbox", row.GetProperty("account").GetString());
        Assert.Equal(created.Zone.Id, row.GetProperty("id").GetString());
        Assert.Equal(2, row.GetProperty("recordSetCount").GetInt64()); // Route 53's own apex SOA and NS
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("emulatorEndpoint").ValueKind); // Viewers are not shown the emulator's ports
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("emulatorDns").ValueKind);
        Assert.Empty(overview.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task GetRoute53Zones_Returns401_WhenAnonymous()
    {
        using var anonymous = app.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/route53/zones")).StatusCode);
    }
}

public sealed class RealModeRoute53Tests
{
    [Fact]
    public async Task RealMode_StartsNoEmulatorAndHasNoAccounts_WhenNoneConfigured()
    {
        await using var real = new MigratorWebFactory(MigratorMode.Real);
        _ = real.Server; // start the host
        Assert.Null(real.Services.GetService(typeof(EmulatorHostedService)));
        var accounts = await real.Service<Route53AccountProvider>().GetAsync();
        Assert.Empty(accounts.Names);
    }
}
