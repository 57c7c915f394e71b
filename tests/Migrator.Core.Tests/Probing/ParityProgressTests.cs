using System.Collections.Concurrent;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

public sealed class ParityProgressTests
{
    private static readonly DomainName Zone = DomainName.Parse("shop.example.");
    private static readonly DnsEndpoint Old = DnsEndpoint.Parse("127.0.0.12");
    private static readonly DnsEndpoint New = DnsEndpoint.Parse("127.0.0.13");

    /// <summary>Both servers answer every question authoritatively with the same one record.</summary>
    private sealed class AlikeProbe : IDnsProbe
    {
        public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ProbeResult(server, name, type, ProbeErrorKind.None, "NOERROR", true, false,
                [new ResourceRecord(name, type, new Ttl(300), "192.0.2.1")], [], [], TimeSpan.Zero));
    }

    private sealed class Recorder<T> : IProgress<T>
    {
        public ConcurrentQueue<T> Seen { get; } = new();
        public void Report(T value) => Seen.Enqueue(value);
    }

    private static IReadOnlyList<RecordSet> Sets(int count) =>
        Enumerable.Range(0, count).Select(i => new RecordSet(new RecordSetKey(DomainName.Parse($"host{i}.shop.example."), RecordType.A), new Ttl(300), ["192.0.2.1"])).ToList();

    [Fact]
    public async Task CheckAsync_ReportsEverySetCompared_FromZeroToTheTotal()
    {
        var progress = new Recorder<ParityProgress>();

        var report = await new ParityChecker(new AlikeProbe(), 8).CheckAsync(Zone, Sets(250), Old, New, progress: progress);

        Assert.True(report.AllMatch);
        var seen = progress.Seen.ToList();
        Assert.Equal(new ParityProgress(0, 250), seen[0]);
        Assert.Equal(251, seen.Count);
        Assert.All(seen, p => Assert.Equal(250, p.Total));
        Assert.Equal(Enumerable.Range(0, 251), seen.Select(p => p.Checked).Order());
    }

    private static (ParitySweepProgress Sweep, List<MigrationChange> Published, Guid Id) Sweep(string what, int servers)
    {
        var notifier = new InProcessMigrationNotifier();
        var published = new List<MigrationChange>();
        notifier.Subscribe(c => { lock (published) published.Add(c); return Task.CompletedTask; });
        var id = Guid.NewGuid();
        return (new ParitySweepProgress(notifier, id, what, servers), published, id);
    }

    [Fact]
    public void Report_PublishesEachWholePercentOnceInOrder_OverAllNewServers()
    {
        var (sweep, published, id) = Sweep("Drift check", 2);

        foreach (var server in new[] { 0, 1 })
        {
            var progress = sweep.ForServer(server, $"127.0.0.{server + 1}:53");
            for (var i = 0; i <= 1000; i++) progress.Report(new ParityProgress(i, 1000));
        }

        Assert.Equal(101, published.Count);
        Assert.All(published, c => Assert.Equal((id, MigrationChangeKind.Progress), (c.MigrationId!.Value, c.Kind)));
        Assert.Equal(Enumerable.Range(0, 101), published.Select(c => (int)Math.Floor(c.Progress!.Value * 100 + 1e-9)));
        Assert.Equal("Drift check: 0 of 1,000 record sets compared with new server 1 of 2 (127.0.0.1:53)", published[0].Message);
        Assert.Equal(1.0, published[^1].Progress);
        Assert.Equal("Drift check: 1,000 of 1,000 record sets compared with new server 2 of 2 (127.0.0.2:53)", published[^1].Message);
    }

    [Fact]
    public void Report_DropsAnOlderCount_WhenItArrivesAfterANewerOne()
    {
        var (sweep, published, _) = Sweep("Rehearsal parity sweep", 1);
        var progress = sweep.ForServer(0, "127.0.0.13:53");

        progress.Report(new ParityProgress(60, 100));
        progress.Report(new ParityProgress(50, 100));
        progress.Report(new ParityProgress(70, 100));

        Assert.Equal([0.6, 0.7], published.Select(c => c.Progress!.Value));
        Assert.Equal("Rehearsal parity sweep: 70 of 100 record sets compared with the new server 127.0.0.13:53", published[^1].Message);
    }

    [Fact]
    public async Task Report_PublishesGrowingFractions_WhenASweepReportsFromManyThreads()
    {
        var (sweep, published, _) = Sweep("Cutover (f) parity sweep", 1);
        var progress = sweep.ForServer(0, "127.0.0.13:53");

        await new ParityChecker(new AlikeProbe(), 16).CheckAsync(Zone, Sets(5000), Old, New, progress: progress);

        var fractions = published.Select(c => c.Progress!.Value).ToList();
        Assert.Equal(fractions.Order(), fractions);
        Assert.Equal(fractions.Count, fractions.Distinct().Count());
        Assert.Equal(1.0, fractions[^1]);
        Assert.InRange(fractions.Count, 2, 101);
    }
}
