using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ARSoft.Tools.Net.Dns;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.ZoneFiles;
using Migrator.Sandbox.World;
using Xunit.Abstractions;
using ArDomainName = ARSoft.Tools.Net.DomainName;
using CoreDomainName = Migrator.Core.Zones.DomainName;
using CoreRecordType = Migrator.Core.Zones.RecordType;
using RecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace Migrator.EndToEnd.Lab;

/// <summary>The sandbox world against real software: unbound as the reference resolver, the migrator CLI as a client.</summary>
public sealed class WorldResolverLabTests(WorldLabFixture fixture, ITestOutputHelper output) : IClassFixture<WorldLabFixture>
{
    private readonly WorldLab _lab = fixture.Lab;

    private static readonly RecordType[] Types = [RecordType.A, RecordType.Aaaa, RecordType.Mx, RecordType.Txt, RecordType.Ns, RecordType.Soa, RecordType.CName, RecordType.Ds];

    private sealed record Seen(ReturnCode Code, bool Authoritative, IReadOnlyList<string> Answer, IReadOnlyDictionary<string, int> Ttls);

    [Fact]
    public async Task Resolvers_AnswerLikeUnbound_ForHundredsOfQueriesOverTheDemoZones()
    {
        var names = DemoZones.Demo.SelectMany(z => _lab.World.Zones[z].Records.Select(r => r.Name.ToLowerString()))
            .Concat(["nope.shop.example.", "deep.nope.shop.example.", "x.apps.shop.example.", "a.b.preview.shop.example.", "preview.shop.example.",
                "_tcp.shop.example.", "_domainkey.shop.example.", "nope.legacy.example.", "nope.signed.example.", "nope.example."])
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var queries = names.SelectMany(n => Types.Select(t => (Name: n, Type: t))).ToList();
        // Other tests of this class ask our resolvers too; unbound is asked only here, so both start empty.
        foreach (var r in _lab.World.Resolvers) r.Flush();
        var compared = 0;
        var failures = new List<string>();
        // Pass 1 fills both caches; pass 2 reads them back decayed. TTLs may differ by the time between the two
        // queries of a pair (measured) plus a second of rounding, or straddle an expiry when one refetched.
        var gaps = new Dictionary<(string, RecordType), double>();
        foreach (var pass in new[] { 1, 2 })
        {
            foreach (var (name, type) in queries)
            {
                var clock = Stopwatch.StartNew();
                var reference = await AskAsync(_lab.UnboundIp, 53, name, type);
                var ours = new List<Seen>();
                for (var i = 0; i < _lab.World.Resolvers.Count - 1; i++) // the ISP-like one clamps TTLs by design
                    ours.Add(await AskAsync(_lab.World.ResolverEndPoint(i).Address, 53, name, type));
                var gap = clock.Elapsed.TotalSeconds + gaps.GetValueOrDefault((name, type));
                gaps[(name, type)] = gap;
                var tolerance = (int)Math.Ceiling(gap) + 1;
                foreach (var (mine, index) in ours.Select((s, i) => (s, i)))
                {
                    compared++;
                    var where = $"pass {pass} {name} {type} resolver {index}";
                    if (mine.Code != reference.Code) { failures.Add($"{where}: rcode {mine.Code} vs unbound {reference.Code}"); continue; }
                    if (mine.Authoritative != reference.Authoritative) failures.Add($"{where}: AA {mine.Authoritative} vs unbound {reference.Authoritative}");
                    if (!mine.Answer.SequenceEqual(reference.Answer))
                    {
                        failures.Add($"{where}: answer [{string.Join(" | ", mine.Answer)}] vs unbound [{string.Join(" | ", reference.Answer)}]");
                        continue;
                    }
                    foreach (var (set, ttl) in reference.Ttls)
                    {
                        if (set.EndsWith(" SOA", StringComparison.Ordinal) && !mine.Answer.Any(a => a.Contains(" Soa ", StringComparison.Ordinal)))
                        {
                            // A negative answer's SOA: unbound hands out its shared cached copy of the zone's SOA, we the
                            // copy stored with the negative entry; both must stay within the negative TTL.
                            var negative = _lab.World.Options.NegativeTtl;
                            if (ttl > negative || mine.Ttls.GetValueOrDefault(set, int.MaxValue) > negative)
                                failures.Add($"{where}: negative TTL of {set} {mine.Ttls.GetValueOrDefault(set, -1)} / unbound {ttl} above {negative}");
                            continue;
                        }
                        var m = mine.Ttls.GetValueOrDefault(set, -1);
                        var original = OriginalTtl(set);
                        var straddles = Math.Min(m, ttl) <= tolerance && Math.Max(m, ttl) >= original - tolerance;
                        if (Math.Abs(m - ttl) > tolerance && !straddles) failures.Add($"{where}: TTL of {set} {m} vs unbound {ttl} (tolerance {tolerance} s)");
                        if (m > original) failures.Add($"{where}: TTL of {set} {m} above the zone's {original}");
                    }
                }
            }
        }
        output.WriteLine($"{queries.Count} questions x 2 passes, {compared} answers compared with unbound; {failures.Count} differences");
        foreach (var f in failures.Take(60)) output.WriteLine(f);
        Assert.True(compared >= 600, $"only {compared} comparisons");
        Assert.Empty(failures);
    }

