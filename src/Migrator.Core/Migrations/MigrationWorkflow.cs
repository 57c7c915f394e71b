using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>Settings of the workflow.</summary>
public sealed record MigrationWorkflowOptions
{
    /// <summary>A claim older than this is taken to belong to a dead process and may be taken over.</summary>
    public TimeSpan ClaimTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often old and new are compared (drift) while a migration waits for its cutover (Waited, Approved).</summary>
    public TimeSpan DriftCheckInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The one service the API, the UI, the CLI (through the API) and the jobs call to drive migrations. Every command
/// checks the actor's role against <see cref="MigrationLifecycle"/>, changes state only by compare-and-set on the
/// expected state and version (two concurrent calls: one wins, the other gets <see cref="WorkflowOutcome.Conflict"/>),
/// and writes the history row and the audit event in the same transaction. Refusals are results, not exceptions.
/// </summary>
public sealed partial class MigrationWorkflow(
    IDbContextFactory<MigratorDbContext> contexts,
    TimeProvider time,
    IMigrationStepRunner runner,
    ITsigKeyStore keys,
    IMigrationJobScheduler jobs,
    MigrationWorkflowOptions? options = null,
    ILogger<MigrationWorkflow>? logger = null)
{
    private readonly MigrationWorkflowOptions _options = options ?? new MigrationWorkflowOptions();
    private readonly ILogger _log = (ILogger?)logger ?? NullLogger.Instance;

    private static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web);

    // ---------------------------------------------------------------- queries

