using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Diffing;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Linting;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Notifications;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>Timing settings of the steps (defaults suit production; the sandbox and the lab shorten them).</summary>
public sealed record MigrationStepOptions
{
    /// <summary>How often a running step polls (Route 53 INSYNC, the parent showing a change, TTLs observed).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often drift and propagation are sampled during the wait and the soak.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Called inside each cutover sub-step (a)–(h) at its most fragile instant: its outside effect is done (the snapshot
    /// saved, the Route 53 batch submitted, the parent updated…) and its record is not yet written. (e) is also called
    /// just before each Route 53 batch is sent, its operation persisted as Pending (<see cref="CutoverCheckpoint.BeforeEffect"/>).
    /// Null in production; crash tests stop or kill the process here, fault tests break a server here, deterministically.
    /// </summary>
    public Func<CutoverCheckpoint, CancellationToken, Task>? CutoverCheckpoint { get; init; }
}

/// <summary>
/// A point inside cutover sub-step <see cref="SubStep"/> ('a'–'h') of a migration, for <see cref="MigrationStepOptions.CutoverCheckpoint"/>:
/// after its outside effect, or with <see cref="BeforeEffect"/> just before it (the operation persisted, nothing sent).
/// </summary>
public sealed record CutoverCheckpoint(Guid MigrationId, string ZoneName, char SubStep, string What, bool BeforeEffect = false)
{
    /// <summary>The sub-steps, in order.</summary>
    public const string SubSteps = "abcdefgh";
}

