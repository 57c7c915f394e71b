using System.Runtime.CompilerServices;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// A Route 53 hosted zone as the migration target. Sync = read current sets → diff → pack → send through the account's
/// scheduler; replaced sets go as DELETE(exact current values)+CREATE pairs in one batch. Invariant: only simple sets
/// (no alias, no routing policy) are read or written; alias and routing sets are left untouched.
/// </summary>
/// <remarks>
/// Why DELETE+CREATE rather than UPSERT: the DELETE must match the current values exactly, so a set changed by someone
/// else after we read it makes the whole batch fail instead of being silently overwritten (optimistic concurrency);
/// it costs old+new records against the limits where UPSERT costs 2×new, about the same. A pair too large for one
/// request is sent as one UPSERT by the packer. Idempotency: every run diffs against what Route 53 holds now, so after
/// a crash the rerun sends only what is missing; a batch whose response was lost is detected
/// (<see cref="Route53AmbiguousChangeException"/>) and answered by reading and diffing again.
/// </remarks>
public sealed class Route53TargetZone(Route53ChangeScheduler scheduler, string zoneId, DomainName zoneName) : ITargetZone
{
    public const int MaxRounds = 5;

    public string ZoneId { get; } = Route53Names.BareId(zoneId);
    public DomainName ZoneName { get; } = zoneName;

    /// <summary>Finds the zone by exact name, or creates it with <paramref name="callerReference"/> (stable per migration, so a retried create cannot make a second zone).</summary>
    public static async Task<Route53TargetZone> FindOrCreateAsync(Route53ChangeScheduler scheduler, DomainName zoneName, string callerReference,
        string? comment, CancellationToken ct)
    {
        async Task<Route53TargetZone?> FindAsync()
        {
            var zones = await scheduler.CallAsync(c => scheduler.Client.FindHostedZonesByNameAsync(zoneName, c), ct);
            var public_ = zones.Where(z => !z.PrivateZone).ToList();
            var mine = public_.Where(z => z.CallerReference == callerReference).ToList();
            if (mine.Count == 1) return new Route53TargetZone(scheduler, mine[0].Id, zoneName);
            if (public_.Count == 1) return new Route53TargetZone(scheduler, public_[0].Id, zoneName);
            if (public_.Count > 1)
                throw new InvalidOperationException($"{zoneName}: {public_.Count} public hosted zones have this name ({string.Join(", ", public_.Select(z => z.Id))}); choose one by id");
            return null;
        }

        if (await FindAsync() is { } found) return found;
        try
        {
            var created = await scheduler.CallAsync(c => scheduler.Client.CreateHostedZoneAsync(new CreateHostedZoneRequest(zoneName, callerReference, comment), c), ct);
            if (created.ChangeInfo is { } info) await scheduler.WaitInSyncAsync(info, ct);
            return new Route53TargetZone(scheduler, created.Zone.Id, zoneName);
        }
        catch (Route53Exception e) when (e.Code == "HostedZoneAlreadyExists")
        {
            // An earlier attempt created it and its answer was lost.
            return await FindAsync() ?? throw new InvalidOperationException($"{zoneName}: caller reference {callerReference} is used but no zone of that name exists", e);
        }
    }