    public async Task<MigrationStatus?> GetStatusAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var m = await db.Migrations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (m is null) return null;
        var snap = await db.DelegationSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.MigrationId == id, ct);
        var operations = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id).ToListAsync(ct);
        return MigrationStatus.From(m, snap) with { Dnssec = DnssecProgress.Of(operations) };
    }

    /// <summary>The open migration of a zone, else the newest one; null when the zone never had one.</summary>
    public async Task<MigrationStatus?> FindByZoneAsync(string zone, CancellationToken ct = default)
    {
        if (!DomainName.TryParse(zone.Trim(), null, out var name, out _)) return null;
        var text = name.ToLowerString();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var all = await db.Migrations.AsNoTracking().Where(m => m.ZoneName == text).ToListAsync(ct);
        var m = all.Where(x => !x.IsFinal).OrderByDescending(x => x.CreatedAt).FirstOrDefault() ?? all.OrderByDescending(x => x.CreatedAt).FirstOrDefault();
        return m is null ? null : await GetStatusAsync(m.Id, ct);
    }

    // A status is a pure function of its row (whose Version grows with every write) and of whether its snapshot exists
    // (saved once, never changed). Listing keeps statuses by (Version, snapshot): 1,000 migrations cost one narrow query,
    // and only rows written since the last list are read whole (their inventories and findings are JSON worth parsing once).
    private readonly ConcurrentDictionary<Guid, (long Version, bool HasSnapshot, MigrationStatus Status)> _listed = new();

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<MigrationStatus>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var heads = await db.Migrations.AsNoTracking()
            .Select(m => new { m.Id, m.Version, m.CreatedAt, HasSnapshot = db.DelegationSnapshots.Any(s => s.MigrationId == m.Id) })
            .ToListAsync(ct);
        var stale = heads.Where(h => !_listed.TryGetValue(h.Id, out var c) || c.Version != h.Version || c.HasSnapshot != h.HasSnapshot)
            .Select(h => h.Id).ToList();
        foreach (var chunk in stale.Chunk(500))
        {
            var rows = await db.Migrations.AsNoTracking().Where(m => chunk.Contains(m.Id)).ToListAsync(ct);
            var snaps = await db.DelegationSnapshots.AsNoTracking().Where(s => chunk.Contains(s.MigrationId)).ToDictionaryAsync(s => s.MigrationId, ct);
            foreach (var m in rows) _listed[m.Id] = (m.Version, snaps.ContainsKey(m.Id), MigrationStatus.From(m, snaps.GetValueOrDefault(m.Id)));
        }
        if (_listed.Count > heads.Count)
        {
            var ids = heads.Select(h => h.Id).ToHashSet();
            foreach (var id in _listed.Keys.Where(k => !ids.Contains(k)).ToList()) _listed.TryRemove(id, out _);
        }
        return heads.OrderByDescending(h => h.CreatedAt)
            .Select(h => _listed.TryGetValue(h.Id, out var c) ? c.Status : null).OfType<MigrationStatus>().ToList();
    }

    public async Task<IReadOnlyList<MigrationHistoryView>> GetHistoryAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.MigrationHistory.AsNoTracking().Where(h => h.MigrationId == id).OrderBy(h => h.Id).ToListAsync(ct);
        return rows.Select(h => new MigrationHistoryView(h.Step, Enum.Parse<MigrationState>(h.From), Enum.Parse<MigrationState>(h.To), h.Actor, h.At,
            JsonDocument.Parse(h.EvidenceJson).RootElement.Clone())).ToList();
    }

    public async Task<IReadOnlyList<MigrationOperationView>> GetOperationsAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id).ToListAsync(ct);
        return rows.OrderBy(o => o.CreatedAt).Select(o => new MigrationOperationView(o.Id, o.Key, o.Kind, o.Description, o.Status, o.ExternalId,
            o.ConfirmedBy, o.CreatedAt, o.UpdatedAt, o.ResultJson)).ToList();
    }

    /// <summary>Stored drift/propagation samples, oldest first; <paramref name="kind"/> filters (see <see cref="MigrationSampleKinds"/>).</summary>
    public async Task<IReadOnlyList<MigrationSampleView>> GetSamplesAsync(Guid id, string? kind = null, int take = 1000, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.MigrationSamples.AsNoTracking().Where(s => s.MigrationId == id);
        if (kind is not null) q = q.Where(s => s.Kind == kind);
        var rows = await q.OrderByDescending(s => s.Id).Take(Math.Clamp(take, 1, 10_000)).ToListAsync(ct);
        return rows.OrderBy(s => s.Id).Select(s => new MigrationSampleView(s.Kind, s.At, s.Ok, s.Summary, s.DetailJson)).ToList();
    }

    /// <summary>The old zone's records as the inventory stored them (what the records review shows), or null before the inventory.</summary>
    public async Task<IReadOnlyList<ResourceRecord>?> GetInventoryAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = await db.Migrations.AsNoTracking().Where(x => x.Id == id).Select(x => x.InventoryJson).SingleOrDefaultAsync(ct);
        return json is null ? null : InventoryRecords.FromJson(json);
    }

    /// <summary>
    /// The stored cutover plan (the one an approver signs and cutover applies), or null until an approval is requested.
    /// A plan the safety check refused is never stored: its refusal is in <see cref="MigrationStatus.Blocker"/>.
    /// </summary>
    public async Task<CutoverPlan?> GetCutoverPlanAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = await db.Migrations.AsNoTracking().Where(x => x.Id == id).Select(x => x.CutoverPlanJson).SingleOrDefaultAsync(ct);
        return json is null ? null : CutoverPlan.FromJson(json);
    }

    /// <summary>The saved snapshot exactly as stored (the JSON text and its SHA-256), or null before cutover.</summary>
    public async Task<(DelegationSnapshot Snapshot, string Json, string Sha256)?> GetSnapshotAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var s = await db.DelegationSnapshots.AsNoTracking().SingleOrDefaultAsync(x => x.MigrationId == id, ct);
        return s is null ? null : (DelegationSnapshot.FromJson(s.Json), s.Json, s.Sha256);
    }

    // ---------------------------------------------------------------- commands without a state change of their own

    /// <summary>Starts a draft (Operators, Admins). One open migration per zone.</summary>
    public async Task<WorkflowResult> CreateAsync(string zoneName, MigrationActor actor, CancellationToken ct = default)
    {
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not create migrations (Operators and Admins may)");
        var outcome = await new MigrationCatalog(contexts, time).DraftAsync(zoneName, actor.Name, ct);
        if (!outcome.Succeeded)
            return outcome.Refusal == DraftRefusal.AlreadyInProgress ? WorkflowResult.Conflict(outcome.Message!) : WorkflowResult.Invalid(outcome.Message!);
        return WorkflowResult.Ok($"drafted {outcome.Migration!.ZoneName}", await GetStatusAsync(outcome.Migration.Id, ct));
    }

    /// <summary>
    /// Stores the plan's answers. In Drafted this is the Plan step (it also checks registrar access); later, up to
    /// Approved, it replaces the answers and voids any approval (an approved migration goes back to Waited).
    /// </summary>
    public async Task<WorkflowResult> PlanAsync(Guid id, MigrationPlanAnswers answers, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        var errors = answers.Validate(m.Zone, keys.Contains);
        if (errors.Count > 0) return WorkflowResult.Invalid("the plan is not complete: " + string.Join("; ", errors), await GetStatusAsync(id, ct));
        if (m.State == MigrationState.Drafted)
        {
            if (!actor.MayAct(MigrationLifecycle.Find(MigrationStep.Plan, m.State)!.Roles)) return WorkflowResult.Forbidden($"{actor.Name} may not plan migrations");
            var saved = await WriteAsync(m, actor, MigrationAuditActions.PlanChanged, new { change = "plan answers stored" },
                new MigrationPatch().Set(x => x.PlanJson, answers.ToJson()), "plan stored", ct);
            if (!saved.IsSuccess) return saved;
            return await RunStepAsync(id, MigrationStep.Plan, actor, ct, expectedVersion: m.Version + 1);
        }

        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not change the plan");
        if (DelegationInFlight(m) is { } inFlight) return WorkflowResult.Conflict(inFlight, await GetStatusAsync(id, ct));
        if (m.State is not (MigrationState.Planned or MigrationState.Inventoried or MigrationState.Rehearsed or MigrationState.TtlLowered
            or MigrationState.Waited or MigrationState.Approved))
            return WorkflowResult.Invalid($"the plan cannot change in state {m.State}", await GetStatusAsync(id, ct));
        var json = answers.ToJson();
        var patch = new MigrationPatch().Set(x => x.PlanJson, json).Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null)
            .Set(x => x.ApprovedAt, (DateTimeOffset?)null).Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null);
        var evidence = new { change = "plan answers replaced", voidsApproval = m.ApprovedPlanHash is not null };
        if (m.State == MigrationState.Approved)
            return await TransitionAsync(m, MigrationStep.VoidApproval, actor, evidence, patch, "plan changed: the approval is void", ct);
        return await WriteAsync(m, actor, MigrationAuditActions.PlanChanged, evidence, patch, "plan updated", ct);
    }

    /// <summary>Stores an uploaded zone file for the Upload source (Planned or Inventoried; a new upload needs a new inventory).</summary>
    public async Task<WorkflowResult> UploadZoneAsync(Guid id, string zoneText, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not upload zones");
        // Waiting for the cutover, a new upload is what the next re-sync (and the cutover's re-export) reads: the way out
        // when the old zone changed under an uploaded inventory.
        if (m.State is not (MigrationState.Drafted or MigrationState.Planned or MigrationState.Waited or MigrationState.Approved))
            return WorkflowResult.Invalid($"a zone file can be uploaded in Drafted or Planned, or in Waited or Approved for a re-sync; not in {m.State}");
        if (DelegationInFlight(m) is { } inFlight) return WorkflowResult.Conflict(inFlight, await GetStatusAsync(id, ct));
        if (m.RunningStep is not null && !IsStale(m)) return WorkflowResult.Conflict($"{m.RunningStep} is running; upload when it stops", await GetStatusAsync(id, ct));
        if (string.IsNullOrWhiteSpace(zoneText)) return WorkflowResult.Invalid("the zone file is empty");
        if (zoneText.Length > 64 * 1024 * 1024) return WorkflowResult.Invalid("the zone file is larger than 64 MiB");
        return await WriteAsync(m, actor, MigrationAuditActions.ZoneUploaded, new { characters = zoneText.Length },
            new MigrationPatch().Set(x => x.ZoneUpload, zoneText), "zone file stored", ct);
    }

    /// <summary>Accepts one lint finding (by its key) with a reason; accepted errors no longer block the rehearsal.</summary>
    public async Task<WorkflowResult> AcceptFindingAsync(Guid id, string findingKey, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not accept findings");
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("accepting a finding needs a reason");
        if (m.State != MigrationState.Inventoried) return WorkflowResult.Invalid($"findings are accepted in Inventoried, not {m.State}");
        var findings = MigrationStatus.FindingsOf(m);
        var f = findings.FirstOrDefault(x => x.Key == findingKey);
        if (f is null) return WorkflowResult.Invalid($"no finding '{findingKey}'; findings are: {string.Join(", ", findings.Select(x => x.Key))}");
        if (f.IsAccepted) return WorkflowResult.Ok($"already accepted by {f.AcceptedBy}", await GetStatusAsync(id, ct));
        var accepted = findings.Where(x => x.IsAccepted).Append(f with { AcceptedBy = actor.Name, AcceptedReason = reason.Trim(), AcceptedAt = time.GetUtcNow() }).ToList();
        return await WriteAsync(m, actor, MigrationAuditActions.FindingAccepted, new { finding = f.Key, reason },
            new MigrationPatch().Set(x => x.AcceptedFindingsJson, JsonSerializer.Serialize(accepted, MigrationPlanAnswers.Json)), $"accepted {f.Key}", ct);
    }

    /// <summary>Ticks off an automated updater (re-pointed to Route 53); Completed needs them all.</summary>
    public async Task<WorkflowResult> TickUpdaterAsync(Guid id, string updaterName, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not tick updaters");
        var u = m.Answers?.Updaters.FirstOrDefault(x => string.Equals(x.Name, updaterName.Trim(), StringComparison.OrdinalIgnoreCase));
        if (u is null) return WorkflowResult.Invalid($"the plan lists no automated updater '{updaterName}'");
        var ticks = MigrationStatus.Ticks(m);
        ticks[u.Name] = new MigrationStatus.Tick(actor.Name, time.GetUtcNow());
        return await WriteAsync(m, actor, MigrationAuditActions.UpdaterTicked, new { updater = u.Name, owner = u.Owner },
            new MigrationPatch().Set(x => x.UpdaterTicksJson, JsonSerializer.Serialize(ticks, MigrationPlanAnswers.Json)), $"ticked {u.Name}", ct);
    }

    /// <summary>Confirms a manual operation (a registrar change, a change in the old provider's console) with a note.</summary>
    public async Task<WorkflowResult> ConfirmManualStepAsync(Guid id, Guid operationId, string note, MigrationActor actor, CancellationToken ct = default)
    {
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not confirm manual steps");
        if (string.IsNullOrWhiteSpace(note)) return WorkflowResult.Invalid("a confirmation needs a note (what was done, where)");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var op = await db.MigrationOperations.SingleOrDefaultAsync(o => o.Id == operationId && o.MigrationId == id, ct);
        if (op is null) return WorkflowResult.NotFound(id);
        if (op.Kind != MigrationOperationKinds.ManualConfirmation) return WorkflowResult.Invalid($"operation {op.Key} is {op.Kind}, not a manual step");
        if (op.Status == MigrationOperationStatus.Succeeded) return WorkflowResult.Ok($"already confirmed ({op.ConfirmedBy})", await GetStatusAsync(id, ct));
        var now = time.GetUtcNow();
        op.Confirm(actor.Name, note.Trim(), now);
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.ManualStepConfirmed, Target(id), $"{op.Key}: {note.Trim()}"));
        await db.SaveChangesAsync(ct);
        return WorkflowResult.Ok($"confirmed {op.Description}", await GetStatusAsync(id, ct));
    }

    // ---------------------------------------------------------------- approval

    /// <summary>Freezes the cutover plan under its hash and asks for an approval (Operators; in Waited).</summary>
    public async Task<WorkflowResult> RequestApprovalAsync(Guid id, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not request approvals");
        if (m.State != MigrationState.Waited) return WorkflowResult.Invalid($"approval is requested in Waited, not {m.State}", await GetStatusAsync(id, ct));
        if (await DriftBlockerAsync(id, ct) is { } drift) return WorkflowResult.Invalid(drift, await GetStatusAsync(id, ct));
        var outcome = await runner.PrepareCutoverPlanAsync(Context(m, MigrationStep.Approve, actor), ct);
        if (outcome is not StepOutcome.Done done || done.Patch is null)
            return WorkflowResult.Invalid(outcome.Message, await GetStatusAsync(id, ct));
        var now = time.GetUtcNow();
        done.Patch.Set(x => x.ApprovalRequestedBy, actor.Name).Set(x => x.ApprovalRequestedAt, now)
            .Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null).Set(x => x.ApprovedAt, (DateTimeOffset?)null);
        return await WriteAsync(m, actor, MigrationAuditActions.ApprovalRequested, done.Evidence, done.Patch, done.Message, ct);
    }

    /// <summary>
    /// Signs the cutover plan (Approvers, Admins): refused to the requester of the approval, and unless
    /// <paramref name="planHash"/> is the current plan's hash (the approver signs what they saw).
    /// </summary>
    public async Task<WorkflowResult> ApproveAsync(Guid id, string planHash, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        var t = MigrationLifecycle.Find(MigrationStep.Approve, m.State);
        if (t is null) return WorkflowResult.Conflict($"cannot approve in state {m.State}", await GetStatusAsync(id, ct));
        if (!actor.MayAct(t.Roles)) return WorkflowResult.Forbidden($"{actor.Name} may not approve (Approvers and Admins may)");
        if (m.ApprovalRequestedBy is null || m.PlanHash is null) return WorkflowResult.Invalid("no approval was requested", await GetStatusAsync(id, ct));
        if (string.Equals(m.ApprovalRequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase))
            return WorkflowResult.Forbidden($"{actor.Name} requested this approval and cannot approve it (four eyes)", await GetStatusAsync(id, ct));
        if (!string.Equals(planHash?.Trim(), m.PlanHash, StringComparison.OrdinalIgnoreCase))
            return WorkflowResult.Conflict($"the plan changed: its hash is {m.PlanHash}, not {planHash}; review it again", await GetStatusAsync(id, ct));
        var now = time.GetUtcNow();
        // A new approval's cutover starts from the top: (b)–(d) re-check the plan even if an earlier attempt got further.
        var patch = new MigrationPatch().Set(x => x.ApprovedPlanHash, m.PlanHash).Set(x => x.ApprovedBy, actor.Name).Set(x => x.ApprovedAt, now)
            .Set(x => x.DueAt, m.Answers?.Window?.Opens).Set(x => x.CutoverStage, (string?)null);
        return await TransitionAsync(m, MigrationStep.Approve, actor, new { planHash = m.PlanHash, requestedBy = m.ApprovalRequestedBy }, patch,
            $"approved plan {m.PlanHash[..12]}", ct, expectedPlanHash: m.PlanHash);
    }

    /// <summary>Refuses the approval request with a reason (Approvers); the operator may request again.</summary>
    public async Task<WorkflowResult> RejectAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Approver, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not reject (Approvers and Admins may)");
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("a rejection needs a reason");
        if (m.State != MigrationState.Waited || m.ApprovalRequestedBy is null) return WorkflowResult.Invalid("no approval request is open", await GetStatusAsync(id, ct));
        var patch = new MigrationPatch().Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null)
            .Problem($"rejected by {actor.Name}: {reason.Trim()}");
        return await WriteAsync(m, actor, MigrationAuditActions.Rejected, new { reason = reason.Trim(), planHash = m.PlanHash }, patch, "rejected", ct);
    }

    /// <summary>Withdraws an open approval request: its requester (or an Admin) only; the plan stays, a new request is needed.</summary>
    public async Task<WorkflowResult> WithdrawApprovalRequestAsync(Guid id, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (m.State != MigrationState.Waited || m.ApprovalRequestedBy is null) return WorkflowResult.Invalid("no approval request is open", await GetStatusAsync(id, ct));
        if (!string.Equals(m.ApprovalRequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase) && !actor.MayAct([MigrationRole.Admin]))
            return WorkflowResult.Forbidden($"only {m.ApprovalRequestedBy}, who requested the approval, (or an Admin) may withdraw it", await GetStatusAsync(id, ct));
        var patch = new MigrationPatch().Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null);
        return await WriteAsync(m, actor, MigrationAuditActions.ApprovalWithdrawn, new { requestedBy = m.ApprovalRequestedBy, planHash = m.PlanHash }, patch,
            "approval request withdrawn", ct);
    }

    // ---------------------------------------------------------------- drift during the wait

    /// <summary>
    /// Why cutover is blocked by drift, or null: the latest drift sample found old and new serving different data and
    /// nobody accepted those differences. A later sample that finds them alike (re-synced) or an acceptance clears it.
    /// </summary>
    public async Task<string?> DriftBlockerAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var drift = await CurrentDriftSampleAsync(db, id, ct);
        if (drift is null || drift.Ok) return null;
        var accepted = await db.MigrationSamples.AsNoTracking().Where(s => s.MigrationId == id && s.Kind == MigrationSampleKinds.DriftAccepted)
            .OrderByDescending(s => s.Id).FirstOrDefaultAsync(ct);
        if (accepted is not null && accepted.DetailJson == drift.DetailJson) return null;
        return $"old and new differ (drift check at {drift.At:u}: {drift.Summary}); re-sync them (the next check that finds them alike clears this) or accept the drift with a reason";
    }

    /// <summary>
    /// The latest drift check made against the current inventory. A check compares old and new against the inventory it
    /// started with; one that started before the zone was last read (an inventory, a re-sync) speaks of records that are
    /// no longer the plan's, so it neither blocks nor clears. A periodic check still running when a re-sync finished
    /// stores its stale answer after the re-sync's own check, so the current one is looked for among the last few (the
    /// times are compared here: SQLite cannot compare them in a query).
    /// </summary>
    private static async Task<MigrationSample?> CurrentDriftSampleAsync(MigratorDbContext db, Guid id, CancellationToken ct)
    {
        var reread = await db.MigrationHistory.AsNoTracking()
            .Where(h => h.MigrationId == id && (h.Step == nameof(MigrationStep.Inventory) || h.Step == nameof(MigrationStep.Resync)))
            .OrderByDescending(h => h.Id).Select(h => (DateTimeOffset?)h.At).FirstOrDefaultAsync(ct);
        var recent = await db.MigrationSamples.AsNoTracking().Where(s => s.MigrationId == id && s.Kind == MigrationSampleKinds.Drift)
            .OrderByDescending(s => s.Id).Take(20).ToListAsync(ct);
        return recent.FirstOrDefault(s => reread is not { } since || s.At >= since);
    }

    /// <summary>Compares old and new now (Operators; Waited or Approved) and stores the sample, e.g. after a re-sync.</summary>
    public async Task<WorkflowResult> CheckDriftAsync(Guid id, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not check drift");
        if (m.State is not (MigrationState.TtlLowered or MigrationState.Waited or MigrationState.Approved))
            return WorkflowResult.Invalid($"drift is checked while waiting for the cutover, not in {m.State}", await GetStatusAsync(id, ct));
        var sample = await runner.SampleDriftAsync(Context(m, MigrationStep.CheckDrift, actor), ct);
        return WorkflowResult.Ok(sample.Ok ? $"no drift: {sample.Summary}" : $"drift: {sample.Summary}", await GetStatusAsync(id, ct));
    }

    /// <summary>Accepts the differences of the latest drift sample with a reason (Operators); the same differences no longer block cutover.</summary>
    public async Task<WorkflowResult> AcceptDriftAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("accepting drift needs a reason");
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not accept drift");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var drift = await CurrentDriftSampleAsync(db, id, ct);
        if (drift is null || drift.Ok) return WorkflowResult.Invalid("the latest drift check found no drift; nothing to accept", await GetStatusAsync(id, ct));
        var now = time.GetUtcNow();
        db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.DriftAccepted, now, true, Truncate($"accepted by {actor.Name}: {reason.Trim()} ({drift.Summary})"), drift.DetailJson));
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.DriftAccepted, Target(id), Truncate($"{reason.Trim()}; drift at {drift.At:u}: {drift.Summary}")));
        await db.SaveChangesAsync(ct);
        return WorkflowResult.Ok("drift accepted", await GetStatusAsync(id, ct));
    }

    /// <summary>
    /// Re-syncs the new zone with the old one (Operators; Waited or Approved): the old zone is read again and stored as
    /// the inventory, imported into the hosted zone, the cutover plan recomputed, and any approval voided (a new one is
    /// needed for the new plan); then drift is checked again. Runs in the background where a job runner exists.
    /// </summary>
    public Task<WorkflowResult> ResyncAsync(Guid id, MigrationActor actor, CancellationToken ct = default) =>
        RunStepAsync(id, MigrationStep.Resync, actor, ct);

    /// <summary>The periodic drift check (a job): one sample while the migration waits for cutover, then the next one scheduled.</summary>
    private async Task<WorkflowResult> PeriodicDriftCheckAsync(Migration m, CancellationToken ct)
    {
        if (m.State is not (MigrationState.Waited or MigrationState.Approved))
            return WorkflowResult.Ok($"drift checks stop in {m.State}", await GetStatusAsync(m.Id, ct));
        var message = "a step is running; drift checked next time";
        if (m.RunningStep is null)
        {
            var sample = await runner.SampleDriftAsync(Context(m, MigrationStep.CheckDrift, MigrationActor.System), ct);
            message = sample.Ok ? $"no drift: {sample.Summary}" : $"drift: {sample.Summary}";
        }
        if (jobs.RunsInBackground) jobs.Schedule(m.Id, MigrationStep.CheckDrift, time.GetUtcNow() + _options.DriftCheckInterval);
        return WorkflowResult.Ok(message, await GetStatusAsync(m.Id, ct));
    }

    // ---------------------------------------------------------------- steps

    /// <summary>Takes the next forward step of the migration (whatever it is), as <see cref="RunStepAsync"/>.</summary>
    public async Task<WorkflowResult> AdvanceAsync(Guid id, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        var next = MigrationLifecycle.Next(m.State);
        if (next is null) return WorkflowResult.Conflict($"no step follows {m.State}", await GetStatusAsync(id, ct));
        if (next.Step == MigrationStep.Approve)
            return WorkflowResult.Invalid(m.ApprovalRequestedBy is null ? "the next step is an approval: request it first" : $"waiting for an Approver who is not {m.ApprovalRequestedBy}", await GetStatusAsync(id, ct));
        if (next.Step == MigrationStep.Plan) return WorkflowResult.Invalid("the next step is the plan: answer its questions", await GetStatusAsync(id, ct));
        return await RunStepAsync(id, next.Step, actor, ct, expectedVersion: m.Version);
    }

    public Task<WorkflowResult> CutOverAsync(Guid id, MigrationActor actor, CancellationToken ct = default) => RunStepAsync(id, MigrationStep.CutOver, actor, ct);

    public Task<WorkflowResult> DecommissionAsync(Guid id, MigrationActor actor, CancellationToken ct = default) => RunStepAsync(id, MigrationStep.Decommission, actor, ct);

    /// <summary>Puts the saved delegation back (Operators, no approval, a reason required); from CutOver, Verified or Soaked.</summary>
    public async Task<WorkflowResult> RollBackAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("a rollback needs a reason");
        return await RunStepAsync(id, MigrationStep.RollBack, actor, ct, reason: reason.Trim());
    }

    /// <summary>Ends a migration that never touched the delegation (or was rolled back), with a reason.</summary>
    public async Task<WorkflowResult> AbandonAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("abandoning needs a reason");
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        var t = MigrationLifecycle.Find(MigrationStep.Abandon, m.State);
        if (t is null) return WorkflowResult.Conflict($"a migration in {m.State} cannot be abandoned: the delegation was changed; roll back first", await GetStatusAsync(id, ct));
        if (!actor.MayAct(t.Roles)) return WorkflowResult.Forbidden($"{actor.Name} may not abandon migrations");
        if (m.RunningStep is not null && !IsStale(m)) return WorkflowResult.Conflict($"{m.RunningStep} is running; try again when it stops", await GetStatusAsync(id, ct));
        if (DelegationInFlight(m) is { } inFlight) return WorkflowResult.Conflict(inFlight, await GetStatusAsync(id, ct));
        return await TransitionAsync(m, MigrationStep.Abandon, actor, new { reason = reason.Trim() },
            new MigrationPatch().Set(x => x.DueAt, (DateTimeOffset?)null).Set(x => x.RunningStep, (string?)null), "abandoned", ct);
    }

    /// <summary>After a rollback: back to Waited, where a new approval is needed before the next cutover.</summary>
    /// <summary>
    /// The way back from DNSSEC signing after completion: the DS is withdrawn at the parent first, its TTL waited out,
    /// then signing is disabled and the key-signing key removed. Runs as a job where one exists, coming back for each wait.
    /// </summary>
    public async Task<WorkflowResult> TurnOffDnssecAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("a reason is required to turn DNSSEC off", await GetStatusAsync(id, ct));
        return await RunStepAsync(id, MigrationStep.TurnOffDnssec, actor, ct, reason: reason.Trim());
    }

    private static readonly MigrationRole[] DnssecRoles = [MigrationRole.Operator, MigrationRole.Admin, MigrationRole.System];

    /// <summary>
    /// Sets whether completion turns DNSSEC signing on and with which KMS key (Operators, Admins), from Planned until
    /// completion starts. <paramref name="kmsKeyArn"/>: null keeps the stored key, blank removes it. Signing happens at
    /// completion, after the cutover the approval covers, so this does not void an approval. After completion, choosing
    /// signing (with a key) turns it on now, as completion would have, in a round of its own (also after it was turned
    /// off); signing is turned off with <see cref="TurnOffDnssecAsync"/>.
    /// </summary>
    public async Task<WorkflowResult> SetDnssecAsync(Guid id, DnssecTiming signing, string? kmsKeyArn, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct([MigrationRole.Operator, MigrationRole.Admin])) return WorkflowResult.Forbidden($"{actor.Name} may not change DNSSEC (Operators and Admins may)", await GetStatusAsync(id, ct));
        if (m.Answers is not { } before) return WorkflowResult.Invalid("answer the plan first; DNSSEC is one of its answers", await GetStatusAsync(id, ct));
        if (m.State == MigrationState.Abandoned) return WorkflowResult.Conflict("the migration was abandoned", await GetStatusAsync(id, ct));
        if (m.RunningStep == nameof(MigrationStep.Complete) && !IsStale(m))
            return WorkflowResult.Conflict($"completion is running (since {m.RunningSince:u}); DNSSEC can no longer change", await GetStatusAsync(id, ct));
        var arn = kmsKeyArn is null ? before.DnssecKmsKeyArn : string.IsNullOrWhiteSpace(kmsKeyArn) ? null : kmsKeyArn.Trim();
        var after = before with { Dnssec = signing, DnssecKmsKeyArn = arn };
        var completed = m.State is MigrationState.Completed or MigrationState.Decommissioned;
        if (after == before && !(completed && after.Dnssec != DnssecTiming.Never)) return WorkflowResult.Ok("DNSSEC unchanged", await GetStatusAsync(id, ct));
        if (MigrationPlanAnswers.DnssecKeyError(arn) is { } keyError) return WorkflowResult.Invalid(keyError, await GetStatusAsync(id, ct));
        if (completed)
        {
            var progress = await DnssecProgressAsync(m.Id, ct);
            var signed = progress.Phase is DnssecPhase.On or DnssecPhase.TurningOn;
            if (signing == DnssecTiming.Never && signed)
                return WorkflowResult.Conflict($"{m.ZoneName} is signed: turn signing off with a reason (the DS is withdrawn first)", await GetStatusAsync(id, ct));
            if (signing != DnssecTiming.Never)
            {
                if (arn is null) return WorkflowResult.Invalid($"name the KMS key (in us-east-1) that signs {m.ZoneName}", await GetStatusAsync(id, ct));
                if (SecondTurnOn(m, progress) is { } already) return WorkflowResult.Conflict(already, await GetStatusAsync(id, ct));
                if (after != before)
                {
                    var stored = await WriteAsync(m, actor, MigrationAuditActions.DnssecChanged, new { from = new { signing = before.Dnssec, kmsKeyArn = before.DnssecKmsKeyArn },
                        to = new { signing = after.Dnssec, kmsKeyArn = after.DnssecKmsKeyArn }, turnsOnNow = true },
                        new MigrationPatch().Set(x => x.PlanJson, after.ToJson()), "DNSSEC chosen", ct);
                    if (!stored.IsSuccess) return stored;
                    m = (await LoadAsync(id, ct))!;
                }
                return await DnssecStepAsync(m, MigrationStep.TurnOnDnssec, actor, $"signing chosen after completion, KMS key {arn}", fromJob: false, ct);
            }
        }
        var evidence = new
        {
            from = new { signing = before.Dnssec, kmsKeyArn = before.DnssecKmsKeyArn },
            to = new { signing = after.Dnssec, kmsKeyArn = after.DnssecKmsKeyArn },
            signsAtCompletion = after.SignsAtCompletion,
        };
        var message = completed ? $"{m.ZoneName} stays unsigned"
            : after.SignsAtCompletion ? $"completion signs {m.ZoneName} with KMS key {arn}"
            : after.Dnssec == DnssecTiming.Never ? $"completion does not sign {m.ZoneName}"
            : $"DNSSEC chosen for {m.ZoneName}, but no KMS key is named: completion cannot sign until one is";
        return await WriteAsync(m, actor, MigrationAuditActions.DnssecChanged, evidence, new MigrationPatch().Set(x => x.PlanJson, after.ToJson()), message, ct);
    }

    private async Task<DnssecProgress> DnssecProgressAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return DnssecProgress.Of(await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id).ToListAsync(ct));
    }

    /// <summary>
    /// Whether the DNSSEC sequence of <paramref name="step"/> is under way: running, or waiting for its next poll. One
    /// that stopped on a problem (blocked, no poll scheduled) is not, and may be resumed by asking again.
    /// </summary>
    private bool UnderWay(Migration m, MigrationStep step) =>
        (m.RunningStep == step.ToString() && !IsStale(m)) || (m.RunningStep is null && (m.BlockerIsWait || m.Blocker is null));

    /// <summary>Why a person's turn-off is a second one, or null: signing is off already, or its way back is under way.</summary>
    private string? SecondTurnOff(Migration m, DnssecProgress progress) => progress.Phase switch
    {
        DnssecPhase.Off => $"DNSSEC is already off for {m.ZoneName} (since {progress.Since:u}): nothing to turn off",
        DnssecPhase.TurningOff when UnderWay(m, MigrationStep.TurnOffDnssec) =>
            $"DNSSEC is already being turned off for {m.ZoneName} (since {progress.Since:u}){(m.Blocker is { } wait ? $": {wait}" : "")}",
        _ => null,
    };

    /// <summary>Why a person's turn-on is refused, or null: signing is on already, being turned on, or being turned off.</summary>
    private string? SecondTurnOn(Migration m, DnssecProgress progress) => progress.Phase switch
    {
        DnssecPhase.On => $"DNSSEC is already on for {m.ZoneName} (since {progress.Since:u})",
        DnssecPhase.TurningOn when UnderWay(m, MigrationStep.TurnOnDnssec) =>
            $"DNSSEC is already being turned on for {m.ZoneName} (since {progress.Since:u}){(m.Blocker is { } wait ? $": {wait}" : "")}",
        DnssecPhase.TurningOff => $"DNSSEC is being turned off for {m.ZoneName} (since {progress.Since:u}); turn it on again once it is off",
        _ => null,
    };

    /// <summary>
    /// Turning signing on or off after completion. Not a transition: claims the migration (compare-and-set), runs the
    /// sequence, releases the claim; a history row when done. A job comes back for each wait; a job whose sequence was
    /// overtaken (turned off while it waited to turn on) stops.
    /// </summary>
    private async Task<WorkflowResult> DnssecStepAsync(Migration m, MigrationStep step, MigrationActor actor, string? reason, bool fromJob, CancellationToken ct)
    {
        var turningOn = step == MigrationStep.TurnOnDnssec;
        if (m.State is not (MigrationState.Completed or MigrationState.Decommissioned))
            return fromJob ? WorkflowResult.Ok($"{step} no longer applies in {m.State}", await GetStatusAsync(m.Id, ct))
                           : WorkflowResult.Conflict($"DNSSEC is turned {(turningOn ? "on here" : "off")} only after completion (the migration is {m.State})", await GetStatusAsync(m.Id, ct));
        if (!actor.MayAct(DnssecRoles)) return WorkflowResult.Forbidden($"{actor.Name} may not turn DNSSEC {(turningOn ? "on" : "off")} (allowed: {string.Join(", ", DnssecRoles)})", await GetStatusAsync(m.Id, ct));
        if (m.Answers is not { SignsAtCompletion: true }) return WorkflowResult.Invalid(turningOn ? "the plan names no KMS key to sign with" : "this migration's plan did not turn DNSSEC on", await GetStatusAsync(m.Id, ct));
        var progress = await DnssecProgressAsync(m.Id, ct);
        if (fromJob && turningOn && progress.Phase is DnssecPhase.TurningOff or DnssecPhase.Off && m.RunningStep != step.ToString())
            return WorkflowResult.Ok($"{step} no longer applies: DNSSEC is {progress.Phase} (round {progress.Round})", await GetStatusAsync(m.Id, ct));
        if (!fromJob && (turningOn ? SecondTurnOn(m, progress) : SecondTurnOff(m, progress)) is { } already) return WorkflowResult.Conflict(already, await GetStatusAsync(m.Id, ct));
        return await SideStepAsync(m, step, actor, reason, fromJob, turningOn ? runner.TurnOnDnssecAsync : runner.TurnOffDnssecAsync,
            turningOn ? MigrationAuditActions.DnssecTurnedOn : MigrationAuditActions.DnssecTurnedOff, ct);
    }

    /// <summary>
    /// A step after completion that is not a transition (DNSSEC on or off, the security-records plan applied): claims the
    /// migration (compare-and-set), runs <paramref name="run"/>, releases the claim; when done, a history row (state to
    /// itself) and the audit event <paramref name="doneAction"/>; when waiting, a timed follow-up of the same step.
    /// </summary>
    private async Task<WorkflowResult> SideStepAsync(Migration m, MigrationStep step, MigrationActor actor, string? reason, bool fromJob,
        Func<StepContext, CancellationToken, Task<StepOutcome>> run, string doneAction, CancellationToken ct)
    {
        if (!fromJob && m.RunningStep == step.ToString() && !IsStale(m))
            return WorkflowResult.Conflict($"{step} is already running (since {m.RunningSince:u}, by {m.RunningBy})", await GetStatusAsync(m.Id, ct));
        if (m.RunningStep != step.ToString() || !fromJob)
        {
            if (m.RunningStep is not null && m.RunningStep != step.ToString() && !IsStale(m))
                return WorkflowResult.Conflict($"{m.RunningStep} is already running (since {m.RunningSince:u}, by {m.RunningBy})", await GetStatusAsync(m.Id, ct));
            if (m.RunningStep != step.ToString() && !await ClaimAsync(m, step, actor, reason, ct))
                return WorkflowResult.Conflict($"another call took {step} first", await GetStatusAsync(m.Id, ct));
            m = (await LoadAsync(m.Id, ct))!;
        }
        if (jobs.RunsInBackground && !fromJob)
        {
            jobs.Schedule(m.Id, step, time.GetUtcNow());
            return WorkflowResult.Accepted($"{step} started in the background", await GetStatusAsync(m.Id, ct));
        }
        StepOutcome outcome;
        try
        {
            outcome = await run(Context(m, step, actor, reason), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await SaveClaimedAsync(m.Id, step, new MigrationPatch().Problem($"{step} failed: {e.Message}"), ct);
            _log.LogError(e, "Migration {Id}: {Step} failed", m.Id, step);
            throw;
        }
        var release = new MigrationPatch().ReleaseClaim();
        if (outcome is StepOutcome.Pending) release.Waiting(outcome.Message);
        else if (outcome is StepOutcome.Done) release.ClearBlocker();
        else release.Problem(outcome.Message);
        switch (outcome)
        {
            case StepOutcome.Done done:
            {
                var now = time.GetUtcNow();
                await using var db = await contexts.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var running = step.ToString();
                var rows = await db.Migrations.Where(x => x.Id == m.Id && x.RunningStep == running).ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.UpdatedAt, now);
                    foreach (var set in release.Setters) set(s);
                }, ct);
                if (rows != 1)
                {
                    await tx.RollbackAsync(ct);
                    return WorkflowResult.Conflict($"{step} lost its claim meanwhile", await GetStatusAsync(m.Id, ct));
                }
                var evidence = reason is null ? done.Evidence : new { reason, detail = done.Evidence };
                db.MigrationHistory.Add(new MigrationHistoryEntry(m.Id, running, m.State, m.State, actor.Name, now, JsonSerializer.Serialize(evidence ?? new { }, EvidenceJson)));
                db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, doneAction, Target(m.Id), Truncate($"{m.ZoneName}: {done.Message}")));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return WorkflowResult.Ok(done.Message, await GetStatusAsync(m.Id, ct));
            }
            case StepOutcome.Pending pending:
                await SaveClaimedAsync(m.Id, step, release, ct, timers: [new FollowUp(step, pending.RetryAt)]);
                return WorkflowResult.Accepted(pending.Message, await GetStatusAsync(m.Id, ct));
            default:
                await SaveClaimedAsync(m.Id, step, release, ct, audit: (actor.Name, MigrationAuditActions.StepBlocked, $"{step}: {outcome.Message}"));
                return WorkflowResult.Invalid(outcome.Message, await GetStatusAsync(m.Id, ct));
        }
    }

    public async Task<WorkflowResult> RetryAsync(Guid id, string reason, MigrationActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) return WorkflowResult.Invalid("retrying needs a reason");
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        var t = MigrationLifecycle.Find(MigrationStep.Retry, m.State);
        if (t is null) return WorkflowResult.Conflict($"only a rolled-back migration can be retried, this one is {m.State}", await GetStatusAsync(id, ct));
        if (!actor.MayAct(t.Roles)) return WorkflowResult.Forbidden($"{actor.Name} may not retry migrations");
        var patch = new MigrationPatch().Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null).Set(x => x.ApprovedAt, (DateTimeOffset?)null)
            .Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.CutoverStage, (string?)null).Set(x => x.DueAt, (DateTimeOffset?)null);
        return await TransitionAsync(m, MigrationStep.Retry, actor, new { reason = reason.Trim() }, patch, "back to Waited; a new approval is needed", ct,
            timers: [new FollowUp(MigrationStep.CheckDrift, time.GetUtcNow() + _options.DriftCheckInterval)]);
    }

    /// <summary>
    /// Runs one step: checks the role, claims the step by compare-and-set (a concurrent caller gets Conflict), then runs
    /// it here or, for background steps when a job runner exists, in a job (Accepted). Jobs call this with
    /// <see cref="MigrationActor.System"/> and resume a claimed step after a crash.
    /// </summary>
    public Task<WorkflowResult> RunStepAsync(Guid id, MigrationStep step, MigrationActor actor, CancellationToken ct = default,
        long? expectedVersion = null, string? reason = null, bool fromJob = false, bool resumeOnly = false) =>
        RunStepAttemptAsync(id, step, actor, ct, expectedVersion, reason, fromJob, resumeOnly, attempt: 1);

    /// <summary>How many times a rollback reads the migration again when a concurrent write beat its claim.</summary>
    internal const int RollbackClaimAttempts = 5;

    private async Task<WorkflowResult> RunStepAttemptAsync(Guid id, MigrationStep step, MigrationActor actor, CancellationToken ct,
        long? expectedVersion, string? reason, bool fromJob, bool resumeOnly, int attempt)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (resumeOnly && m.RunningStep != step.ToString())
            return WorkflowResult.Ok($"nothing to resume: {(m.RunningStep is null ? "no step is claimed" : $"{m.RunningStep} is claimed")}", await GetStatusAsync(id, ct));
        if (step == MigrationStep.CheckDrift)
            return fromJob ? await PeriodicDriftCheckAsync(m, ct) : await CheckDriftAsync(id, actor, ct);
        if (step is MigrationStep.TurnOffDnssec or MigrationStep.TurnOnDnssec) return await DnssecStepAsync(m, step, actor, reason, fromJob, ct);
        if (step == MigrationStep.ApplyAdvice) return await ApplyAdviceStepAsync(m, actor, fromJob, ct);
        var t = MigrationLifecycle.Find(step, m.State);
        if (t is null && fromJob && step == MigrationStep.RollBack && m.State == MigrationState.RolledBack)
        {
            // The rollback's follow-up: check that the parent shows the saved delegation again, and store the evidence.
            var check = await runner.VerifyRollbackAsync(Context(m, step, actor), ct);
            return WorkflowResult.Ok(check, await GetStatusAsync(id, ct));
        }
        if (t is null)
            return fromJob ? WorkflowResult.Ok($"{step} no longer applies in {m.State}", await GetStatusAsync(id, ct))
                           : WorkflowResult.Conflict($"{step} cannot be taken in state {m.State}", await GetStatusAsync(id, ct));
        if (!actor.MayAct(t.Roles)) return WorkflowResult.Forbidden($"{actor.Name} may not {step} (allowed: {string.Join(", ", t.Roles)})", await GetStatusAsync(id, ct));
        // A job continuing a step a person started records that person in the history.
        if (fromJob && m.RunningStep == step.ToString() && m.RunningBy is { } by && actor.IsSystem) actor = new MigrationActor(by, actor.Roles);
        if (expectedVersion is { } v && v != m.Version) return WorkflowResult.Conflict($"the migration changed (version {m.Version}, not {v})", await GetStatusAsync(id, ct));

        // A person starts a cutover; jobs only continue one (its background run, the follow-up of a sub-step that waits,
        // a resume after a crash). One under way goes on past the window's end, and its own checks ((d) recomputes the
        // plan, (f) proves parity old vs new) see what changed since it started. Refused by the guards for starting one,
        // a follow-up stalled: a lab cutover waiting for Route 53's INSYNC at (e) met a drift check that had just found
        // the record added meanwhile, and showed "change … is PENDING" with nothing scheduled.
        var continuing = fromJob && step == MigrationStep.CutOver;
        if (Precondition(m, step, continuing) is { } refusal) return await RefusedAsync(m, step, refusal, fromJob, ct);
        if (step == MigrationStep.CutOver && !continuing && m.RunningStep != step.ToString() && await DriftBlockerAsync(id, ct) is { } drift)
            return WorkflowResult.Invalid($"cutover is blocked: {drift}", await GetStatusAsync(id, ct));

        var resuming = fromJob && m.RunningStep == step.ToString();
        if (!resuming)
        {
            // Rollback is the emergency exit: it takes over any claim (a sampling job, a stuck verification).
            if (m.RunningStep is not null && step != MigrationStep.RollBack && !IsStale(m))
                return WorkflowResult.Conflict($"{m.RunningStep} is already running (since {m.RunningSince:u}, by {m.RunningBy})", await GetStatusAsync(id, ct));
            if (!await ClaimAsync(m, step, actor, reason, ct))
            {
                // The migration changed between reading it and claiming it. A rollback is the emergency exit, and a soak
                // writes often (each sample, then Verified to Soaked): read again and take over, rather than refuse the
                // person who pressed it (a loaded browser run saw the refusal, then the page dropped it when the state moved).
                if (step == MigrationStep.RollBack && expectedVersion is null && attempt < RollbackClaimAttempts)
                    return await RunStepAttemptAsync(id, step, actor, ct, expectedVersion, reason, fromJob, resumeOnly, attempt + 1);
                var now = await GetStatusAsync(id, ct);
                return WorkflowResult.Conflict(now?.RunningStep == step.ToString()
                    ? $"another call took {step} first"
                    : $"the migration changed while {step} was starting (now {now?.State}{(now?.RunningStep is { } r ? $", {r} running" : "")}); check it and try again", now);
            }
            m = (await LoadAsync(id, ct))!;
        }

        if (t.RunsInBackground && jobs.RunsInBackground && !fromJob)
        {
            var jobId = jobs.Schedule(id, step, time.GetUtcNow());
            _log.LogInformation("Migration {Id}: {Step} queued as job {JobId} by {Actor}", id, step, jobId, actor.Name);
            return WorkflowResult.Accepted($"{step} started in the background", await GetStatusAsync(id, ct));
        }
        return await ExecuteAsync(m, t, actor, reason, ct);
    }

    /// <summary>
    /// The steps claimed and not finished (a process died while running them, or is running them now): what a starting
    /// process hands to <see cref="RunStepAsync"/> with <c>resumeOnly</c> (under the migration's lock, so never twice at once).
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, MigrationStep Step)>> ClaimedStepsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Migrations.AsNoTracking().Where(m => m.RunningStep != null).Select(m => new { m.Id, m.RunningStep }).ToListAsync(ct);
        return rows.Where(r => Enum.TryParse<MigrationStep>(r.RunningStep, out _)).Select(r => (r.Id, Enum.Parse<MigrationStep>(r.RunningStep!))).ToList();
    }

    // ---------------------------------------------------------------- internals

    private async Task<WorkflowResult> ExecuteAsync(Migration m, LifecycleTransition t, MigrationActor actor, string? reason, CancellationToken ct)
    {
        StepOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(Context(m, t.Step, actor, reason), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A bug or an outage: the claim stays (a job retry resumes it; a stale claim can be taken over) and the reason shows.
            await SaveClaimedAsync(m.Id, t.Step, new MigrationPatch().Problem($"{t.Step} failed: {e.Message}"), ct);
            _log.LogError(e, "Migration {Id}: {Step} failed", m.Id, t.Step);
            throw;
        }

        switch (outcome)
        {
            case StepOutcome.Done done:
            {
                var patch = done.Patch ?? new MigrationPatch();
                if (done.FollowUpAt is { } due) patch.Set(x => x.DueAt, due);
                else if (t.FollowUp is null) patch.Set(x => x.DueAt, (DateTimeOffset?)null);
                var evidence = reason is null ? done.Evidence : new { reason, detail = done.Evidence };
                if (t.Step == MigrationStep.Resync)
                    patch.Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null).Set(x => x.ApprovedAt, (DateTimeOffset?)null)
                        .Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null);
                var timers = new List<FollowUp>();
                if (t.FollowUp is { } f && done.FollowUpAt is { } at) timers.Add(new FollowUp(f.Step, done.FirstRunAt is { } first && first < at ? first : at));
                // The parallel run before cutover: old and new compared on a schedule until the cutover (or abandonment) ends it.
                if (t.To == MigrationState.Waited) timers.Add(new FollowUp(MigrationStep.CheckDrift, time.GetUtcNow() + _options.DriftCheckInterval));
                var result = await TransitionAsync(m, t.Step, actor, evidence, patch, done.Message, ct, claimedAs: t.Step, timers: timers);
                // After a re-sync, old and new are compared against the new inventory: alike clears the drift block.
                if (result.IsSuccess && t.Step == MigrationStep.Resync && await LoadAsync(m.Id, ct) is { } synced)
                {
                    var sample = await runner.SampleDriftAsync(Context(synced, MigrationStep.CheckDrift, actor), ct);
                    result = result with { Message = $"{result.Message}; drift check: {sample.Summary}", Status = await GetStatusAsync(m.Id, ct) };
                }
                return result;
            }
            case StepOutcome.Pending pending:
            {
                var patch = pending.Patch ?? new MigrationPatch();
                patch.ReleaseClaim().Waiting(pending.Message);
                await SaveClaimedAsync(m.Id, t.Step, patch, ct, timers: [new FollowUp(t.Step, pending.RetryAt)]);
                return WorkflowResult.Accepted(pending.Message, await GetStatusAsync(m.Id, ct));
            }
            case StepOutcome.Blocked blocked:
            {
                var patch = blocked.Patch ?? new MigrationPatch();
                patch.ReleaseClaim().Problem(blocked.Message);
                await SaveClaimedAsync(m.Id, t.Step, patch, ct, audit: (actor.Name, MigrationAuditActions.StepBlocked, $"{t.Step}: {blocked.Message}"));
                return WorkflowResult.Invalid(blocked.Message, await GetStatusAsync(m.Id, ct));
            }
            case StepOutcome.Voided voided:
            {
                var patch = voided.Patch ?? new MigrationPatch();
                patch.Set(x => x.ApprovedPlanHash, (string?)null).Set(x => x.ApprovedBy, (string?)null).Set(x => x.ApprovedAt, (DateTimeOffset?)null)
                    .Set(x => x.ApprovalRequestedBy, (string?)null).Set(x => x.ApprovalRequestedAt, (DateTimeOffset?)null)
                    .Set(x => x.CutoverStage, (string?)null);
                var result = await TransitionAsync(m, MigrationStep.VoidApproval, MigrationActor.System, voided.Evidence, patch, voided.Message, ct,
                    claimedAs: t.Step, retireSnapshot: voided.RetiresSnapshot);
                if (result.IsSuccess) await SaveBlockerAsync(m.Id, voided.Message, ct);
                return result.IsSuccess ? WorkflowResult.Conflict(voided.Message, await GetStatusAsync(m.Id, ct)) : result;
            }
            case StepOutcome.RolledBack rolled:
            {
                // Cutover changed the delegation, the test failed and the snapshot was restored: Approved → CutOver → RolledBack.
                var patch = rolled.Patch ?? new MigrationPatch();
                patch.Problem(rolled.Message).Set(x => x.DueAt, rolled.VerifyAt);
                var result = await TransitionAsync(m, t.Step, actor, rolled.Evidence, patch, rolled.Message, ct, claimedAs: t.Step,
                    thenRolledBack: new { reason = "automatic rollback: " + rolled.Message },
                    timers: rolled.VerifyAt is { } at ? [new FollowUp(MigrationStep.RollBack, at)] : null);
                return result.IsSuccess ? WorkflowResult.Invalid(rolled.Message, result.Status) : result;
            }
            default:
                throw new InvalidOperationException($"unknown outcome {outcome.GetType().Name}");
        }
    }

    /// <summary>
    /// A step refused by its precondition. A person gets the reason in the answer; a job has no one to answer, so the
    /// reason replaces the wait the page showed (and a claim the job held is released): nothing stops silently.
    /// </summary>
    private async Task<WorkflowResult> RefusedAsync(Migration m, MigrationStep step, string refusal, bool fromJob, CancellationToken ct)
    {
        if (fromJob)
        {
            var why = $"{step} stopped: {refusal}";
            if (m.RunningStep == step.ToString())
                await SaveClaimedAsync(m.Id, step, new MigrationPatch().ReleaseClaim().Problem(why), ct,
                    audit: (MigrationActor.System.Name, MigrationAuditActions.StepBlocked, why));
            else
                await SaveBlockerAsync(m.Id, why, ct);
            _log.LogWarning("Migration {Id}: {Why}", m.Id, why);
        }
        return WorkflowResult.Invalid(refusal, await GetStatusAsync(m.Id, ct));
    }

    /// <summary>
    /// The preconditions the database alone can check, before anything is claimed or started. A cutover being
    /// <paramref name="continued"/> by its job is past the window check: the window bounds when one may start.
    /// </summary>
    private string? Precondition(Migration m, MigrationStep step, bool continued = false)
    {
        switch (step)
        {
            case MigrationStep.Plan when m.PlanJson is null:
                return "answer the plan's questions first";
            case MigrationStep.Inventory when m.Answers is { Source.Kind: ZoneSourceKind.Upload } && m.ZoneUpload is null:
                return "upload the zone file first (the plan's source is an upload)";
            case MigrationStep.Rehearse:
                var open = MigrationStatus.FindingsOf(m).Where(f => f.IsError && !f.IsAccepted).Select(f => f.Key).ToList();
                return open.Count == 0 ? null : $"{open.Count} lint error(s) are neither fixed nor accepted: {string.Join("; ", open.Take(10))}";
            case MigrationStep.Resync when DelegationInFlight(m) is { } inFlight:
                return inFlight;
            case MigrationStep.CutOver when m.ApprovedPlanHash is null || m.ApprovedPlanHash != m.PlanHash:
                return "the cutover plan is not approved";
            case MigrationStep.CutOver when !continued && m.Answers?.Window is { } w && time.GetUtcNow() < w.Opens:
                return $"the cutover window opens at {w.Opens:u}";
            case MigrationStep.CutOver when !continued && m.Answers?.Window is { } w && time.GetUtcNow() > w.Closes:
                return $"the cutover window closed at {w.Closes:u}; change the plan's window (a new approval is needed)";
            case MigrationStep.Complete:
                var ticks = MigrationStatus.Ticks(m);
                var missing = (m.Answers?.Updaters ?? []).Where(u => !ticks.ContainsKey(u.Name)).Select(u => $"{u.Name} ({u.Owner})").ToList();
                return missing.Count == 0 ? null : $"automated updaters not yet re-pointed to Route 53: {string.Join(", ", missing)}";
        }
        return null;
    }

    /// <summary>
    /// Why nothing but the cutover itself may move an Approved migration now, or null: once (f) proved parity the cutover
    /// changes the delegation — between its polls (the parent showing the change, a manual registrar) no claim is held,
    /// and a re-sync, a plan change or an abandonment then would leave a changed delegation in a state that cannot roll back.
    /// </summary>
    private static string? DelegationInFlight(Migration m) =>
        m.State == MigrationState.Approved && m.CutoverStage is "f" or "g" or "h"
            ? $"the cutover is changing the delegation (past sub-step {m.CutoverStage}); let it finish, then roll back if needed"
            : null;

    private bool IsStale(Migration m) => m.RunningSince is { } since && time.GetUtcNow() - since > _options.ClaimTimeout;

    private async Task<Migration?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Migrations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
    }

    private static string Target(Guid id) => $"migration:{id}";

    /// <summary>The claim: compare-and-set on state and version; sets the running step.</summary>
    private async Task<bool> ClaimAsync(Migration m, MigrationStep step, MigrationActor actor, string? reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var state = m.State;
        var version = m.Version;
        var rows = await db.Migrations.Where(x => x.Id == m.Id && x.State == state && x.Version == version)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RunningStep, step.ToString()).SetProperty(x => x.RunningSince, now)
                .SetProperty(x => x.RunningBy, actor.Name).SetProperty(x => x.Version, version + 1).SetProperty(x => x.UpdatedAt, now), ct);
        return rows == 1;
    }

    /// <summary>Writes columns while holding the claim of <paramref name="step"/>; false when the claim is gone (rolled back meanwhile).</summary>
    private async Task<bool> SaveClaimedAsync(Guid id, MigrationStep step, MigrationPatch patch, CancellationToken ct,
        (string Actor, string Action, string Details)? audit = null, IReadOnlyList<FollowUp>? timers = null)
    {
        var now = time.GetUtcNow();
        var running = step.ToString();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Migrations.Where(x => x.Id == id && x.RunningStep == running)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.UpdatedAt, now);
                foreach (var set in patch.Setters) set(s);
            }, ct);
        if (rows == 1 && audit is { } a) { db.AuditEvents.Add(AuditEvent.Create(now, a.Actor, a.Action, Target(id), Truncate(a.Details))); await db.SaveChangesAsync(ct); }
        if (rows == 1) await WriteTimersAsync(db, id, timers, ct);
        await tx.CommitAsync(ct);
        if (rows == 1) TimersCommitted(id, timers);
        return rows == 1;
    }

    /// <summary>A timed step a change calls for: <see cref="Step"/> runs at <see cref="At"/>.</summary>
    private readonly record struct FollowUp(MigrationStep Step, DateTimeOffset At);

    /// <summary>Inside the transaction of the change that calls for them: the timers, where they are rows of the database.</summary>
    private async Task WriteTimersAsync(MigratorDbContext db, Guid id, IReadOnlyList<FollowUp>? timers, CancellationToken ct)
    {
        if (timers is null || !jobs.RunsInBackground || !jobs.TimersInDatabase) return;
        foreach (var t in timers) await MigrationTimerStore.ScheduleInAsync(db, id, t.Step, t.At, ct);
    }

    /// <summary>After the commit: wakes the timer runner, or hands the follow-ups to a scheduler that keeps them elsewhere.</summary>
    private void TimersCommitted(Guid id, IReadOnlyList<FollowUp>? timers)
    {
        if (timers is not { Count: > 0 } || !jobs.RunsInBackground) return;
        if (jobs.TimersInDatabase) jobs.TimersWritten();
        else foreach (var t in timers) jobs.Schedule(id, t.Step, t.At);
    }

    /// <summary>A write without a state change (answers, findings, ticks, approval requests): compare-and-set on the version.</summary>
    private async Task<WorkflowResult> WriteAsync(Migration m, MigrationActor actor, string action, object? evidence, MigrationPatch patch, string message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var version = m.Version;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Migrations.Where(x => x.Id == m.Id && x.Version == version)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(x => x.Version, version + 1).SetProperty(x => x.UpdatedAt, now);
                foreach (var set in patch.Setters) set(s);
            }, ct);
        if (rows != 1) return WorkflowResult.Conflict("the migration changed meanwhile; reload and try again", await GetStatusAsync(m.Id, ct));
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, action, Target(m.Id), Truncate(JsonSerializer.Serialize(evidence, EvidenceJson))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return WorkflowResult.Ok(message, await GetStatusAsync(m.Id, ct));
    }

    /// <summary>
    /// The transition: compare-and-set on (state, version — or the claim when <paramref name="claimedAs"/>), plus the
    /// history row and the audit event, in one transaction. 0 rows: someone else moved first → Conflict.
    /// </summary>
    private async Task<WorkflowResult> TransitionAsync(Migration m, MigrationStep step, MigrationActor actor, object? evidence, MigrationPatch patch,
        string message, CancellationToken ct, MigrationStep? claimedAs = null, string? expectedPlanHash = null, object? thenRolledBack = null,
        IReadOnlyList<FollowUp>? timers = null, string? retireSnapshot = null)
    {
        var t = MigrationLifecycle.Find(step, m.State) ?? throw new InvalidOperationException($"{step} from {m.State} is not in the table");
        var to = thenRolledBack is null ? t.To : MigrationState.RolledBack;
        var now = time.GetUtcNow();
        var from = m.State;
        var version = m.Version;
        var running = step.ToString();
        var claim = claimedAs?.ToString();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var q = db.Migrations.Where(x => x.Id == m.Id && x.State == from);
        q = claim is not null ? q.Where(x => x.RunningStep == claim) : q.Where(x => x.Version == version);
        if (expectedPlanHash is not null) q = q.Where(x => x.PlanHash == expectedPlanHash);
        var rows = await q.ExecuteUpdateAsync(s =>
        {
            s.SetProperty(x => x.State, to).SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.RunningStep, (string?)null).SetProperty(x => x.RunningSince, (DateTimeOffset?)null)
                .SetProperty(x => x.RunningBy, (string?)null);
            if (thenRolledBack is null) s.SetProperty(x => x.Blocker, (string?)null);
            if (!patch.SetsBlocker) s.SetProperty(x => x.BlockerIsWait, false);
            foreach (var set in patch.Setters) set(s);
        }, ct);
        if (rows != 1)
        {
            await tx.RollbackAsync(ct);
            return WorkflowResult.Conflict($"{step} lost a race: the migration changed meanwhile", await GetStatusAsync(m.Id, ct));
        }
        if (retireSnapshot is not null && await RetireSnapshotAsync(db, m, retireSnapshot, actor, now, ct) is { } retired)
            evidence = new { detail = evidence, retiredSnapshot = retired };
        var json = JsonSerializer.Serialize(evidence ?? new { }, EvidenceJson);
        db.MigrationHistory.Add(new MigrationHistoryEntry(m.Id, running, from, t.To, actor.Name, now, json));
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.Transition, Target(m.Id), Truncate($"{m.ZoneName} {step}: {from} → {t.To}; {message}")));
        if (thenRolledBack is not null)
        {
            db.MigrationHistory.Add(new MigrationHistoryEntry(m.Id, nameof(MigrationStep.RollBack), t.To, MigrationState.RolledBack, MigrationActor.System.Name, now,
                JsonSerializer.Serialize(thenRolledBack, EvidenceJson)));
            db.AuditEvents.Add(AuditEvent.Create(now, MigrationActor.System.Name, MigrationAuditActions.Transition, Target(m.Id),
                Truncate($"{m.ZoneName} RollBack: {t.To} → RolledBack; {message}")));
        }
        await db.SaveChangesAsync(ct);
        await WriteTimersAsync(db, m.Id, timers, ct);
        await tx.CommitAsync(ct);
        TimersCommitted(m.Id, timers);
        _log.LogInformation("Migration {Id} ({Zone}): {Step} {From} → {To} by {Actor}", m.Id, m.ZoneName, step, from, to, actor.Name);
        return WorkflowResult.Ok(message, await GetStatusAsync(m.Id, ct));
    }

    /// <summary>
    /// Inside a transition's transaction: removes the snapshot with SHA-256 <paramref name="sha256"/> and returns it as it was
    /// stored (text and hash) for the history row, so it stays in the evidence byte for byte. Refused (null, the snapshot
    /// kept) once a delegation change of ours was submitted: rollback must restore the delegation from before it.
    /// </summary>
    private static async Task<object?> RetireSnapshotAsync(MigratorDbContext db, Migration m, string sha256, MigrationActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = await db.DelegationSnapshots.SingleOrDefaultAsync(s => s.MigrationId == m.Id && s.Sha256 == sha256, ct);
        if (snapshot is null || m.CutoverPlanJson is null) return null;
        var operations = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == m.Id).ToListAsync(ct);
        if (DelegationSnapshot.OurChangeSubmitted(operations, CutoverPlan.FromJson(m.CutoverPlanJson).DelegationTo)) return null;
        db.DelegationSnapshots.Remove(snapshot);
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.SnapshotRetired, Target(m.Id),
            $"sha256 {snapshot.Sha256} (taken {snapshot.TakenAt:u}): the parent no longer shows it and no delegation change was submitted; kept in the history"));
        return new { snapshot.TakenAt, snapshot.Sha256, snapshot.Json };
    }

    private async Task SaveBlockerAsync(Guid id, string message, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Migrations.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Blocker, message).SetProperty(x => x.BlockerIsWait, false)
            .SetProperty(x => x.Version, x => x.Version + 1), ct);
    }

    private static string Truncate(string s) => s.Length <= 4000 ? s : s[..3997] + "...";

    private StepContext Context(Migration m, MigrationStep step, MigrationActor actor, string? reason = null) => new(m, step, actor, time.GetUtcNow(),
        (patch, ct) => SaveClaimedAsync(m.Id, step, patch, ct),
        BeginOperationAsync,
        UpdateOperationAsync,
        AddSampleAsync,
        async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == m.Id).ToListAsync(ct);
        },
        async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return await db.DelegationSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.MigrationId == m.Id, ct);
        },
        async (snapshot, ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var existing = await db.DelegationSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.MigrationId == m.Id, ct);
            if (existing is not null) return existing;
            var json = snapshot.ToJson();
            var record = new DelegationSnapshotRecord(m.Id, snapshot.TakenAt, json, DelegationSnapshot.Sha256(json));
            db.DelegationSnapshots.Add(record);
            db.AuditEvents.Add(AuditEvent.Create(time.GetUtcNow(), actor.Name, MigrationAuditActions.SnapshotSaved, Target(m.Id), $"sha256 {record.Sha256}"));
            await db.SaveChangesAsync(ct);
            return record;
        });

    private async Task<MigrationOperation> BeginOperationAsync(MigrationOperation op, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = await db.MigrationOperations.AsNoTracking().SingleOrDefaultAsync(o => o.MigrationId == op.MigrationId && o.Key == op.Key, ct);
        if (existing is not null) return existing;
        db.MigrationOperations.Add(op);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // A concurrent resume stored it first (unique (MigrationId, Key)).
            await using var again = await contexts.CreateDbContextAsync(ct);
            return await again.MigrationOperations.AsNoTracking().SingleAsync(o => o.MigrationId == op.MigrationId && o.Key == op.Key, ct);
        }
        return op;
    }

    private async Task UpdateOperationAsync(MigrationOperation op, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.MigrationOperations.Update(op);
        await db.SaveChangesAsync(ct);
    }

    private async Task AddSampleAsync(MigrationSample sample, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.MigrationSamples.Add(sample);
        await db.SaveChangesAsync(ct);
    }
}
