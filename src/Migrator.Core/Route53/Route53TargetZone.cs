using System.Runtime.CompilerServices;
using Migrator.Core.Diffing;
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
/// <summary>A plan the safety check refused (more than 30% updates or deletes, apex NS/SOA) and nobody forced.</summary>
public sealed class PlanRefusedException(Plan plan)
    : Exception($"{plan.Zone}: the plan is refused by the safety check: {string.Join("; ", plan.Safety.Violations)}")
{
    public Plan Plan { get; } = plan;
}

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
            // Later rounds only finish what the first plan started, so the first plan is what the sync did (and was checked).
            if (first is null)
            {
                first = plan;
                if (!plan.Plan.Safety.Allows(options.Force))
                    throw new PlanRefusedException(plan.Plan);
            }
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

    /// <summary>Current simple record sets of the zone, canonical (what a plan's "existing" side is made of).</summary>
    public async Task<IReadOnlyList<RecordSet>> CurrentAsync(CancellationToken ct)
    {
        var list = new List<RecordSet>();
        await foreach (var s in ListRecordSetsAsync(ct)) list.Add(s);
        return list;
    }

    /// <summary>
    /// The one plan (<see cref="ZoneDiff"/>) that turns the zone's current sets into <paramref name="desired"/>, apex SOA and NS
    /// left to Route 53 unless asked. Desired values Route 53 would store differently but equivalently (case, quoting) are
    /// taken as Route 53 holds them, so an equivalent zone plans no change.
    /// </summary>
    public Plan PlanFrom(IReadOnlyList<RecordSet> current, IReadOnlyList<RecordSet> desired, ZoneSyncOptions? options = null)
    {
        options ??= new ZoneSyncOptions();
        var byKey = current.ToDictionary(c => c.Key);
        var normalized = desired.Select(d => byKey.TryGetValue(d.Key, out var have) && SameContent(ToRoute53(have), d) ? have : Normalize(d)).ToList();
        return ZoneDiff.Compute(ZoneName, current, normalized, options.DiffOptions);
    }

    public async Task<Plan> PlanAsync(IReadOnlyList<RecordSet> desired, ZoneSyncOptions? options, CancellationToken ct)
    {
        Validate(desired);
        return PlanFrom(await CurrentAsync(ct), desired, options);
    }

    /// <summary>Route 53 changes of a plan's record changes: DELETE+CREATE pairs for updates (UPSERT for the apex SOA).</summary>
    public static IReadOnlyList<Route53Change> ToRoute53Changes(IEnumerable<RecordChange> changes, IReadOnlyDictionary<RecordSetKey, Route53RecordSet>? current = null,
        DomainName? zone = null)
    {
        var list = new List<Route53Change>();
        Route53RecordSet Existing(RecordSet e) => current is not null && current.TryGetValue(new RecordSetKey(e.Name, e.Type), out var have) ? have : ToRoute53(e);
        foreach (var c in changes)
        {
            switch (c.Kind)
            {
                case ChangeKind.Create: list.Add(new(ChangeAction.Create, ToRoute53(c.Desired!))); break;
                case ChangeKind.Delete: list.Add(new(ChangeAction.Delete, Existing(c.Existing!))); break;
                default:
                    // The apex SOA and NS cannot be deleted, not even in a pair.
                    if (c.Key.Type == RecordType.SOA || (c.Key.Type == RecordType.NS && zone is not null && c.Key.Name.Equals(zone)))
                        list.Add(new(ChangeAction.Upsert, ToRoute53(c.Desired!)));
                    else { list.Add(new(ChangeAction.Delete, Existing(c.Existing!))); list.Add(new(ChangeAction.Create, ToRoute53(c.Desired!))); }
                    break;
            }
        }
        return list;
    }

    /// <summary>The batches a plan is sent in, in order; deterministic, so a resumed cutover finds batch i again.</summary>
    public static IReadOnlyList<ChangeBatch> Batches(IEnumerable<RecordChange> changes, string comment = "migrator cutover", DomainName? zone = null) =>
        ChangeBatchPacker.Pack(ToRoute53Changes(changes, zone: zone), comment: comment).Batches;

    /// <summary>Sends one batch without waiting for INSYNC (the caller polls <see cref="IsInSyncAsync"/> later, from a job).</summary>
    public Task<ChangeInfo> SubmitAsync(ChangeBatch batch, CancellationToken ct) => scheduler.SubmitAsync(ZoneId, batch, ct);

    public async Task<bool> IsInSyncAsync(string changeId, CancellationToken ct)
    {
        var info = await scheduler.CallAsync(c => scheduler.Client.GetChangeAsync(changeId, c), ct);
        return info.Status == ChangeStatus.InSync;
    }

    /// <summary>Whether every change of the batch already holds in the zone (a batch whose answer was lost had applied).</summary>
    public async Task<bool> HoldsAsync(ChangeBatch batch, CancellationToken ct)
    {
        var current = (await CurrentAsync(ct)).ToDictionary(c => new RecordSetKey(c.Name, c.Type));
        foreach (var ch in batch.Changes)
        {
            var key = new RecordSetKey(ch.RecordSet.Name, ch.RecordSet.Type);
            var present = current.TryGetValue(key, out var have);
            if (ch.Action == ChangeAction.Delete)
            {
                // A DELETE holds when the set is gone or was replaced by a CREATE of the same batch.
                var recreated = batch.Changes.Any(o => o.Action != ChangeAction.Delete && o.RecordSet.Name.Equals(ch.RecordSet.Name) && o.RecordSet.Type == ch.RecordSet.Type);
                if (present && !recreated) return false;
            }
            else if (!present || !SameContent(ch.RecordSet, have!)) return false;
        }
        return true;
    }

    /// <summary>Applies a plan: refuses an unsafe one unless forced, then sends every batch, each after the previous is INSYNC.</summary>
    public async Task<ZoneSyncReport> ApplyAsync(Plan plan, bool force, IProgress<ZoneSyncProgress>? progress, CancellationToken ct)
    {
        if (!plan.Zone.Equals(ZoneName)) throw new ArgumentException($"the plan is for {plan.Zone}, not {ZoneName}", nameof(plan));
        if (!plan.Safety.Allows(force)) throw new PlanRefusedException(plan);
        if (!plan.HasChanges) return new ZoneSyncReport(0, 0, 0, 0, []);
        var infos = await scheduler.ApplyAsync(ZoneId, Batches(plan.Changes, "migrator plan " + plan.Hash[..12], ZoneName), progress, ct);
        return new ZoneSyncReport(plan.Creates, plan.Updates, plan.Deletes, infos.Count, infos.Select(i => i.Id).ToList());
    }

    /// <summary>The changes that make <paramref name="current"/> equal <paramref name="desired"/>: the one plan, as Route 53 changes.</summary>
    public SyncPlan Diff(IReadOnlyList<RecordSet> desired, IReadOnlyDictionary<RecordSetKey, Route53RecordSet> current, ZoneSyncOptions options)
    {
        var canonical = current.Values.Select(ToCanonical).ToList();
        var plan = PlanFrom(canonical, desired, options);
        var changes = options.DeleteExtraneous ? plan.Changes.ToList() : plan.Changes.Where(c => c.Kind != ChangeKind.Delete).ToList();
        return new SyncPlan(ToRoute53Changes(changes, current, ZoneName), changes.Count(c => c.Kind == ChangeKind.Create),
            changes.Count(c => c.Kind == ChangeKind.Update), changes.Count(c => c.Kind == ChangeKind.Delete), plan);
    }

    private static RecordSet Normalize(RecordSet d) =>
        d with { Values = d.Values.Select(v => Route53Values.FromRoute53(d.Type, Route53Values.ToRoute53(d.Type, v))).Distinct(StringComparer.Ordinal).ToList() };

    public sealed record SyncPlan(IReadOnlyList<Route53Change> Changes, int Created, int Updated, int Deleted, Plan Plan);

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
