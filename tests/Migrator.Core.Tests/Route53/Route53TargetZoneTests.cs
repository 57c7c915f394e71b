using Migrator.Core.Diffing;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Route53.FakeRoute53Handler;

namespace Migrator.Core.Tests.Route53;

public class Route53TargetZoneTests
{
    internal static IReadOnlyList<RecordSet> Desired(int count, string suffix = "") =>
        Enumerable.Range(0, count).Select(i => new RecordSet(new RecordSetKey(DomainName.Parse($"h{i}.example.com."), i % 3 == 0 ? RecordType.TXT : RecordType.A),
            new Ttl(300), [i % 3 == 0 ? $"\"v{i}{suffix}\"" : $"192.0.{i / 250 % 250}.{i % 250}"])).ToList();

    private static void AssertZoneEquals(FakeRoute53Handler fake, IReadOnlyList<RecordSet> desired)
    {
        var sets = fake.Sets.Where(s => !(s.Name == Zone && (s.Type == RecordType.SOA || s.Type == RecordType.NS))).ToList();
        Assert.Equal(desired.Count, sets.Count);
        var byKey = sets.ToDictionary(s => new RecordSetKey(s.Name, s.Type));
        foreach (var d in desired)
            Assert.Equal(d.Values, byKey[d.Key].Values.Select(v => Route53Values.FromRoute53(d.Type, v)));
    }

    [Fact]
    public async Task SyncAsync_ConvergesWithoutDuplicates_WhenThirtyPercentOfCallsAreThrottled()
    {
        var (fake, s) = Route53ChangeSchedulerTests.Create();
        var random = new Random(42);
        fake.Fault = (_, _) => random.NextDouble() switch { < 0.15 => FaultKind.Throttle, < 0.30 => FaultKind.PriorRequest, _ => FaultKind.None };
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        var desired = Desired(3000);
        var report = await zone.SyncAsync(desired, new ZoneSyncOptions(), null, CancellationToken.None);
        AssertZoneEquals(fake, desired);
        Assert.Equal((3000, 0, 0), (report.Created, report.Updated, report.Deleted));
        Assert.Equal(3000, fake.ChangesApplied); // every CREATE applied exactly once
        Assert.Equal(3, report.Batches);
        Assert.True(s.Stats.Throttled > 0);
    }

