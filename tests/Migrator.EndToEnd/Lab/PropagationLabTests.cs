using Migrator.Core.Tsig;
using System.Diagnostics;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Xunit.Abstractions;

namespace Migrator.EndToEnd.Lab;

public sealed class PropagationLabTests(ITestOutputHelper output)
{
    private const uint DelegationTtl = 6;

    [Fact]
    public async Task ResolverMovesFromOldToNew_WithinFiveDelegationTtls_WhenTheParentDelegationIsChangedByRfc2136()
    {
        await using var lab = await DnsLab.StartAsync(new DnsLabOptions
        {
            DelegationTtl = DelegationTtl, ApexNsTtl = DelegationTtl, RecordTtl = 2, IncludeCanary = false,
        });
        using var probe = new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromSeconds(1), Retries: 1));
        var canary = new Canary(DnsLab.Zone, "prop1");
        var oldNs = new[] { DomainName.Parse("ns1.old-dns.lab."), DomainName.Parse("ns2.old-dns.lab.") };
        var newNs = new[] { DomainName.Parse("ns-1.new-dns.lab."), DomainName.Parse("ns-2.new-dns.lab.") };

        // canary at both providers, through our RFC 2136 writer
        var oldWriter = new Rfc2136ZoneWriter(lab.OldZoneClient());
        var newWriter = new Rfc2136ZoneWriter(new DynamicUpdateClient(lab.New, TsigKey.FromBase64("new-key", lab.NewKeySecret), TimeProvider.System));
        Assert.True((await oldWriter.WriteCanaryAsync(canary, CanarySide.Old, new Ttl(1), default)).Applied);
        Assert.True((await newWriter.WriteCanaryAsync(canary, CanarySide.New, new Ttl(1), default)).Applied);

        var targets = new[]
        {
            new PropagationTarget("unbound", lab.Resolver),
            new PropagationTarget("tld", lab.TldServer, PropagationTargetKind.ParentServer),
        };
        var sampler = new PropagationSampler(probe, canary, TimeProvider.System, oldNs, newNs);
        var store = new InMemoryPropagationSampleStore();

        // before the change: the resolver caches the old delegation
        for (var i = 0; i < 3; i++)
        {
            await store.AppendAsync("m1", await sampler.SampleAsync(targets, default), default);
            await Task.Delay(300);
        }

        var changer = new Rfc2136DelegationChanger(new DynamicUpdateClient(lab.TldServer, TsigKey.FromBase64("tld-key", lab.TldKeySecret), TimeProvider.System),
            DnsLab.Tld, probe, null, new InMemoryOperationJournal(TimeProvider.System));
        var current = await changer.GetCurrentAsync(DnsLab.Zone, default);
        var (operationId, result) = await changer.ChangeAsync(
            new Delegation(DnsLab.Zone, newNs.Select(n => new DelegatedNameServer(n, [])).ToList(), [], new Ttl(DelegationTtl)),
            current, default);
        var changedAt = DateTimeOffset.UtcNow;
        Assert.True(result.Applied, result.ToString());
        Assert.Equal(DelegationChangeStatus.Succeeded, await changer.GetStatusAsync(operationId, default));

        // measure for up to 5 × TTL + 5 s, stopping after three consecutive New answers from the resolver
        var limit = TimeSpan.FromSeconds(5 * DelegationTtl + 5);
        var streak = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < limit && streak < 3)
        {
            var round = await sampler.SampleAsync(targets, default);
            await store.AppendAsync("m1", round, default);
            streak = round.Single(s => s.Target == "unbound").Classification == CanaryClassification.New ? streak + 1 : 0;
            await Task.Delay(500);
        }

        var all = PropagationSeries.Create(changedAt, await store.ListAsync("m1", default));
        var resolver = PropagationSeries.Create(changedAt, all.Samples.Where(s => s.Target == "unbound"));
        var parent = PropagationSeries.Create(changedAt, all.Samples.Where(s => s.Target == "tld"));
        var model = PropagationModel.FromSeconds(DelegationTtl);
        foreach (var p in resolver.Points(TimeSpan.FromSeconds(1), model))
            output.WriteLine($"t={p.SinceChange.TotalSeconds,6:0.0}s measured={p.MeasuredNewShare:P0} expected={p.ExpectedShare:P0}");

        Assert.All(resolver.Samples.Take(3), s => Assert.Equal(CanaryClassification.Old, s.Classification));
        Assert.All(resolver.Samples.TakeLast(3), s => Assert.Equal(CanaryClassification.New, s.Classification));
        var switchedAfter = Assert.NotNull(resolver.SwitchedAfter);
        output.WriteLine($"resolver switched {switchedAfter.TotalSeconds:0.0}s after the change (limit {model.WaitBeforeCutover().TotalSeconds}s)");
        Assert.True(switchedAfter <= model.WaitBeforeCutover(), $"switched after {switchedAfter}, more than 5 × {DelegationTtl}s");
        // the parent's servers show the new delegation at once
        Assert.All(parent.Samples.Take(3), s => Assert.Equal(CanaryClassification.Old, s.Classification));
        // (every sample taken after the change is New; how many seconds that first sample took depends on the machine's load, so it is not asserted)
        Assert.Contains(parent.Samples, s => s.At > changedAt);
        Assert.All(parent.Samples.Where(s => s.At > changedAt), s => Assert.Equal(CanaryClassification.New, s.Classification));
    }
}
