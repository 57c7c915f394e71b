using System.Collections.Concurrent;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

/// <summary>
/// An RRset without a usable answer is asked once more after the sweep when such failures are few; differences and a
/// server that is down are reported as they are, without asking twice.
/// </summary>
public sealed class ParityReaskTests
{
    private static readonly DomainName Zone = DomainName.Parse("shop.example.");
    private static readonly DnsEndpoint Old = DnsEndpoint.Parse("127.0.0.12");
    private static readonly DnsEndpoint New = DnsEndpoint.Parse("127.0.0.13");

    /// <summary>
    /// Answers every question with one A record ("192.0.2.1", or <see cref="NewValue"/> from the new server); times out
    /// the first <see cref="LostTimes"/> queries for a name in <see cref="Lossy"/>, and every query to <see cref="Down"/>.
    /// </summary>
    private sealed class ScriptedProbe : IDnsProbe
    {
        public HashSet<string> Lossy { get; init; } = [];
        public int LostTimes { get; init; } = 1;
        public DnsEndpoint? Down { get; init; }
        public string NewValue { get; init; } = "192.0.2.1";
        public ConcurrentDictionary<(DnsEndpoint, string), int> Calls { get; } = new();

        public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null, CancellationToken cancellationToken = default)
        {
            var n = Calls.AddOrUpdate((server, name.ToString()), 1, (_, c) => c + 1);
            if (server == Down || (Lossy.Contains(name.ToString()) && n <= LostTimes))
                return Task.FromResult(ProbeResult.Failed(server, name, type, ProbeErrorKind.Timeout, TimeSpan.FromSeconds(4), $"no response from {server}"));
            var value = server == New ? NewValue : "192.0.2.1";
            return Task.FromResult(new ProbeResult(server, name, type, ProbeErrorKind.None, "NOERROR", true, false,
                [new ResourceRecord(name, type, new Ttl(300), value)], [], [], TimeSpan.Zero));
        }
    }

    private static IReadOnlyList<RecordSet> Sets(int count) =>
        Enumerable.Range(0, count).Select(i => new RecordSet(new RecordSetKey(DomainName.Parse($"host{i}.shop.example."), RecordType.A), new Ttl(300), ["192.0.2.1"])).ToList();

    [Fact]
    public async Task CheckAsync_MatchesEverySet_WhenAFewQueriesWereLostOnce()
    {
        var probe = new ScriptedProbe { Lossy = ["host3.shop.example.", "host40.shop.example.", "host77.shop.example."] };

        var report = await new ParityChecker(probe, 16).CheckAsync(Zone, Sets(100), Old, New);

        Assert.True(report.AllMatch, string.Join("; ", report.Problems.Select(p => $"{p.Name} {p.Outcome} {p.Detail}")));
        Assert.Equal(100, report.Checked);
        // Each lost name asked twice at both servers, every other name once.
        Assert.Equal(3 * 2 * 2 + 97 * 2, probe.Calls.Values.Sum());
        Assert.Equal(2, probe.Calls[(New, "host40.shop.example.")]);
    }

    [Fact]
    public async Task CheckAsync_ReportsTheError_WhenTheSecondAskIsLostToo()
    {
        var probe = new ScriptedProbe { Lossy = ["host5.shop.example."], LostTimes = int.MaxValue };

        var report = await new ParityChecker(probe, 16).CheckAsync(Zone, Sets(50), Old, New);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("host5.shop.example.", ParityOutcome.Error), (problem.Name, problem.Outcome));
        Assert.Contains("no response from", problem.Detail);
        Assert.Equal(2, probe.Calls[(Old, "host5.shop.example.")]);
    }

    [Fact]
    public async Task CheckAsync_AsksOnce_WhenASetDiffers()
    {
        var probe = new ScriptedProbe { NewValue = "192.0.2.99" };

        var report = await new ParityChecker(probe, 16).CheckAsync(Zone, Sets(20), Old, New);

        Assert.Equal(20, report.Differing);
        Assert.All(probe.Calls.Values, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public async Task CheckAsync_DoesNotAskAgain_WhenTheNewServerIsDown()
    {
        var probe = new ScriptedProbe { Down = New };

        var report = await new ParityChecker(probe, 16).CheckAsync(Zone, Sets(40), Old, New);

        Assert.Equal(40, report.Errors);
        Assert.Equal(80, probe.Calls.Values.Sum());
    }
}