    [Fact]
    public async Task SyncAsync_SendsNothing_WhenZoneAlreadyMatches()
    {
        var (fake, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        await zone.SyncAsync(Desired(700), new ZoneSyncOptions(), null, CancellationToken.None);
        var before = fake.Calls.Count(c => c == "ChangeResourceRecordSets");
        var report = await zone.SyncAsync(Desired(700), new ZoneSyncOptions(), null, CancellationToken.None);
        Assert.Equal(new ZoneSyncReport(0, 0, 0, 0, []), report with { ChangeIds = [] });
        Assert.Equal(before, fake.Calls.Count(c => c == "ChangeResourceRecordSets"));
    }

    [Fact]
    public async Task SyncAsync_ReplacesInOneBatchAndLeavesApexAlone_WhenValuesChange()
    {
        var (fake, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        await zone.SyncAsync(Desired(10), new ZoneSyncOptions(), null, CancellationToken.None);
        var changed = Desired(10, suffix: "-new").Take(8).ToList(); // TXT values change, two sets removed
        var report = await zone.SyncAsync(changed, new ZoneSyncOptions(), null, CancellationToken.None);
        Assert.Equal((0, 3, 2, 1), (report.Created, report.Updated, report.Deleted, report.Batches));
        AssertZoneEquals(fake, changed);
        Assert.Contains(fake.Sets, x => x.Name == Zone && x.Type == RecordType.SOA);
        Assert.Contains(fake.Sets, x => x.Name == Zone && x.Type == RecordType.NS);
    }

    [Fact]
    public void PlanFrom_ChangesApexNsAndSoa_OnlyWhenTheSyncOptionsStopIgnoringThem()
    {
        var (_, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        RecordSet Set(RecordType type, string value) => new(new RecordSetKey(Zone, type), new Ttl(300), [value]);
        IReadOnlyList<RecordSet> current = [Set(RecordType.NS, "ns-1.awsdns-00.com."), Set(RecordType.SOA, "ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")];
        IReadOnlyList<RecordSet> desired = [Set(RecordType.NS, "ns1.old-provider.net."), Set(RecordType.SOA, "ns1.old-provider.net. hostmaster.example.com. 7 3600 600 86400 300")];

        Assert.Equal(ZoneDiffOptions.Route53, new ZoneSyncOptions().DiffOptions); // same polarity, same defaults as the diff's Route 53 options
        Assert.Empty(zone.PlanFrom(current, desired, new ZoneSyncOptions()).Changes);
        Assert.Equal([RecordType.NS], zone.PlanFrom(current, desired, new ZoneSyncOptions(IgnoreApexNs: false)).Changes.Select(c => c.Key.Type));
        Assert.Equal([RecordType.SOA], zone.PlanFrom(current, desired, new ZoneSyncOptions(IgnoreApexSoa: false)).Changes.Select(c => c.Key.Type));
    }

    [Fact]
    public void Diff_PairsDeleteWithCreate_WhenCnameBecomesAddress()
    {
        var (_, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        var name = DomainName.Parse("www.example.com.");
        var current = new Dictionary<RecordSetKey, Route53RecordSet>
        {
            [new(name, RecordType.CNAME)] = new(name, RecordType.CNAME, 300, ["web.example.net."]),
        };
        var plan = zone.Diff([new RecordSet(new(name, RecordType.A), new Ttl(300), ["192.0.2.7"])], current, new ZoneSyncOptions());
        var batch = Assert.Single(ChangeBatchPacker.Pack(plan.Changes).Batches);
        Assert.Equal([ChangeAction.Delete, ChangeAction.Create], batch.Changes.Select(c => c.Action));
        Assert.Equal([RecordType.CNAME, RecordType.A], batch.Changes.Select(c => c.RecordSet.Type));
    }

    [Fact]
    public async Task SyncAsync_Converges_WhenLostResponseHadApplied()
    {
        var (fake, s) = Route53ChangeSchedulerTests.Create();
        fake.Fault = (op, n) => op == "ChangeResourceRecordSets" && n == 1 ? FaultKind.LoseResponseAfterApply : FaultKind.None;
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        var desired = Desired(2500);
        var reports = new List<ZoneSyncProgress>();
        var report = await zone.SyncAsync(desired, new ZoneSyncOptions(), new Route53ChangeSchedulerTests.SyncProgress(reports.Add), CancellationToken.None);
        AssertZoneEquals(fake, desired);
        Assert.Equal(2500, fake.ChangesApplied);
        Assert.Equal((2500, 3), (report.Created, report.Batches)); // 3 batches: the lost one is counted once
        Assert.Contains(reports, r => r.Message.Contains("reading the zone again"));
    }

    [Fact]
    public async Task SyncAsync_CompletesOnRerun_WhenFirstRunIsCancelledMidway()
    {
        var (fake, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        var desired = Desired(4000);
        using var cts = new CancellationTokenSource();
        var progress = new Route53ChangeSchedulerTests.SyncProgress(p => { if (p.BatchesDone == 2) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zone.SyncAsync(desired, new ZoneSyncOptions(), progress, cts.Token));
        var appliedBefore = fake.ChangesApplied;
        Assert.InRange(appliedBefore, 1, 3999);
        var report = await zone.SyncAsync(desired, new ZoneSyncOptions(), null, CancellationToken.None);
        AssertZoneEquals(fake, desired);
        Assert.Equal(4000, fake.ChangesApplied);
        Assert.Equal(4000 - appliedBefore, report.Created); // the rerun sent only what was missing
    }

    [Fact]
    public async Task GetNameServersAsync_ReturnsDelegationSet_OfZone()
    {
        var (_, s) = Route53ChangeSchedulerTests.Create();
        var ns = await new Route53TargetZone(s, "/hostedzone/" + ZoneId, Zone).GetNameServersAsync(CancellationToken.None);
        Assert.Equal([DomainName.Parse("ns-1.awsdns-01.com."), DomainName.Parse("ns-2.awsdns-02.net.")], ns);
    }

    [Fact]
    public async Task SyncAsync_Throws_WhenSetLiesOutsideZone()
    {
        var (_, s) = Route53ChangeSchedulerTests.Create();
        var zone = new Route53TargetZone(s, ZoneId, Zone);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => zone.SyncAsync(
            [new RecordSet(new(DomainName.Parse("x.example.org."), RecordType.A), new Ttl(1), ["192.0.2.1"])], new ZoneSyncOptions(), null, CancellationToken.None));
        Assert.Contains("x.example.org. A", e.Message);
    }
}
