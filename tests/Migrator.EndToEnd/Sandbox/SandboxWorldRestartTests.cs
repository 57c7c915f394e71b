using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Sandbox.World;
using Xunit.Abstractions;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Sandbox;

/// <summary>
/// The world lives in the data directory: killed and started again, the app serves the zones and delegations as they
/// were changed (an RFC 2136 update at the old provider, a delegation typed at the manual registrar); an Admin's reset
/// returns them to the first state and keeps the TSIG keys. Also measures the world's start time and memory.
/// </summary>
public sealed class SandboxWorldRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("migrator-world-restart-");

    public void Dispose() => data.Delete(recursive: true);

    private static readonly DomainName Marker = DomainName.Parse("restart-marker.shop.example.");

    private static async Task<ProbeResult> MarkerAsync(SandboxApp app, JsonElement world)
    {
        var old = world.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("role").GetString() == "old-provider");
        var endpoint = DnsEndpoint.Parse($"{old.GetProperty("address").GetString()}:{old.GetProperty("port").GetInt32()}");
        return await app.Probe.QueryAsync(endpoint, Marker, RecordType.TXT);
    }

    private static JsonElement Delegation(JsonElement world, string zone) =>
        world.GetProperty("delegations").EnumerateArray().Single(d => d.GetProperty("zone").GetString() == zone);

    private static IReadOnlyList<string> NameServers(JsonElement delegation) =>
        delegation.GetProperty("nameServersAtTld").EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task World_KeepsZonesAndDelegationsAcrossAKill_AndResetRestoresTheFirstStateButKeepsKeys()
    {
        var worldDirectory = Path.Combine(data.FullName, "sandbox-world");
        uint shopSerial;
        string keysBefore;
        await using (var first = await SandboxApp.StartAsync(data.FullName))
        {
            var world = await first.WorldAsync();
            shopSerial = Delegation(world, "shop.example.").GetProperty("oldProviderSerial").GetUInt32();
            keysBefore = await File.ReadAllTextAsync(Path.Combine(worldDirectory, "tsig-keys.json"));

            // An RFC 2136 update at the old provider, signed with the world's own update key.
            var old = world.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("role").GetString() == "old-provider");
            var key = WorldKeys.LoadOrCreate(worldDirectory)[WorldKeys.OldUpdate].ToTsigKey();
            var client = new DynamicUpdateClient(DnsEndpoint.Parse($"{old.GetProperty("address").GetString()}:{old.GetProperty("port").GetInt32()}"), key, TimeProvider.System);
            var update = await client.SendAsync(DomainName.Parse("shop.example."), [],
                [new UpdateOperation.AddRecord(new ResourceRecord(Marker, RecordType.TXT, new Ttl(5), "\"survives a restart\""))], default);
            Assert.True(update.Applied, update.ToString());

            // A person at the manual registrar moves legacy.example to Route 53's name servers.
            await SandboxApp.ReadAsync(await first.Operator.PostAsJsonAsync("/api/sandbox/registrar/legacy.example",
                new { nameServers = SandboxApp.Route53NameServers }), "manual registrar");
            Assert.Equal(SandboxApp.Route53NameServers, await first.DelegationAtTldAsync("legacy.example."));
            await first.App.KillAsync();   // SIGKILL: nothing gets a chance to flush on the way out
        }

        var started = Stopwatch.StartNew();
        await using (var second = await SandboxApp.StartAsync(data.FullName))
        {
            var startToHealthy = started.Elapsed;
            var world = await second.WorldAsync();
            Assert.Equal(SandboxApp.Route53NameServers, NameServers(Delegation(world, "legacy.example.")));
            Assert.Equal(SandboxApp.OldNameServers, NameServers(Delegation(world, "shop.example.")));
            Assert.True(Delegation(world, "shop.example.").GetProperty("oldProviderSerial").GetUInt32() > shopSerial);
            var marker = await MarkerAsync(second, world);
            Assert.Equal(["\"survives a restart\""], marker.AnswerSet.Select(r => r.Data));
            Assert.True(marker.Authoritative);

            var reset = await second.Admin.PostAsync("/api/sandbox/reset", null);
            Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync());
            var fresh = await second.WorldAsync();
            Assert.Equal(SandboxApp.OldNameServers, NameServers(Delegation(fresh, "legacy.example.")));
            Assert.Equal(shopSerial, Delegation(fresh, "shop.example.").GetProperty("oldProviderSerial").GetUInt32());
            Assert.True((await MarkerAsync(second, fresh)).IsNxDomain);
            Assert.Equal(keysBefore, await File.ReadAllTextAsync(Path.Combine(worldDirectory, "tsig-keys.json")));

            // The world's start (from the app's log line) and the app's memory, for the closing note.
            var rss = Process.GetProcessesByName("dotnet").Where(p => p.Id == second.App.ProcessId).Select(p => p.WorkingSet64).SingleOrDefault();
            output.WriteLine($"restart: process start to /healthz {startToHealthy.TotalSeconds:F1} s; app working set {rss / 1024 / 1024} MiB");
            output.WriteLine(string.Join('\n', second.App.Output.Split('\n').Where(l => l.Contains("Sandbox world", StringComparison.Ordinal))));
        }

        // Reset survives a restart too: the first state is what the files hold now.
        await using var third = await SandboxApp.StartAsync(data.FullName);
        Assert.Equal(SandboxApp.OldNameServers, await third.DelegationAtTldAsync("legacy.example."));
    }
}