    public async IAsyncEnumerable<RecordSet> ListRecordSetsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var s in scheduler.ListRecordSetsAsync(ZoneId, cancellationToken))
            if (s.IsSimple) yield return ToCanonical(s);
    }

    public async Task<IReadOnlyList<DomainName>> GetNameServersAsync(CancellationToken cancellationToken)
    {
        var detail = await scheduler.CallAsync(c => scheduler.Client.GetHostedZoneAsync(ZoneId, c), cancellationToken);
        return detail.NameServers.Select(n => Route53Names.Parse(n)).ToList();
    }

    public async Task<ZoneSyncReport> SyncAsync(IReadOnlyList<RecordSet> desired, ZoneSyncOptions options,
        IProgress<ZoneSyncProgress>? progress, CancellationToken cancellationToken)
    {
        Validate(desired);
        SyncPlan? first = null;
        var batches = 0;
        var changeIds = new List<string>();
        for (var round = 1; ; round++)
        {
            var current = new Dictionary<RecordSetKey, Route53RecordSet>();
            await foreach (var s in scheduler.ListRecordSetsAsync(ZoneId, cancellationToken))
                if (s.IsSimple) current[new RecordSetKey(s.Name, s.Type)] = s;

            var plan = Diff(desired, current, options);
            // Later rounds only finish what the first plan started, so the first plan is what the sync did.
            first ??= plan;
            if (plan.Changes.Count == 0) return new ZoneSyncReport(first.Created, first.Updated, first.Deleted, batches, changeIds);
            if (round > MaxRounds)
                throw new InvalidOperationException($"{ZoneName}: still {plan.Changes.Count} changes after {MaxRounds} rounds; the zone is being changed by someone else");

            var pack = ChangeBatchPacker.Pack(plan.Changes, comment: "migrator zone sync");
            try
            {
                var infos = await scheduler.ApplyAsync(ZoneId, pack.Batches, progress, cancellationToken);
                changeIds.AddRange(infos.Select(i => i.Id));
                // Every batch was accepted whole and is INSYNC: the zone now equals the plan, no need to read it again.
                return new ZoneSyncReport(first.Created, first.Updated, first.Deleted, batches + pack.Batches.Count, changeIds);
            }
            catch (Route53AmbiguousChangeException e)
            {
                batches += e.CompletedBefore.Count + 1; // the ambiguous batch was applied
                changeIds.AddRange(e.CompletedBefore.Select(i => i.Id));
                progress?.Report(new ZoneSyncProgress(0, 0, "a batch's answer was lost and it had applied; reading the zone again"));
            }
        }
    }

    /// <summary>The changes that make <paramref name="current"/> equal <paramref name="desired"/>; apex SOA/NS only when asked.</summary>
    public SyncPlan Diff(IReadOnlyList<RecordSet> desired, IReadOnlyDictionary<RecordSetKey, Route53RecordSet> current, ZoneSyncOptions options)
    {
        var changes = new List<Route53Change>();
        int created = 0, updated = 0, deleted = 0;
        var wanted = new HashSet<RecordSetKey>();
        foreach (var d in desired)
        {
            var key = new RecordSetKey(d.Name, d.Type);
            if (!Managed(key, options)) continue;
            wanted.Add(key);
            var target = ToRoute53(d);
            if (!current.TryGetValue(key, out var have)) { changes.Add(new(ChangeAction.Create, target)); created++; }
            else if (!SameContent(have, d))
            {
                if (d.Type == RecordType.SOA)
                    changes.Add(new(ChangeAction.Upsert, target)); // the apex SOA cannot be deleted, not even in a pair
                else { changes.Add(new(ChangeAction.Delete, have)); changes.Add(new(ChangeAction.Create, target)); }
                updated++;
            }
        }
        if (options.DeleteExtraneous)
            foreach (var (key, have) in current)
                if (!wanted.Contains(key) && Managed(key, options) && !IsApex(key, RecordType.SOA) && !IsApex(key, RecordType.NS))
                { changes.Add(new(ChangeAction.Delete, have)); deleted++; }
        return new SyncPlan(changes, created, updated, deleted);
    }

    public sealed record SyncPlan(IReadOnlyList<Route53Change> Changes, int Created, int Updated, int Deleted);

    private bool IsApex(RecordSetKey k, RecordType t) => k.Type == t && k.Name.Equals(ZoneName);

    private bool Managed(RecordSetKey k, ZoneSyncOptions o) =>
        (!IsApex(k, RecordType.SOA) || o.ManageApexSoa) && (!IsApex(k, RecordType.NS) || o.ManageApexNs);

    private void Validate(IReadOnlyList<RecordSet> desired)
    {
        var outside = desired.Where(d => !d.Name.IsSubdomainOf(ZoneName)).Select(d => d.Key.ToString()).Take(5).ToList();
        if (outside.Count > 0) throw new ArgumentException($"record sets outside {ZoneName}: {string.Join(", ", outside)}", nameof(desired));
        var routed = desired.FirstOrDefault(d => d.Key.SetIdentifier is not null);
        if (routed is not null) throw new ArgumentException($"{routed.Key}: routing-policy sets are not synced", nameof(desired));
        var dup = desired.GroupBy(d => new RecordSetKey(d.Name, d.Type)).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"{dup.Key}: given {dup.Count()} times", nameof(desired));
    }

    public static Route53RecordSet ToRoute53(RecordSet s) =>
        new(s.Name, s.Type, s.Ttl.Seconds, s.Values.Select(v => Route53Values.ToRoute53(s.Type, v)).ToList());

    public static RecordSet ToCanonical(Route53RecordSet s) =>
        new(new RecordSetKey(s.Name, s.Type, s.SetIdentifier), Ttl.FromSeconds(s.Ttl ?? 0),
            s.Values.Select(v => Route53Values.FromRoute53(s.Type, v)).Distinct(StringComparer.Ordinal).ToList());

    private static bool SameContent(Route53RecordSet have, RecordSet want)
    {
        if (have.Ttl != want.Ttl.Seconds) return false;
        var comparer = want.Type == RecordType.TXT || want.Type == RecordType.SPF || want.Type == RecordType.CAA
            ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var a = have.Values.Select(v => Route53Values.FromRoute53(want.Type, v)).ToHashSet(comparer);
        return a.SetEquals(want.Values.Select(v => Route53Values.FromRoute53(want.Type, Route53Values.ToRoute53(want.Type, v))));
    }
}
