using System.Collections.Concurrent;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

/// <summary>Each server is asked by its own workers: a slow answer from one server does not hold back the other's queries,
/// and every RRset is still compared with both its answers.</summary>
public sealed class ParitySweepTests
{
    private static readonly DomainName Zone = DomainName.Parse("shop.example.");
    private static readonly DnsEndpoint Old = DnsEndpoint.Parse("127.0.0.12");
    private static readonly DnsEndpoint New = DnsEndpoint.Parse("127.0.0.13");

    /// <summary>Answers at once, except the old server's answer for <see cref="Held"/>, which waits for <see cref="Release"/>.</summary>
    private sealed class HoldingProbe : IDnsProbe
    {
        public required DomainName Held { get; init; }
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<DomainName> AskedNew { get; } = new();
        public TaskCompletionSource OldAskedForHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (server == New) AskedNew.Enqueue(name);
            if (server == Old && name.Equals(Held))
            {
                OldAskedForHeld.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }
            return new ProbeResult(server, name, type, ProbeErrorKind.None, "NOERROR", true, false,
                [new ResourceRecord(name, type, new Ttl(300), "192.0.2.1")], [], [], TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task CheckAsync_KeepsAskingTheNewServer_WhileTheOldOneIsSlowForOneSet()
    {
        var sets = Enumerable.Range(0, 20)
            .Select(i => new RecordSet(new RecordSetKey(DomainName.Parse($"host{i:00}.shop.example."), RecordType.A), new Ttl(300), ["192.0.2.1"])).ToList();
        var probe = new HoldingProbe { Held = DomainName.Parse("host00.shop.example.") };
        var progress = new ConcurrentQueue<ParityProgress>();

        var check = new ParityChecker(probe, maxConcurrency: 1).CheckAsync(Zone, sets, Old, New, progress: new Recorder(progress));
        await probe.OldAskedForHeld.Task;
        // one RRset in flight per server, and the probe answers the new server at once: its worker has gone through every
        // set while the old server's worker still waits on the first
        Assert.Equal(sets.Count, probe.AskedNew.Count);
        Assert.False(check.IsCompleted);
        Assert.DoesNotContain(progress, p => p.Checked > 0); // nothing compared without the old server's answers
        probe.Release.SetResult();
        var report = await check;

        Assert.True(report.AllMatch);
        Assert.Equal(sets.Count, report.Checked);
        Assert.Equal(sets.Count, progress.Max(p => p.Checked));
    }

    private sealed class Recorder(ConcurrentQueue<ParityProgress> into) : IProgress<ParityProgress>
    {
        public void Report(ParityProgress value) => into.Enqueue(value);
    }
}