    private int OriginalTtl(string set)
    {
        // set is "name TYPE"; the zone's own TTL for it (a negative answer's SOA: min(SOA TTL, minimum)).
        var parts = set.Split(' ');
        foreach (var zone in _lab.World.Zones.Values)
        {
            var r = zone.Served.FirstOrDefault(x => x.Name.ToLowerString() == parts[0] && x.Type.ToString() == parts[1]);
            if (r is not null) return (int)r.Ttl.Seconds;
        }
        return int.MaxValue;
    }

    private static async Task<Seen> AskAsync(IPAddress server, int port, string name, RecordType type)
    {
        var client = new ARSoft.Tools.Net.Dns.DnsClient([server], [new UdpClientTransport(port), new TcpClientTransport(port)], false, 5000);
        var r = await client.ResolveAsync(ArDomainName.Parse(name), type, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = true, IsEDnsEnabled = true, EDnsOptions = new OptRecord { UdpPayloadSize = 1232 } })
            ?? throw new TimeoutException($"{server} did not answer {name} {type}");
        var answer = r.AnswerRecords.Select(Text).Order(StringComparer.Ordinal).ToList();
        var ttls = r.AnswerRecords.Concat(r.AuthorityRecords.OfType<SoaRecord>())
            .GroupBy(x => $"{x.Name.ToString().ToLowerInvariant()} {x.RecordType.ToString().ToUpperInvariant()}")
            .ToDictionary(g => g.Key, g => g.Min(x => x.TimeToLive));
        return new Seen(r.ReturnCode, r.IsAuthoritiveAnswer, answer, ttls);
    }

    private static string Text(DnsRecordBase r)
    {
        var parts = r.ToString().Split(' ', 5);
        return $"{r.Name.ToString().ToLowerInvariant()} {r.RecordType} {(parts.Length > 4 ? parts[4] : "")}";
    }

    [Fact]
    public async Task Cli_TransfersChecksDelegationParityAndWatches_AgainstTheWorld()
    {
        var w = _lab.World;
        var transfer = w.Keys[WorldKeys.OldTransfer];
        var axfr = await CliRunner.RunAsync("zone", "axfr", "shop.example", "--server", w.OldProviderEndPoint.Address.ToString(),
            "--tsig", $"{transfer.Name}:{transfer.Algorithm}:{transfer.SecretBase64}");
        Assert.True(axfr.ExitCode == 0, axfr.ToString());
        Assert.Contains("selector1._domainkey.shop.example.", axfr.Stdout);

        var delegation = await CliRunner.RunAsync("dns", "delegation", "shop.example", "--hints", w.RootEndPoint.Address.ToString(), "--json");
        Assert.True(delegation.ExitCode == 0, delegation.ToString());
        using (var doc = JsonDocument.Parse(delegation.Stdout))
        {
            Assert.Equal(w.Options.DelegationTtl, doc.RootElement.GetProperty("parentNsTtl").GetInt32());
            Assert.True(doc.RootElement.GetProperty("healthy").GetBoolean(), delegation.Stdout);
        }

        var zoneFile = Path.Combine(_lab.Directory, "shop.example.zone");
        File.WriteAllText(zoneFile, ZoneFileWriter.Format(w.Zones["shop.example."].Records));
        var parity = await CliRunner.RunAsync("dns", "parity", "shop.example", "--zone-file", zoneFile,
            "--old", w.OldProviderEndPoint.Address.ToString(), "--new", w.OldProviderEndPoint.Address.ToString());
        Assert.True(parity.ExitCode == 0, parity.ToString());

        var update = new DynamicUpdateClient(new DnsEndpoint(w.OldProviderEndPoint.Address, 53), w.Keys[WorldKeys.OldUpdate].ToTsigKey(), TimeProvider.System);
        var canary = await update.SendAsync(CoreDomainName.Parse("shop.example."), [],
            [new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(CoreDomainName.Parse("_migrator-canary.shop.example."), CoreRecordType.TXT),
                new Ttl(20), ["\"migrator-canary=old;id=world\""]))]);
        Assert.True(canary.Applied, canary.ToString());
        var resolvers = string.Join(',', Enumerable.Range(0, w.Resolvers.Count).Select(i => w.ResolverEndPoint(i).Address.ToString()));
        var watch = await CliRunner.RunAsync("dns", "watch", "shop.example", "--resolver", resolvers, "--interval", "1", "--duration", "2", "--ttl", "30");
        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains(watch.Stdout.Split('\n'), l => l.StartsWith("t=", StringComparison.Ordinal));
        output.WriteLine(watch.Stdout);
        _ = CultureInfo.InvariantCulture;
    }
}