/// <summary>
/// The automatic action of every lifecycle step, through the adapters the plan chose (<see cref="MigrationAdapterFactory"/>).
/// Every step is resumable: outside operations are recorded before they start (keyed per step), cutover records the
/// last sub-step finished, and a rerun skips what is done instead of doing it twice.
/// </summary>
/// <param name="notifier">Where parity sweeps report their progress to open pages (none: no live progress).</param>
public sealed partial class MigrationStepRunner(MigrationAdapterFactory adapters, IDbContextFactory<MigratorDbContext> contexts, MigrationStepOptions? options = null,
    IMigrationNotifier? notifier = null)
    : IMigrationStepRunner
{
    private readonly MigrationStepOptions _options = options ?? new MigrationStepOptions();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<StepOutcome> RunAsync(StepContext c, CancellationToken ct)
    {
        var a = c.Migration.Answers;
        if (a is null) return new StepOutcome.Blocked("the migration has no plan");
        return c.Step switch
        {
            MigrationStep.Plan => await PlanAsync(c, a, ct),
            MigrationStep.Inventory => await InventoryAsync(c, a, ct),
            MigrationStep.Rehearse => await RehearseAsync(c, a, ct),
            MigrationStep.LowerTtls => await LowerTtlsAsync(c, a, ct),
            MigrationStep.Wait => await WaitAsync(c, a, ct),
            MigrationStep.CutOver => await CutOverAsync(c, a, ct),
            MigrationStep.Verify => await VerifyAsync(c, a, ct),
            MigrationStep.Soak => await SoakAsync(c, a, ct),
            MigrationStep.Complete => await CompleteAsync(c, a, ct),
            MigrationStep.Decommission => await DecommissionAsync(c, a, ct),
            MigrationStep.RollBack => await RollBackAsync(c, a, ct),
            MigrationStep.Resync => await ResyncAsync(c, a, ct),
            _ => new StepOutcome.Done($"{c.Step} recorded", null),
        };
    }

    // ------------------------------------------------------------------ Plan

    private async Task<StepOutcome> PlanAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var zone = c.Migration.Zone;
        switch (a.Delegation.Kind)
        {
            case DelegationChangerKind.Route53Domains:
                try
                {
                    var changer = await adapters.DelegationAsync(a, Journal(c));
                    var current = await changer.GetCurrentAsync(zone, ct);
                    return new StepOutcome.Done("planned; Route 53 Domains answers for the domain",
                        new { registrarCheck = "GetDomainDetail succeeded", delegation = DelegationView.From(current) });
                }
                catch (Exception e) when (e is Route53Exception or HttpRequestException or KeyNotFoundException)
                {
                    return new StepOutcome.Blocked($"registrar access: Route 53 Domains GetDomainDetail for {zone} failed: {e.Message}");
                }
            default:
                var views = await ReadParentsAsync(a, zone, ct);
                if (views.All(v => v.Delegation is null))
                    return new StepOutcome.Blocked($"no parent server shows a delegation of {zone}: {string.Join("; ", views.Select(v => $"{v.Server}: {v.Error}"))}");
                return new StepOutcome.Done("planned", new
                {
                    registrarCheck = a.Delegation.Kind == DelegationChangerKind.Manual
                        ? $"manual registrar: {a.Delegation.RegistrarContact} changes the delegation and confirms it"
                        : $"RFC 2136 on {a.Delegation.ParentZone} at {a.Delegation.ParentPrimary}",
                    parentServers = views,
                });
        }
    }

    // ------------------------------------------------------------------ Inventory

    private async Task<StepOutcome> InventoryAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct) => (await ReadInventoryAsync(c, a, ct)).Outcome;

    /// <summary>The inventory (Done with its patch) and the records read, or Blocked and no records.</summary>
    private async Task<(IReadOnlyList<ResourceRecord> Records, StepOutcome Outcome)> ReadInventoryAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var zone = c.Migration.Zone;
        var source = adapters.Source(c.Migration, a);
        var read = await source.ReadAsync(zone, ct);
        if (!read.Succeeded)
            return ([], new StepOutcome.Blocked($"reading {zone} through {source.Description} failed: {string.Join("; ", read.Diagnostics.Where(d => d.IsError).Take(10))}"));
        var records = read.Records;
        var soa = records.FirstOrDefault(r => r.Type == RecordType.SOA && r.Name.Equals(zone));
        if (soa is null) return ([], new StepOutcome.Blocked($"{source.Description} holds no SOA for {zone}"));
        var serial = long.Parse(soa.Data.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        // The plan's target TTL is the migration policy: a set above it is one the TTL lowering must bring down.
        var lint = Route53Linter.Lint(zone, records, new Route53LintPolicy(MaxMigrationTtl: a.TargetTtlSeconds));
        var findings = lint.Findings.Select(f => new InventoryFinding(InventoryFinding.KeyOf(f), f.RuleId, f.Severity.ToString(), f.Owner.ToString(),
            f.Type?.ToString(), f.Message, f.SuggestedFix)).GroupBy(f => f.Key).Select(g => g.First()).ToList();
        var hash = InventoryHash(records);
        var patch = new MigrationPatch()
            .Set(m => m.InventoryJson, InventoryRecords.ToJson(records)).Set(m => m.InventorySerial, serial).Set(m => m.InventoryHash, hash)
            .Set(m => m.LintJson, JsonSerializer.Serialize(findings, MigrationPlanAnswers.Json)).Set(m => m.AcceptedFindingsJson, (string?)null);
        return (records, new StepOutcome.Done($"inventoried {records.Count} records (serial {serial})", new
        {
            source = source.Description, records = records.Count, serial, hash,
            errors = lint.Count(LintSeverity.Error), warnings = lint.Count(LintSeverity.Warning),
        }, patch));
    }

    public static string InventoryHash(IEnumerable<ResourceRecord> records)
    {
        var lines = records.Select(r => $"{r.Name.ToLowerString()} {r.Ttl.Seconds} {r.Type} {r.Data}").Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines))));
    }

    // ------------------------------------------------------------------ Rehearse

    private async Task<StepOutcome> RehearseAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var createOp = await c.BeginOperationAsync(new MigrationOperation(m.Id, "rehearse:create-hosted-zone", MigrationOperationKinds.HostedZoneCreate,
            $"find or create the hosted zone {m.ZoneName} (caller reference {MigrationAdapterFactory.CallerReference(m)})", null, c.Now), ct);
        var target = await adapters.TargetAsync(m, a, ct);
        var ns = await target.GetNameServersAsync(ct);
        if (createOp.Status != MigrationOperationStatus.Succeeded)
        {
            createOp.Submitted(target.ZoneId, JsonSerializer.Serialize(new { zoneId = target.ZoneId, nameServers = ns.Select(n => n.ToString()) }), c.Now);
            createOp.Succeeded(null, c.Now);
            await c.UpdateOperationAsync(createOp, ct);
        }
        await c.SaveAsync(new MigrationPatch().Set(x => x.HostedZoneId, target.ZoneId)
            .Set(x => x.TargetNameServersJson, JsonSerializer.Serialize(ns.Select(n => n.ToLowerString()).ToList())), ct);

        var desired = MigratableSets(Inventory(m), null);
        if (await OutstandingAsync(c, target, "rehearse:", ct) is { } waiting) return waiting;
        var plan = await target.PlanAsync(desired, null, ct);
        if (!plan.Safety.IsSafe)
            return new StepOutcome.Blocked($"the import plan into {target.ZoneId} is refused by the safety check: {string.Join("; ", plan.Safety.Violations)}");
        var pending = await ApplyAsync(c, target, plan.Changes, $"rehearse:{plan.Hash[..12]}", ct);
        if (pending is not null) return pending;

        var parity = await ParityAsync(a, m.Zone, desired, ns, ct, report: (m.Id, "Rehearsal parity sweep"));
        if (parity.Problems.Count > 0)
            return new StepOutcome.Blocked($"rehearsal parity: {parity.Problems.Count} set(s) differ between old and new: {string.Join("; ", parity.Problems.Take(10))}",
                parity);
        return new StepOutcome.Done($"rehearsed in hosted zone {target.ZoneId}; {parity.Checked} sets match", new
        {
            hostedZoneId = target.ZoneId, nameServers = ns.Select(n => n.ToString()), imported = new { plan.Creates, plan.Updates, plan.Deletes, plan.Hash },
            parity,
        }, new MigrationPatch().Set(x => x.HostedZoneId, target.ZoneId).Set(x => x.TargetNameServersJson, JsonSerializer.Serialize(ns.Select(n => n.ToLowerString()).ToList())));
    }

    // ------------------------------------------------------------------ Resync

    /// <summary>
    /// The old zone read again (the inventory's source) and imported into the hosted zone, the cutover plan recomputed.
    /// The approval is voided first (persisted before any change), so a cutover cannot run on the old plan meanwhile;
    /// Route 53 changes are journalled under "resync:" and awaited like the rehearsal's.
    /// </summary>
    private async Task<StepOutcome> ResyncAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        if (m.ApprovedPlanHash is not null || m.ApprovalRequestedBy is not null)
            await c.SaveAsync(new MigrationPatch().Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null)
                .Set(x => x.ApprovedAt, (DateTimeOffset?)null).Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null), ct);
        var (records, inventory) = await ReadInventoryAsync(c, a, ct);
        if (inventory is not StepOutcome.Done read) return inventory;
        var target = await adapters.TargetAsync(m, a, ct);
        if (await OutstandingAsync(c, target, "resync:", ct) is { } waiting) return waiting;
        var plan = await target.PlanAsync(MigratableSets(records, null), null, ct);
        if (!plan.Safety.IsSafe)
            return new StepOutcome.Blocked($"the re-import into {target.ZoneId} is refused by the safety check: {string.Join("; ", plan.Safety.Violations)}");
        var pending = await ApplyAsync(c, target, plan.Changes, $"resync:{plan.Hash[..12]}", ct);
        if (pending is not null) return pending;
        var (cutover, problem) = await ComputeCutoverPlanAsync(m, a, ct);
        if (cutover is null) return new StepOutcome.Blocked($"re-synced, but the cutover plan cannot be computed: {problem}");
        if (!cutover.IsSafe) return new StepOutcome.Blocked($"re-synced, but the cutover plan is refused by the safety check: {string.Join("; ", cutover.SafetyViolations)}");
        // The inventory's lint acceptances stand (the records were accepted once; the re-sync does not re-open them).
        var patch = read.Patch!.Set(x => x.AcceptedFindingsJson, m.AcceptedFindingsJson).Set(x => x.PlanHash, cutover.Hash).Set(x => x.CutoverPlanJson, cutover.ToJson());
        return new StepOutcome.Done($"re-synced: {read.Message}; imported {plan.Creates} create(s), {plan.Updates} update(s), {plan.Deletes} delete(s); cutover plan {cutover.Hash[..12]}; a new approval is needed",
            new { inventory = read.Evidence, imported = new { plan.Creates, plan.Updates, plan.Deletes, plan.Hash }, planHash = cutover.Hash, voidedApproval = m.ApprovedPlanHash },
            patch);
    }

    // ------------------------------------------------------------------ LowerTtls

    private async Task<StepOutcome> LowerTtlsAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var zone = m.Zone;
        var ceiling = new Ttl(a.TargetTtlSeconds);
        var current = MigratableSets(Inventory(m), null);
        var lowered = current.Where(s => s.Ttl > ceiling && !IsApexSoa(zone, s)).Select(s => s with { Ttl = ceiling }).ToList();
        var oldRecordTtl = current.Where(s => !IsApexSoa(zone, s)).Select(s => (long)s.Ttl.Seconds).DefaultIfEmpty(0).Max();
        var parents = await ReadParentsAsync(a, zone, ct);
        var oldDelegationTtl = parents.Select(p => p.Delegation?.NsTtl ?? 0).DefaultIfEmpty(0).Max();

        // 1. The old zone, through the writer (RFC 2136 guarded by the inventoried values; manual: the operator, verified by DNS).
        var writeOp = await c.BeginOperationAsync(new MigrationOperation(m.Id, "ttl:lower-old-zone", a.Writer.Kind == ZoneWriterKind.Manual
            ? MigrationOperationKinds.ManualConfirmation : MigrationOperationKinds.Rfc2136Update,
            a.Writer.Kind == ZoneWriterKind.Manual
                ? $"At the old provider, set the TTL of these {lowered.Count} record sets of {zone} to {ceiling.Seconds} s: {string.Join(", ", lowered.Take(20).Select(s => s.Key.ToString()))}{(lowered.Count > 20 ? ", …" : "")}"
                : $"lower {lowered.Count} TTLs of {zone} to {ceiling.Seconds} s by RFC 2136",
            JsonSerializer.Serialize(lowered.Select(s => s.Key.ToString())), c.Now), ct);
        if (writeOp.Status is MigrationOperationStatus.Pending or MigrationOperationStatus.Submitted)
        {
            var writer = adapters.Writer(a, Journal(c));
            if (writer is Rfc2136ZoneWriter rfc)
            {
                var result = lowered.Count == 0 ? new DynamicUpdateResult(DynamicUpdateStatus.Applied, "NOERROR", "nothing to lower")
                    : await rfc.ReplaceAsync(zone, lowered, current.Where(s => s.Ttl > ceiling && !IsApexSoa(zone, s)).ToList(), ct);
                if (!result.Applied)
                {
                    // The prerequisite names the inventoried values: a refused update means the zone changed (or was lowered by us before a crash).
                    var check = await FirstTtlMismatchAsync(a, lowered, ct);
                    if (check is not null)
                    {
                        writeOp.Failed(JsonSerializer.Serialize(result), c.Now);
                        await c.UpdateOperationAsync(writeOp, ct);
                        return new StepOutcome.Blocked($"lowering TTLs at the old provider failed ({result}); the zone may have changed since the inventory: run the inventory again");
                    }
                }
                writeOp.Succeeded(JsonSerializer.Serialize(result), c.Now);
                await c.UpdateOperationAsync(writeOp, ct);
            }
            else if (lowered.Count > 0)
            {
                var check = await writer.ReplaceRecordSetsAsync(zone, lowered, ct);
                if (!check.Applied) return new StepOutcome.Pending($"waiting for the operator to lower TTLs at the old provider (confirm operation {writeOp.Id}): {check.Message}", c.Now + _options.PollInterval);
                writeOp.Succeeded(JsonSerializer.Serialize(check), c.Now);
                await c.UpdateOperationAsync(writeOp, ct);
            }
        }

        // 2. The delegation TTL at the parent, where the changer can set it.
        var changer = await adapters.DelegationAsync(a, Journal(c));
        if (changer is Rfc2136DelegationChanger parentWriter && oldDelegationTtl > ceiling.Seconds)
        {
            var op = await c.BeginOperationAsync(new MigrationOperation(m.Id, "ttl:lower-delegation", MigrationOperationKinds.Rfc2136Update,
                $"lower the delegation TTL of {zone} in {a.Delegation.ParentZone} to {ceiling.Seconds} s", null, c.Now), ct);
            if (op.Status != MigrationOperationStatus.Succeeded)
            {
                var currentDelegation = await parentWriter.GetCurrentAsync(zone, ct);
                if (currentDelegation.Ttl is { } t && t > ceiling)
                {
                    var (_, result) = await parentWriter.ChangeAsync(currentDelegation with { Ttl = ceiling }, currentDelegation, ct);
                    if (!result.Applied) return new StepOutcome.Blocked($"lowering the delegation TTL at the parent failed: {result}");
                }
                op.Succeeded(null, c.Now);
                await c.UpdateOperationAsync(op, ct);
            }
        }

        // 3. The rehearsal zone follows (the parallel run serves the same data, TTLs included).
        var target = await adapters.TargetAsync(m, a, ct);
        var desired = WithCeiling(current, ceiling, zone).Where(s => !(s.Name.Equals(zone) && s.Type == RecordType.NS)).ToList();
        if (await OutstandingAsync(c, target, "ttl:", ct) is { } waiting) return waiting;
        // Route 53's own apex NS (172800 s by default) gets the migration TTL too: resolvers believe the child's NS set
        // over the parent's referral, so a long TTL there would pin them to the new servers after a rollback.
        var targetSets = await target.CurrentAsync(ct);
        if (targetSets.FirstOrDefault(s => s.Name.Equals(zone) && s.Type == RecordType.NS) is { } apexNs)
            desired.Add(apexNs.Ttl > ceiling ? apexNs with { Ttl = ceiling } : apexNs);
        var plan = target.PlanFrom(targetSets, desired, new ZoneSyncOptions(IgnoreApexNs: false));
        var pending = await ApplyAsync(c, target, plan.Changes, $"ttl:{plan.Hash[..12]}", ct);
        if (pending is not null) return pending;

        // 4. Observed by DNS: every old server serves the lowered TTLs; the parent's NS TTL is what it is now.
        var mismatch = await FirstTtlMismatchAsync(a, lowered, ct);
        if (mismatch is not null) return new StepOutcome.Pending($"waiting to observe the lowered TTLs: {mismatch}", c.Now + _options.PollInterval);
        var parentsNow = await ReadParentsAsync(a, zone, ct);
        var parentTtl = parentsNow.Select(p => p.Delegation?.NsTtl ?? 0).DefaultIfEmpty(0).Max();
        var oldTtl = Math.Max(oldRecordTtl, oldDelegationTtl);
        var due = DueAfterWait(c.Now, oldTtl, a);
        return new StepOutcome.Done($"TTLs lowered to {ceiling.Seconds} s and observed; the wait ends at {due:u}", new
        {
            lowered = lowered.Count, oldRecordTtl, oldDelegationTtl, parentDelegationTtlNow = parentTtl, observedAt = c.Now, dueAt = due,
            rule = "observed-at + max(5 × old TTL, ISP floor), not before the window opens",
        }, new MigrationPatch().Set(x => x.OldTtlSeconds, oldTtl).Set(x => x.TtlsObservedAt, c.Now), FollowUpAt: due,
            FirstRunAt: c.Now + _options.SampleInterval);
    }

    /// <summary>observed-at + 5 × the old TTL, lengthened to the ISP floor, never before the window opens.</summary>
    public static DateTimeOffset DueAfterWait(DateTimeOffset observedAt, long oldTtlSeconds, MigrationPlanAnswers a)
    {
        var wait = TimeSpan.FromSeconds(Math.Max(5 * oldTtlSeconds, a.IspTtlFloorSeconds));
        var due = observedAt + wait;
        return a.Window is { } w && w.Opens > due ? w.Opens : due;
    }

    // ------------------------------------------------------------------ Wait

    private async Task<StepOutcome> WaitAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var drift = await DriftSampleAsync(c, a, ct);
        if (m.DueAt is { } due && c.Now < due)
            return new StepOutcome.Pending($"waiting until {due:u} (caches of the old TTL expire); last drift check: {drift.Summary}",
                Min(due, c.Now + _options.SampleInterval));
        var prepared = await PrepareCutoverPlanAsync(c, ct);
        if (prepared is not StepOutcome.Done done) return prepared;
        return new StepOutcome.Done($"the wait is over; {done.Message}", new { drift = drift.Summary, plan = done.Evidence }, done.Patch);
    }

    public async Task<StepOutcome> PrepareCutoverPlanAsync(StepContext c, CancellationToken ct)
    {
        var a = c.Migration.Answers!;
        var (plan, problem) = await ComputeCutoverPlanAsync(c.Migration, a, ct);
        if (plan is null) return new StepOutcome.Blocked(problem!);
        if (!plan.IsSafe) return new StepOutcome.Blocked($"the cutover plan is refused by the safety check: {string.Join("; ", plan.SafetyViolations)}");
        return new StepOutcome.Done($"cutover plan {plan.Hash[..12]}: {plan.Changes.Count} record change(s), delegation to {string.Join(" ", plan.TargetNameServers)}",
            new { hash = plan.Hash, recordChanges = plan.Changes.Count, plan.TargetNameServers },
            new MigrationPatch().Set(x => x.PlanHash, plan.Hash).Set(x => x.CutoverPlanJson, plan.ToJson()));
    }

    /// <summary>(b) re-export the old zone, (c) rewrite TTLs per policy, (d) plan against Route 53's current sets, plus NS and delegation.</summary>
    private async Task<(CutoverPlan? Plan, string? Problem)> ComputeCutoverPlanAsync(Migration m, MigrationPlanAnswers a, CancellationToken ct, bool inCutover = false)
    {
        var zone = m.Zone;
        var source = adapters.ReExportSource(m, a);
        var read = await source.ReadAsync(zone, ct);
        if (!read.Succeeded) return (null, $"re-export of {zone} through {source.Description} failed: {string.Join("; ", read.Diagnostics.Where(d => d.IsError).Take(5))}");
        if (inCutover) await CheckpointAsync(m, 'b', $"re-exported {read.Records.Count} records", ct);
        var desired = WithCeiling(MigratableSets(read.Records, null), new Ttl(a.TargetTtlSeconds), zone);
        if (inCutover) await CheckpointAsync(m, 'c', $"TTLs rewritten to at most {a.TargetTtlSeconds} s", ct);
        var target = await adapters.TargetAsync(m, a, ct);
        var records = await target.PlanAsync(desired, null, ct);
        var ns = await target.GetNameServersAsync(ct);
        var changer = await adapters.DelegationAsync(a, new InMemoryOperationJournal(adapters.Time));
        var current = await changer.GetCurrentAsync(zone, ct);
        // DNSSEC guard: a DS at the parent while the old provider signs would make the new, unsigned answers bogus.
        // The registrar's record and the parent's servers are both asked: what validating resolvers see is the parent's
        // DS, and a registrar API (Route 53 Domains for a domain signed elsewhere) may not list it.
        var oldSigns = read.Records.Any(r => r.Type == RecordType.DNSKEY && r.Name.Equals(zone));
        if (oldSigns && await DsAtParentAsync(a, zone, current, ct) is { Count: > 0 } ds)
            return (null, $"DNSSEC: the parent holds DS [{string.Join(" | ", ds.Select(d => d.Record))}] for {zone} ({string.Join(", ", ds.Select(d => d.Where).Distinct())}) and the old provider signs it (DNSKEY at the apex); cutting over to unsigned Route 53 answers would make {zone} fail validation. Remove the DS at the registrar, wait 5 × its TTL ({ds.Max(d => d.Ttl ?? 0)} s), then try again");
        var to = DelegationView.From(new Delegation(zone, ns.Select(n => new DelegatedNameServer(n, [])).ToList(), [], new Ttl(a.TargetTtlSeconds)));
        return (CutoverPlan.Create(records, ns, DelegationView.From(current), to, a.Window), null);
    }

    /// <summary>Every DS for <paramref name="zone"/> the registrar lists or a parent server answers, with where it was seen and its TTL.</summary>
    private async Task<IReadOnlyList<(string Record, string Where, long? Ttl)>> DsAtParentAsync(MigrationPlanAnswers a, DomainName zone, Delegation registrar, CancellationToken ct)
    {
        var found = registrar.DsRecords.Select(d => (d, "registrar", registrar.Ttl is { } t ? (long?)t.Seconds : null)).ToList();
        foreach (var view in await ReadParentsAsync(a, zone, ct))
            if (view.Delegation is { } d)
                found.AddRange(d.Ds.Select(r => (r, $"parent server {view.Server}", d.DsTtl)));
        return found;
    }

    // ------------------------------------------------------------------ CutOver

    private async Task<StepOutcome> CutOverAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var zone = m.Zone;
        var stage = m.CutoverStage;
        var approved = CutoverPlan.FromJson(m.CutoverPlanJson!);
        var changer = await adapters.DelegationAsync(a, Journal(c));

        // (a) the snapshot, before any change; saved once, never rewritten (retired only by a stop at (g), see SnapshotOutdatedAsync).
        var snapshotRecord = await c.Snapshot(ct);
        if (snapshotRecord is null)
        {
            var registrar = await changer.GetCurrentAsync(zone, ct);
            var parents = await ReadParentsAsync(a, zone, ct);
            snapshotRecord = await c.SaveSnapshotAsync(new DelegationSnapshot(m.ZoneName, c.Now, changer.Description, DelegationView.From(registrar), parents), ct);
            await CheckpointAsync(m, 'a', "the snapshot is saved; the stage is not recorded", ct);
        }
        var snapshot = DelegationSnapshot.FromJson(snapshotRecord.Json);
        if (stage is null) await Stage(c, "a", ct);

        // (b) re-export, (c) TTLs, (d) recompute: a different hash voids the approval and names what changed.
        if (stage is null or "a")
        {
            var (plan, problem) = await ComputeCutoverPlanAsync(m, a, ct, inCutover: true);
            if (plan is null) return new StepOutcome.Blocked($"cutover (b–d): {problem}");
            if (plan.Hash != m.ApprovedPlanHash)
            {
                var diffs = plan.DifferencesFrom(approved);
                return new StepOutcome.Voided($"the cutover plan changed since approval; a new approval is needed: {string.Join("; ", diffs)}",
                    new { approved = m.ApprovedPlanHash, now = plan.Hash, differences = diffs },
                    new MigrationPatch().Set(x => x.PlanHash, plan.Hash).Set(x => x.CutoverPlanJson, plan.ToJson()));
            }
            if (!plan.IsSafe) return new StepOutcome.Blocked($"cutover (d): the plan is refused by the safety check: {string.Join("; ", plan.SafetyViolations)}");
            await CheckpointAsync(m, 'd', $"the recomputed plan {plan.Hash[..12]} equals the approved one; the stage is not recorded", ct);
            await Stage(c, "d", ct);
            stage = "d";
        }

        // (e) apply the approved record changes to Route 53; each batch submitted once, INSYNC polled by a later run.
        var target = await adapters.TargetAsync(m, a, ct);
        if (stage == "d")
        {
            // Keyed by the approved plan: after a stop and a new approval, the new plan's batches are new operations, never
            // taken for the earlier plan's (a batch with the same number but other changes would be skipped as done).
            var pending = await ApplyAsync(c, target, approved.Changes, $"cutover:e:{approved.Hash[..12]}", ct,
                afterSubmit: (info, ct2) => CheckpointAsync(m, 'e', $"Route 53 change {info.Id} submitted; its id is not recorded", ct2),
                beforeSubmit: (op, ct2) => CheckpointAsync(m, 'e', $"{op.Description} persisted as Pending; nothing sent yet", ct2, beforeEffect: true));
            if (pending is StepOutcome.Blocked)
            {
                await Stage(c, "a", ct); // a refused batch: the next attempt recomputes the plan (the zone or Route 53 may have been fixed)
                return pending;
            }
            if (pending is not null) return pending;
            if (approved.Changes.Count == 0) await CheckpointAsync(m, 'e', "no record change to apply; the stage is not recorded", ct);
            await Stage(c, "e", ct);
            stage = "e";
        }

        var ns = approved.TargetNameServers.Select(n => DomainName.Parse(n)).ToList();
        var desired = WithCeiling(MigratableSets(Inventory(m), null), new Ttl(a.TargetTtlSeconds), zone);
        // (f) parity old vs new for every name, before the delegation is touched.
        if (stage == "e")
        {
            var reread = await adapters.ReExportSource(m, a).ReadAsync(zone, ct);
            if (reread.Succeeded) desired = WithCeiling(MigratableSets(reread.Records, null), new Ttl(a.TargetTtlSeconds), zone);
            var parity = await ParityAsync(a, zone, desired, ns, ct, report: (m.Id, "Cutover (f) parity sweep"));
            if (parity.Problems.Count > 0)
            {
                await Stage(c, "a", ct); // a rerun re-checks the plan first: the old zone may have changed
                return new StepOutcome.Blocked($"cutover (f): stopped before the delegation: {parity.Problems.Count} set(s) differ between old and new: {string.Join("; ", parity.Problems.Take(10))}",
                    parity);
            }
            await CheckpointAsync(m, 'f', $"parity proved for {parity.Checked} sets; the stage is not recorded", ct);
            await Stage(c, "f", ct);
            stage = "f";
        }

        // (g) the delegation, guarded by the snapshot's delegation (compare-and-set at the parent where possible).
        var desiredDelegation = approved.DelegationTo.ToDelegation();
        var gOp = await c.BeginOperationAsync(new MigrationOperation(m.Id, await AttemptKeyAsync(c, "g", ct), MigrationOperationKinds.DelegationChange,
            $"change the delegation of {zone} to {string.Join(" ", approved.TargetNameServers)} via {changer.Description}",
            JsonSerializer.Serialize(approved.DelegationTo), c.Now), ct);
        if (stage == "f")
        {
            if (gOp.ExternalId is null)
            {
                var now = await changer.GetCurrentAsync(zone, ct);
                string? opId;
                if (DelegationView.From(now).SameNameServers(approved.DelegationTo)) opId = "already-in-place";
                else
                {
                    var (id, refusal) = await changer.RequestGuardedChangeAsync(desiredDelegation, snapshot.Registrar.ToDelegation(), ct);
                    if (id is null)
                    {
                        gOp.Failed(JsonSerializer.Serialize(new { refusal }), c.Now);
                        await c.UpdateOperationAsync(gOp, ct);
                        if (await SnapshotOutdatedAsync(c, changer, snapshotRecord, snapshot, approved, refusal, ct) is { } outdated) return outdated;
                        await Stage(c, "a", ct);
                        return new StepOutcome.Blocked($"cutover (g): the delegation was not changed: {refusal}");
                    }
                    opId = id;
                    await CheckpointAsync(m, 'g', $"the parent accepted the delegation change ({id}); the operation is not recorded", ct);
                }
                gOp.Submitted(opId, null, c.Now);
                await c.UpdateOperationAsync(gOp, ct);
                await c.SaveAsync(new MigrationPatch().Set(x => x.DelegationChangedAt, c.Now).Set(x => x.DelegationTtlSeconds, (long?)(desiredDelegation.Ttl?.Seconds ?? a.TargetTtlSeconds)), ct);
            }
            if (gOp.ExternalId != "already-in-place")
            {
                var status = await changer.GetStatusAsync(gOp.ExternalId!, ct);
                if (status == DelegationChangeStatus.Failed)
                    return await AutomaticRollbackAsync(c, a, changer, snapshot, desiredDelegation, "the delegation change failed at the parent", ct);
                if (status != DelegationChangeStatus.Succeeded)
                    return new StepOutcome.Pending($"cutover (g): waiting for the parent to show the new delegation ({status}; operation {gOp.ExternalId})", c.Now + _options.PollInterval);
            }
            gOp.Succeeded(null, c.Now);
            await c.UpdateOperationAsync(gOp, ct);
            await Stage(c, "g", ct);
            stage = "g";
        }

        // (h) test at once: the parent's servers show the new NS set, every new server answers with parity.
        var failure = await DelegationTestAsync(a, zone, approved.DelegationTo, desired, ns, ct, (m.Id, "Cutover (h) parity sweep"));
        if (failure is not null)
            return await AutomaticRollbackAsync(c, a, changer, snapshot, desiredDelegation, failure, ct);
        await CheckpointAsync(m, 'h', "the immediate test passed; the stage and the transition are not recorded", ct);
        await Stage(c, "h", ct);
        var ttl = (await ReadParentsAsync(a, zone, ct)).Select(p => p.Delegation?.NsTtl ?? 0).DefaultIfEmpty(a.TargetTtlSeconds).Max();
        var verifyAt = c.Now + TimeSpan.FromSeconds(5 * Math.Max(ttl, 1));
        return new StepOutcome.Done($"cut over: the parent delegates {zone} to {string.Join(" ", approved.TargetNameServers)}; verification at {verifyAt:u}",
            new { snapshotSha256 = snapshotRecord.Sha256, plan = approved.Hash, delegationOperation = gOp.ExternalId, delegationTtl = ttl, test = "passed" },
            new MigrationPatch().Set(x => x.DelegationTtlSeconds, (long?)ttl), FollowUpAt: verifyAt);
    }

    /// <summary>
    /// (g) was refused because someone else changed the delegation after the snapshot: when no change of ours was ever
    /// submitted, the cutover stops naming what the parent shows now against the snapshot, the approval is void and the
    /// snapshot retired, so a new approval's cutover saves a new one. Null when our change was submitted at some point
    /// (the snapshot stays: rollback restores it) or the parent still shows the snapshot's name servers.
    /// </summary>
    private async Task<StepOutcome?> SnapshotOutdatedAsync(StepContext c, IDelegationChanger changer, DelegationSnapshotRecord record,
        DelegationSnapshot snapshot, CutoverPlan approved, string? refusal, CancellationToken ct)
    {
        if (DelegationSnapshot.OurChangeSubmitted(await c.Operations(ct), approved.DelegationTo)) return null;
        DelegationView now;
        try { now = DelegationView.From(await changer.GetCurrentAsync(c.Migration.Zone, ct)); }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Route53Exception or KeyNotFoundException) { return null; }
        if (now.SameNameServers(snapshot.Registrar)) return null;
        static string Ns(DelegationView d) => string.Join(" ", d.NsNames.Order(StringComparer.Ordinal));
        var ds = now.Ds.SequenceEqual(snapshot.Registrar.Ds) ? "" : $" and DS [{string.Join(" | ", now.Ds)}] (saved: [{string.Join(" | ", snapshot.Registrar.Ds)}])";
        var parents = await ReadParentsAsync(c.Migration.Answers!, c.Migration.Zone, ct);
        return new StepOutcome.Voided(
            $"cutover (g): stopped before the delegation: it changed since the snapshot of {snapshot.TakenAt:u}: the parent ({changer.Description}) shows NS [{Ns(now)}]{ds} now, the snapshot saved NS [{Ns(snapshot.Registrar)}]; Migrator changed nothing. The approval is void: check who changed it, then request a new approval; the next cutover saves a new snapshot",
            new { refusal, retiredSnapshotSha256 = record.Sha256, snapshot = snapshot.Registrar, parentNow = now, parentServers = parents },
            RetiresSnapshot: record.Sha256);
    }

    private async Task<StepOutcome> AutomaticRollbackAsync(StepContext c, MigrationPlanAnswers a, IDelegationChanger changer, DelegationSnapshot snapshot,
        Delegation replaced, string failure, CancellationToken ct)
    {
        var restore = await RestoreSnapshotAsync(c, changer, snapshot, replaced, await AttemptKeyAsync(c, "rollback", ct), ct);
        var ttl = snapshot.Registrar.NsTtl ?? a.TargetTtlSeconds;
        return new StepOutcome.RolledBack($"cutover (h) failed: {failure}; the saved delegation was restored ({restore})",
            new { failure, restore, snapshot = snapshot.Registrar }, VerifyAt: c.Now + TimeSpan.FromSeconds(5 * Math.Max(ttl, 1)));
    }

    private async Task<string> RestoreSnapshotAsync(StepContext c, IDelegationChanger changer, DelegationSnapshot snapshot, Delegation expected, string key, CancellationToken ct)
    {
        var op = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, key, MigrationOperationKinds.DelegationChange,
            $"restore the saved delegation of {snapshot.Zone} ({string.Join(" ", snapshot.Registrar.NsNames.Order())}) via {changer.Description}",
            snapshot.ToJson(), c.Now), ct);
        if (op.ExternalId is not null) return $"operation {op.ExternalId}";
        var current = await changer.GetCurrentAsync(c.Migration.Zone, ct);
        if (DelegationView.From(current).SameNameServers(snapshot.Registrar))
        {
            op.Submitted("already-in-place", null, c.Now);
            await c.UpdateOperationAsync(op, ct);
            return "the parent already shows the saved delegation";
        }
        var (id, refusal) = await changer.RequestGuardedChangeAsync(snapshot.Registrar.ToDelegation(), expected, ct);
        if (id is null)
        {
            // Someone changed the delegation to neither ours nor the saved one: restore anyway is not ours to decide.
            op.Failed(JsonSerializer.Serialize(new { refusal }), c.Now);
            await c.UpdateOperationAsync(op, ct);
            throw new InvalidOperationException($"rollback refused: {refusal}");
        }
        op.Submitted(id, null, c.Now);
        await c.UpdateOperationAsync(op, ct);
        return $"operation {id}";
    }

    /// <summary>Null when the parent's servers all show <paramref name="to"/> and every new server answers authoritatively with parity; else why not.</summary>
    private async Task<string?> DelegationTestAsync(MigrationPlanAnswers a, DomainName zone, DelegationView to, IReadOnlyList<RecordSet> desired,
        IReadOnlyList<DomainName> ns, CancellationToken ct, (Guid MigrationId, string What)? report = null)
    {
        foreach (var p in await ReadParentsAsync(a, zone, ct))
        {
            if (p.Delegation is not { } d) return $"parent server {p.Server}: {p.Error}";
            if (!d.SameNameServers(to)) return $"parent server {p.Server} shows NS [{string.Join(" ", d.NsNames.Order())}]";
        }
        var parity = await ParityAsync(a, zone, desired, ns, ct, report: report);
        return parity.Problems.Count == 0 ? null : $"{parity.Problems.Count} set(s) not served alike by the new servers: {string.Join("; ", parity.Problems.Take(5))}";
    }

    // ------------------------------------------------------------------ Verify, Soak

    private async Task<StepOutcome> VerifyAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        if (m.DueAt is { } due && c.Now < due) return new StepOutcome.Pending($"verification is due at {due:u}", due);
        var approved = CutoverPlan.FromJson(m.CutoverPlanJson!);
        var desired = WithCeiling(MigratableSets(Inventory(m), null), new Ttl(a.TargetTtlSeconds), m.Zone);
        var failure = await DelegationTestAsync(a, m.Zone, approved.DelegationTo, desired, approved.TargetNameServers.Select(n => DomainName.Parse(n)).ToList(), ct,
            (m.Id, "Verification parity sweep"));
        await c.AddSampleAsync(new MigrationSample(m.Id, MigrationSampleKinds.Delegation, c.Now, failure is null, failure ?? "parent and new servers verified", null), ct);
        if (failure is not null) return new StepOutcome.Blocked($"verification failed: {failure}; consider rolling back");
        var soak = TimeSpan.FromSeconds(5 * Math.Max(a.TargetTtlSeconds, a.IspTtlFloorSeconds));
        var soakEnds = c.Now + soak;
        return new StepOutcome.Done($"verified; the soak ends at {soakEnds:u}", new { verifiedAt = c.Now, soakEnds }, FollowUpAt: soakEnds,
            FirstRunAt: c.Now + _options.SampleInterval);
    }

    private async Task<StepOutcome> SoakAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var drift = await DriftSampleAsync(c, a, ct);
        var delegation = await DelegationSampleAsync(c, a, ct);
        var resolvers = await ResolverSampleAsync(c, a, ct);
        if (m.DueAt is { } due && c.Now < due)
            return new StepOutcome.Pending($"soaking until {due:u}; drift: {drift.Summary}; delegation: {delegation.Summary}{(resolvers is null ? "" : $"; resolvers: {resolvers.Summary}")}",
                Min(due, c.Now + _options.SampleInterval));
        if (!drift.Ok) return new StepOutcome.Blocked($"the soak ended with drift between old and new: {drift.Summary}");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var samples = await db.MigrationSamples.Where(s => s.MigrationId == m.Id).GroupBy(s => s.Kind).Select(g => new { kind = g.Key, count = g.Count(), failed = g.Count(x => !x.Ok) }).ToListAsync(ct);
        return new StepOutcome.Done("soaked: old and new served the same data", new { samples, lastDrift = drift.Summary });
    }

    public Task<MigrationSample> SampleDriftAsync(StepContext c, CancellationToken ct) =>
        DriftSampleAsync(c, c.Migration.Answers ?? throw new InvalidOperationException("the migration has no plan"), ct);

    private async Task<MigrationSample> DriftSampleAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        MigrationSample sample;
        try
        {
            var ns = m.TargetNameServersJson is null ? [] : (JsonSerializer.Deserialize<List<string>>(m.TargetNameServersJson) ?? []).Select(n => DomainName.Parse(n)).ToList();
            var inventory = MigratableSets(Inventory(m), null);
            // The inventory's names alone miss a set added at the old provider since: the old zone is read again through
            // the plan's source and the sets it holds beyond the inventory are compared too (the new zone lacks them
            // until a re-sync). A zone that cannot be read proves nothing: that is drift not ruled out.
            var source = adapters.ReExportSource(m, a);
            var read = await source.ReadAsync(m.Zone, ct);
            var added = read.Succeeded
                ? ZoneDiff.Compute(m.Zone, inventory, MigratableSets(read.Records, null)).Changes.Where(x => x.Kind == ChangeKind.Create).Select(x => x.Desired!).ToList()
                : [];
            var desired = WithCeiling(inventory.Concat(added).ToList(), new Ttl(a.TargetTtlSeconds), m.Zone);
            var parity = await ParityAsync(a, m.Zone, desired, ns, ct, ignoreTtl: true, report: (m.Id, "Drift check"),
                notes: added.ToDictionary(s => s.Key, _ => "added at the old zone after the inventory", RecordSetKeyComparer.Instance));
            var problems = read.Succeeded ? parity.Problems
                : [$"the old zone could not be read again through {source.Description}: {string.Join("; ", read.Diagnostics.Where(d => d.IsError).Take(3))}", .. parity.Problems];
            sample = new MigrationSample(m.Id, MigrationSampleKinds.Drift, c.Now, problems.Count == 0,
                problems.Count == 0 ? $"{parity.Checked} sets alike" : $"{problems.Count} of {parity.Checked} differ: {string.Join("; ", problems.Take(5))}",
                JsonSerializer.Serialize(problems.Take(50), Json));
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Route53Exception)
        {
            sample = new MigrationSample(m.Id, MigrationSampleKinds.Drift, c.Now, false, $"drift check failed: {e.Message}", null);
        }
        await c.AddSampleAsync(sample, ct);
        return sample;
    }

    private async Task<MigrationSample> DelegationSampleAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var views = await ReadParentsAsync(a, c.Migration.Zone, ct);
        var summary = string.Join("; ", views.Select(v => v.Delegation is { } d ? $"{v.Server}: {string.Join(" ", d.NsNames.Order())} ttl {d.NsTtl}" : $"{v.Server}: {v.Error}"));
        var sample = new MigrationSample(c.Migration.Id, MigrationSampleKinds.Propagation, c.Now, views.All(v => v.Delegation is not null), summary, JsonSerializer.Serialize(views, Json));
        await c.AddSampleAsync(sample, ct);
        return sample;
    }

    /// <summary>What one resolver's cache gives for the zone's apex NS: the old provider's set, Route 53's, or neither.</summary>
    public sealed record ResolverView(string Resolver, string Sees, IReadOnlyList<string> NameServers, string? Error);

    /// <summary>
    /// Asks each of the plan's resolvers (recursively) for the zone's NS set and classifies the answer as "old" (the
    /// snapshot's name servers), "new" (the approved target's) or "other". Null when the plan names no resolver.
    /// </summary>
    private async Task<(IReadOnlyList<ResolverView> Views, string Summary)?> ReadResolversAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        if (a.Resolvers.Count == 0) return null;
        var m = c.Migration;
        var snapshot = await c.Snapshot(ct);
        IReadOnlySet<string> oldNs = snapshot is null ? new HashSet<string>() : DelegationSnapshot.FromJson(snapshot.Json).Registrar.NsNames;
        IReadOnlySet<string> newNs = m.CutoverPlanJson is null ? new HashSet<string>() : CutoverPlan.FromJson(m.CutoverPlanJson).DelegationTo.NsNames;
        var views = new List<ResolverView>();
        foreach (var resolver in a.ResolverEndpoints)
        {
            var r = await adapters.Probe.QueryAsync(resolver, m.Zone, RecordType.NS, ProbeOptions.Recursive, ct);
            var names = r.AnswerSet.Select(x => DomainName.Parse(x.Data).ToLowerString()).Distinct().Order(StringComparer.Ordinal).ToList();
            var error = r.Error != ProbeErrorKind.None ? $"{r.Error} {r.ErrorMessage}".Trim() : !r.IsNoError ? r.ResponseCode : names.Count == 0 ? "no NS answer" : null;
            var seen = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var sees = error is not null ? "error" : newNs.Count > 0 && seen.SetEquals(newNs) ? "new" : oldNs.Count > 0 && seen.SetEquals(oldNs) ? "old" : "other";
            views.Add(new ResolverView(resolver.ToString(), sees, names, error));
        }
        return (views, string.Join("; ", views.Select(v => $"{v.Resolver}: {v.Sees}{(v.Error is null ? "" : $" ({v.Error})")}")));
    }

    private async Task<MigrationSample?> ResolverSampleAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        if (await ReadResolversAsync(c, a, ct) is not { } read) return null;
        var sample = new MigrationSample(c.Migration.Id, MigrationSampleKinds.Propagation, c.Now, read.Views.All(v => v.Error is null),
            "resolvers: " + read.Summary, JsonSerializer.Serialize(read.Views, Json));
        await c.AddSampleAsync(sample, ct);
        return sample;
    }

    // ------------------------------------------------------------------ Complete, Decommission, RollBack

    private async Task<StepOutcome> CompleteAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var zone = m.Zone;
        var changer = await adapters.DelegationAsync(a, Journal(c));
        string delegationTtl;
        if (changer is Rfc2136DelegationChanger parent)
        {
            var op = await c.BeginOperationAsync(new MigrationOperation(m.Id, "complete:raise-delegation-ttl", MigrationOperationKinds.Rfc2136Update,
                $"raise the delegation TTL of {zone} to {a.FinalDelegationTtlSeconds} s", null, c.Now), ct);
            if (op.Status != MigrationOperationStatus.Succeeded)
            {
                var current = await parent.GetCurrentAsync(zone, ct);
                var (_, result) = await parent.ChangeAsync(current with { Ttl = new Ttl(a.FinalDelegationTtlSeconds) }, current, ct);
                if (!result.Applied) return new StepOutcome.Blocked($"raising the delegation TTL failed: {result}");
                op.Succeeded(JsonSerializer.Serialize(result), c.Now);
                await c.UpdateOperationAsync(op, ct);
            }
            delegationTtl = $"raised to {a.FinalDelegationTtlSeconds} s";
        }
        else delegationTtl = $"set by the registry ({changer.Description}); raise it to {a.FinalDelegationTtlSeconds} s there if it allows";

        var restored = 0;
        if (a.RestoreTtlsAtCompletion)
        {
            var target = await adapters.TargetAsync(m, a, ct);
            // Route 53 now serves the zone: its own sets (with the lowered TTLs) get the inventoried TTLs back, values untouched.
            if (await OutstandingAsync(c, target, "complete:", ct) is { } waiting) return waiting;
            var original = MigratableSets(Inventory(m), null).ToDictionary(s => s.Key);
            var current = await target.CurrentAsync(ct);
            var desired = current.Select(s => s.Name.Equals(zone) && s.Type == RecordType.NS ? s with { Ttl = new Ttl(a.FinalDelegationTtlSeconds) }
                : original.TryGetValue(s.Key, out var o) && !IsApexSoa(zone, s) ? s with { Ttl = o.Ttl } : s).ToList();
            var plan = target.PlanFrom(current, desired, new ZoneSyncOptions(IgnoreApexNs: false));
            restored = plan.Updates;
            var pending = await ApplyAsync(c, target, plan.Changes, $"complete:{plan.Hash[..12]}", ct, safetyExempt: true);
            if (pending is not null) return pending;
        }
        // DNSSEC last: the zone is served by Route 53 alone with its final TTLs; the DS at the parent comes at the very end.
        object dnssec = a.Dnssec == DnssecTiming.Never ? "not chosen"
            : a.SignsAtCompletion ? "" : "chosen, but the plan names no KMS key: sign later at Route 53";
        if (a.SignsAtCompletion)
        {
            var (waiting, evidence) = await (await RolloutAsync(c, a, changer, ct)).EnableAsync(ct);
            if (waiting is not null) return waiting;
            dnssec = evidence;
        }
        return new StepOutcome.Done("completed", new { delegationTtl, ttlsRestored = restored, dnssec });
    }

    private async Task<DnssecRollout> RolloutAsync(StepContext c, MigrationPlanAnswers a, IDelegationChanger changer, CancellationToken ct, int round = 1)
    {
        var target = await adapters.TargetAsync(c.Migration, a, ct);
        var account = await adapters.AccountAsync(a);
        var servers = await adapters.NewServerEndpointsAsync(a, await target.GetNameServersAsync(ct), ct);
        return new DnssecRollout(c, account.Scheduler, target, changer, adapters.Probe, servers, _options.PollInterval, round);
    }

    /// <summary>
    /// Signing turned on after completion (the plan said later, or it was turned off since): the unfinished round, else a
    /// new one with its own operations, as completion does it. Done when the DS is at the parent and the resolvers asked.
    /// </summary>
    public async Task<StepOutcome> TurnOnDnssecAsync(StepContext c, CancellationToken ct)
    {
        var a = c.Migration.Answers;
        if (a is not { SignsAtCompletion: true }) return new StepOutcome.Blocked("the plan names no KMS key to sign with");
        var progress = DnssecProgress.Of(await c.Operations(ct));
        if (progress.Phase == DnssecPhase.TurningOff) return new StepOutcome.Blocked($"DNSSEC is being turned off (round {progress.Round}); turn it on when that is done");
        var round = progress.Phase == DnssecPhase.On ? progress.Round : progress.TurnOnRound;
        var changer = await adapters.DelegationAsync(a, Journal(c));
        var (waiting, evidence) = await (await RolloutAsync(c, a, changer, ct, round)).EnableAsync(ct);
        return waiting ?? new StepOutcome.Done($"DNSSEC is on for {c.Migration.Zone}: signed, DS at the parent (round {round})", evidence);
    }

    /// <summary>The way back from signing (DS withdrawn first, its TTL waited out, then signing off): Done when finished.</summary>
    public async Task<StepOutcome> TurnOffDnssecAsync(StepContext c, CancellationToken ct)
    {
        var a = c.Migration.Answers;
        if (a is null) return new StepOutcome.Blocked("the migration has no plan");
        var progress = DnssecProgress.Of(await c.Operations(ct));
        if (progress.Phase == DnssecPhase.Unsigned) return new StepOutcome.Blocked($"DNSSEC was never turned on for {c.Migration.Zone}");
        var changer = await adapters.DelegationAsync(a, Journal(c));
        var (waiting, evidence) = await (await RolloutAsync(c, a, changer, ct, progress.Round)).DisableAsync(ct);
        return waiting ?? new StepOutcome.Done($"DNSSEC is off for {c.Migration.Zone}: no DS at the parent, signing disabled, key-signing key removed", evidence);
    }

    private async Task<StepOutcome> DecommissionAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var snapshotRecord = await c.Snapshot(ct);
        var oldNs = snapshotRecord is null ? new HashSet<string>() : DelegationSnapshot.FromJson(snapshotRecord.Json).Registrar.NsNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var views = await ReadParentsAsync(a, m.Zone, ct);
        var stillOld = views.Where(v => v.Delegation is null || v.Delegation.NsNames.Any(oldNs.Contains)).ToList();
        if (stillOld.Count > 0)
            return new StepOutcome.Blocked($"the old servers are still reachable through the delegation: {string.Join("; ", stillOld.Select(v => v.Delegation is null ? $"{v.Server}: {v.Error}" : $"{v.Server}: {string.Join(" ", v.Delegation.NsNames)}"))}");
        return new StepOutcome.Done("decommissioned: nothing delegates to the old servers any more", new { confirmedBy = c.Actor.Name, parents = views });
    }

    private async Task<StepOutcome> RollBackAsync(StepContext c, MigrationPlanAnswers a, CancellationToken ct)
    {
        var m = c.Migration;
        var snapshotRecord = await c.Snapshot(ct);
        if (snapshotRecord is null) return new StepOutcome.Blocked("no delegation snapshot was saved; nothing to restore");
        var snapshot = DelegationSnapshot.FromJson(snapshotRecord.Json);
        var approved = CutoverPlan.FromJson(m.CutoverPlanJson!);
        var changer = await adapters.DelegationAsync(a, Journal(c));
        var key = $"rollback:{m.Version}";
        var restore = await RestoreSnapshotAsync(c, changer, snapshot, approved.DelegationTo.ToDelegation(), key, ct);
        var ttl = Math.Max(snapshot.Registrar.NsTtl ?? 0, m.DelegationTtlSeconds ?? 0);
        var checkAt = c.Now + TimeSpan.FromSeconds(5 * Math.Max(ttl, 1));
        return new StepOutcome.Done($"rolled back: the saved delegation is being restored ({restore}); checked at {checkAt:u}",
            new { by = c.Actor.Name, restore, snapshotSha256 = snapshotRecord.Sha256, checkAt }, FollowUpAt: checkAt);
    }

    public async Task<string> VerifyRollbackAsync(StepContext c, CancellationToken ct)
    {
        var a = c.Migration.Answers!;
        var snapshotRecord = await c.Snapshot(ct);
        if (snapshotRecord is null) return "no snapshot";
        var snapshot = DelegationSnapshot.FromJson(snapshotRecord.Json);
        var views = await ReadParentsAsync(a, c.Migration.Zone, ct);
        var ok = views.All(v => v.Delegation is { } d && d.SameNameServers(snapshot.Registrar));
        var summary = ok ? "every parent server shows the saved delegation again"
            : $"not yet restored: {string.Join("; ", views.Select(v => v.Delegation is { } d ? $"{v.Server}: {string.Join(" ", d.NsNames.Order())}" : $"{v.Server}: {v.Error}"))}";
        var resolvers = await ReadResolversAsync(c, a, ct);
        if (resolvers is { } r)
        {
            var back = r.Views.All(v => v.Sees == "old");
            summary += back ? "; every resolver answers from the old servers again" : $"; resolvers not all back: {r.Summary}";
            ok &= back;
        }
        await c.AddSampleAsync(new MigrationSample(c.Migration.Id, MigrationSampleKinds.Delegation, c.Now, ok, summary,
            JsonSerializer.Serialize(new { parents = views, resolvers = resolvers?.Views }, Json)), ct);
        if (views.All(v => v.Delegation is { } d && d.SameNameServers(snapshot.Registrar)))
        {
            // The restoring change is done once the parent shows it: its operation row says so too.
            foreach (var op in (await c.Operations(ct)).Where(o => o.Kind == MigrationOperationKinds.DelegationChange && o.Status == MigrationOperationStatus.Submitted
                         && (o.Key.StartsWith("rollback:", StringComparison.Ordinal) || o.Key.StartsWith("cutover:rollback", StringComparison.Ordinal))))
            {
                op.Succeeded(JsonSerializer.Serialize(new { verified = summary }), c.Now);
                await c.UpdateOperationAsync(op, ct);
            }
        }
        return summary;
    }

    // ------------------------------------------------------------------ helpers

    private IOperationJournal Journal(StepContext c) => new MigrationOperationJournal(contexts, c.Migration.Id, adapters.Time);

    /// <summary>
    /// The key of a cutover operation of this attempt: "cutover:{name}" in the first, "cutover:{name}:{n}" in the n-th. An
    /// attempt is one approval: an operation created before it belongs to an earlier attempt (a delegation change since
    /// rolled back before a retry, a change the parent refused) and is never taken for this attempt's.
    /// </summary>
    private static async Task<string> AttemptKeyAsync(StepContext c, string name, CancellationToken ct)
    {
        var earlier = (await c.Operations(ct)).Where(o => c.Migration.ApprovedAt is { } approved && o.CreatedAt < approved).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var n = 1;
        while (earlier.Contains(n == 1 ? $"cutover:{name}" : $"cutover:{name}:{n}")) n++;
        return n == 1 ? $"cutover:{name}" : $"cutover:{name}:{n}";
    }

    private Task Stage(StepContext c, string stage, CancellationToken ct) => c.SaveAsync(new MigrationPatch().Set(x => x.CutoverStage, stage), ct);

    private Task CheckpointAsync(Migration m, char subStep, string what, CancellationToken ct, bool beforeEffect = false) =>
        _options.CutoverCheckpoint is { } hook ? hook(new CutoverCheckpoint(m.Id, m.ZoneName, subStep, what, beforeEffect), ct) : Task.CompletedTask;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static bool IsApexSoa(DomainName zone, RecordSet s) => s.Type == RecordType.SOA && s.Name.Equals(zone);

    private static IReadOnlyList<ResourceRecord> Inventory(Migration m) =>
        m.InventoryJson is null ? throw new InvalidOperationException("the migration has no inventory") : InventoryRecords.FromJson(m.InventoryJson);

    /// <summary>The sets Route 53 will hold: types it serves, no DNSSEC signer output, grouped.</summary>
    public static IReadOnlyList<RecordSet> MigratableSets(IEnumerable<ResourceRecord> records, Ttl? ceiling) =>
        RecordSet.Group(records.Where(r => Route53Linter.SupportedTypes.Contains(r.Type)))
            .Select(s => ceiling is { } c && s.Ttl > c ? s with { Ttl = c } : s).ToList();

    /// <summary>The TTL policy during the migration: every set at most <paramref name="ceiling"/> (the apex SOA stays as it is).</summary>
    public static IReadOnlyList<RecordSet> WithCeiling(IReadOnlyList<RecordSet> sets, Ttl ceiling, DomainName zone) =>
        sets.Select(s => s.Ttl > ceiling && !IsApexSoa(zone, s) ? s with { Ttl = ceiling } : s).ToList();

    private async Task<IReadOnlyList<ParentServerView>> ReadParentsAsync(MigrationPlanAnswers a, DomainName zone, CancellationToken ct)
    {
        var list = new List<ParentServerView>();
        foreach (var s in a.ParentEndpoints) list.Add(await ParentDelegationReader.ReadAsync(adapters.Probe, s, zone, ct));
        return list;
    }

    /// <summary>A problem per set (and per new server) where the old and new servers answer differently.</summary>
    public sealed record ParitySummary(int Checked, IReadOnlyList<string> Problems);

    /// <param name="report">The migration whose open pages see the sweep's progress, and what the sweep is for (in their words).</param>
    /// <param name="notes">Why a set is checked, said with its problem (e.g. it was added at the old zone after the inventory).</param>
    private async Task<ParitySummary> ParityAsync(MigrationPlanAnswers a, DomainName zone, IReadOnlyList<RecordSet> sets, IReadOnlyList<DomainName> ns,
        CancellationToken ct, bool ignoreTtl = false, (Guid MigrationId, string What)? report = null, IReadOnlyDictionary<RecordSetKey, string>? notes = null)
    {
        var checker = new ParityChecker(adapters.Probe, 16);
        var newServers = await adapters.NewServerEndpointsAsync(a, ns, ct);
        if (newServers.Count == 0) return new ParitySummary(0, ["the new name servers have no address"]);
        var problems = new List<string>();
        var checkedCount = 0;
        var sweep = notifier is not null && report is { } r ? new ParitySweepProgress(notifier, r.MigrationId, r.What, newServers.Count) : null;
        foreach (var (server, index) in newServers.Select((s, i) => (s, i)))
        {
            var result = await checker.CheckAsync(zone, sets, a.OldEndpoints[0], server, new ParityOptions(IgnoreTtl: ignoreTtl), sweep?.ForServer(index, server.ToString()), ct);
            checkedCount = result.Checked;
            problems.AddRange(result.Problems.Select(p => $"{p.Key} {p.Outcome}{(p.Detail is null ? "" : $" ({p.Detail})")}"
                + $"{(notes is not null && notes.TryGetValue(p.Key, out var note) ? $", {note}" : "")} [new {server}]"));
        }
        return new ParitySummary(checkedCount, problems);
    }

    /// <summary>The first set an old server does not yet serve with the lowered TTL; null when all do.</summary>
    private async Task<string?> FirstTtlMismatchAsync(MigrationPlanAnswers a, IReadOnlyList<RecordSet> lowered, CancellationToken ct)
    {
        foreach (var server in a.OldEndpoints)
            foreach (var set in lowered)
            {
                var r = await adapters.Probe.QueryAsync(server, set.Name, set.Type, ProbeOptions.Default, ct);
                var side = ParityComparer.Side(set.Key, r);
                if (side.Error is not null) return $"{set.Key} at {server}: {side.Error}";
                if (side.Ttl is { } t && t > set.Ttl.Seconds) return $"{set.Key} at {server} still has TTL {t}";
            }
        return null;
    }

    /// <summary>
    /// Before a step plans again against Route 53's current sets: every change it submitted earlier must be INSYNC
    /// (Route 53 lists a PENDING change's sets before its name servers serve them). Pending while one is not.
    /// </summary>
    private async Task<StepOutcome?> OutstandingAsync(StepContext c, Route53TargetZone target, string keyPrefix, CancellationToken ct)
    {
        foreach (var op in (await c.Operations(ct)).Where(o => o.Key.StartsWith(keyPrefix, StringComparison.Ordinal)
                     && o.Kind == MigrationOperationKinds.Route53Change && o.Status == MigrationOperationStatus.Submitted))
        {
            if (await NotInSyncAsync(c, target, op, ct) is { } why)
                return new StepOutcome.Pending($"{op.Description}: {why}", c.Now + _options.PollInterval);
            op.Succeeded(null, c.Now);
            await c.UpdateOperationAsync(op, ct);
        }
        return null;
    }

    /// <summary>
    /// The <see cref="MigrationOperation.ExternalId"/> of a Route 53 change found in the zone whose change id was lost
    /// (the process died between the submit and recording its id, or the answer never came): without the id GetChange
    /// cannot say INSYNC, so INSYNC is observed the way it is defined — every new name server serves, for each name and
    /// type of the batch, exactly what Route 53 lists (nothing, for a deleted set).
    /// </summary>
    public const string LostChangeId = "lost-change-id";

    /// <summary>The keys a lost-id change's batch touched, stored in its operation row's result.</summary>
    private sealed record LostChange(string Note, IReadOnlyList<AwaitedSet> Awaiting);

    private sealed record AwaitedSet(string Name, string Type);

    /// <summary>Null when the operation's change is INSYNC; else why not (its change id PENDING, or the names not yet served).</summary>
    private async Task<string?> NotInSyncAsync(StepContext c, Route53TargetZone target, MigrationOperation op, CancellationToken ct)
    {
        if (op.ExternalId != LostChangeId)
            return await target.IsInSyncAsync(op.ExternalId!, ct) ? null : $"change {op.ExternalId} is PENDING";
        var lost = JsonSerializer.Deserialize<LostChange>(op.ResultJson!, Json)!;
        var keys = lost.Awaiting.Select(k => new RecordSetKey(DomainName.Parse(k.Name), RecordType.Parse(k.Type))).ToList();
        return await FirstNotServedAsync(c, target, keys, ct) is { } waiting ? $"its change id was lost; waiting until every new name server serves it: {waiting}" : null;
    }

    /// <summary>The first (set, server) where a new name server does not yet serve what Route 53 lists; null when all do.</summary>
    private async Task<string?> FirstNotServedAsync(StepContext c, Route53TargetZone target, IReadOnlyList<RecordSetKey> keys, CancellationToken ct)
    {
        var listed = (await target.CurrentAsync(ct)).ToDictionary(s => s.Key);
        var servers = await adapters.NewServerEndpointsAsync(c.Migration.Answers!, await target.GetNameServersAsync(ct), ct);
        if (servers.Count == 0) return "the new name servers have no address";
        foreach (var server in servers)
            foreach (var key in keys.Distinct())
            {
                var side = ParityComparer.Side(key, await adapters.Probe.QueryAsync(server, key.Name, key.Type, ProbeOptions.Default, ct));
                if (side.Error is not null) return $"{key} at {server}: {side.Error}";
                if (!listed.TryGetValue(key, out var want))
                {
                    if (side.Present) return $"{key} at {server} is still served";
                    continue;
                }
                var served = side.Values.Select(v => ParityComparer.Normalize(key.Type, v)).ToHashSet(StringComparer.Ordinal);
                if (!side.Present || !served.SetEquals(want.Values.Select(v => ParityComparer.Normalize(key.Type, v))) || side.Ttl != want.Ttl.Seconds)
                    return $"{key} at {server} is not served as listed";
            }
        return null;
    }

    /// <summary>Records a change found in the zone without its id (see <see cref="LostChangeId"/>), then whether it is INSYNC.</summary>
    private async Task<string?> RecordLostChangeAsync(StepContext c, Route53TargetZone target, MigrationOperation op, ChangeBatch batch, string note, CancellationToken ct)
    {
        var keys = batch.Changes.Select(x => new AwaitedSet(x.RecordSet.Name.ToString(), x.RecordSet.Type.ToString())).Distinct().ToList();
        op.Submitted(LostChangeId, JsonSerializer.Serialize(new LostChange(note, keys), Json), c.Now);
        await c.UpdateOperationAsync(op, ct);
        return await NotInSyncAsync(c, target, op, ct);
    }

    /// <summary>
    /// Sends the changes in their deterministic batches, one operation row per batch written before it is sent; returns
    /// Pending while a batch is not INSYNC (the job comes back), Blocked on a refusal, null when every batch is INSYNC.
    /// </summary>
    private async Task<StepOutcome?> ApplyAsync(StepContext c, Route53TargetZone target, IReadOnlyList<RecordChange> changes, string keyPrefix,
        CancellationToken ct, bool safetyExempt = false, Func<ChangeInfo, CancellationToken, Task>? afterSubmit = null,
        Func<MigrationOperation, CancellationToken, Task>? beforeSubmit = null)
    {
        _ = safetyExempt;
        if (changes.Count == 0) return null;
        var batches = Route53TargetZone.Batches(changes, $"migrator {keyPrefix}", target.ZoneName);
        for (var i = 0; i < batches.Count; i++)
        {
            var fresh = new MigrationOperation(c.Migration.Id, $"{keyPrefix}:batch-{i}", MigrationOperationKinds.Route53Change,
                $"Route 53 change batch {i + 1}/{batches.Count} ({batches[i].Changes.Count} changes) to {target.ZoneId}",
                JsonSerializer.Serialize(new { changes = batches[i].Changes.Count, keys = batches[i].Changes.Select(x => $"{x.Action} {x.RecordSet.Name} {x.RecordSet.Type}").Take(50) }), c.Now);
            var op = await c.BeginOperationAsync(fresh, ct);
            if (op.Status == MigrationOperationStatus.Succeeded) continue;
            if (op.Status == MigrationOperationStatus.Failed) return new StepOutcome.Blocked($"{op.Description} was refused: {op.ResultJson}");
            if (op.Status == MigrationOperationStatus.Submitted)
            {
                if (await NotInSyncAsync(c, target, op, ct) is { } why)
                    return new StepOutcome.Pending($"{op.Description}: {why}", c.Now + _options.PollInterval);
                op.Succeeded(null, c.Now);
                await c.UpdateOperationAsync(op, ct);
                continue;
            }
            // Pending: never sent, or sent by a process that died before it stored the change id.
            var resumed = op.Id != fresh.Id;
            if (resumed && await target.HoldsAsync(batches[i], ct))
            {
                // Route 53 lists a PENDING change's sets: held is not INSYNC. The id is gone, so DNS says when it is.
                if (await RecordLostChangeAsync(c, target, op, batches[i], "found in the zone after a restart; its change id was not recorded", ct) is { } why)
                    return new StepOutcome.Pending($"{op.Description}: {why}", c.Now + _options.PollInterval);
                op.Succeeded(null, c.Now);
                await c.UpdateOperationAsync(op, ct);
                continue;
            }
            if (beforeSubmit is not null) await beforeSubmit(op, ct);
            ChangeInfo info;
            try { info = await target.SubmitAsync(batches[i], ct); }
            catch (Route53AmbiguousChangeException e)
            {
                if (!await target.HoldsAsync(batches[i], ct)) return new StepOutcome.Blocked($"{op.Description}: {e.Message}");
                if (await RecordLostChangeAsync(c, target, op, batches[i], "applied; its answer was lost", ct) is { } why)
                    return new StepOutcome.Pending($"{op.Description}: {why}", c.Now + _options.PollInterval);
                op.Succeeded(null, c.Now);
                await c.UpdateOperationAsync(op, ct);
                continue;
            }
            catch (Route53Exception e) when (e.Code is "InvalidChangeBatch" or "InvalidInput")
            {
                op.Failed(JsonSerializer.Serialize(new { e.Code, e.Message }), c.Now);
                await c.UpdateOperationAsync(op, ct);
                return new StepOutcome.Blocked($"{op.Description} was refused by Route 53: {e.Code}: {e.Message}");
            }
            if (afterSubmit is not null) await afterSubmit(info, ct);
            op.Submitted(info.Id, null, c.Now);
            await c.UpdateOperationAsync(op, ct);
            if (info.Status != ChangeStatus.InSync)
                return new StepOutcome.Pending($"{op.Description}: change {info.Id} submitted, waiting for INSYNC", c.Now + _options.PollInterval);
            op.Succeeded(null, c.Now);
            await c.UpdateOperationAsync(op, ct);
        }
        return null;
    }
}
