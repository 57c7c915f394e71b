using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;

namespace Migrator.Core.Migrations;

// The security-records advisor's proposals after completion, four eyes like the cutover: an Operator proposes (the plan
// against the hosted zone stored with its hash), an Approver who is not the proposer signs that hash, an Operator applies
// (recomputed first: a changed zone voids the approval).
public sealed partial class MigrationWorkflow
{
    /// <summary>Who may propose, approve and apply the advisor's record plan (pages offer the buttons by these; the workflow checks them).</summary>
    public static readonly MigrationRole[] AdviceProposers = [MigrationRole.Operator, MigrationRole.Admin];
    public static readonly MigrationRole[] AdviceApprovers = [MigrationRole.Approver, MigrationRole.Admin];
    public static readonly MigrationRole[] AdviceAppliers = [MigrationRole.Operator, MigrationRole.Admin, MigrationRole.System];

    /// <summary>The latest security-records plan of the migration, or null before the first proposal.</summary>
    public async Task<AdvicePlanView?> GetAdvicePlanAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id && o.Kind == MigrationOperationKinds.AdvicePlan).ToListAsync(ct);
        return AdvicePlan.Latest(rows) is { } latest ? AdvicePlanView.Of(latest.Operation, latest.Plan) : null;
    }

    /// <summary>
    /// Plans the advisor's proposals (all, or those of <paramref name="ruleIds"/>) against the hosted zone and asks for an
    /// approval (Operators, Admins; Completed or Decommissioned). An earlier plan not yet applied is superseded.
    /// </summary>
    public async Task<WorkflowResult> ProposeAdviceAsync(Guid id, IReadOnlyCollection<string>? ruleIds, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct(AdviceProposers)) return WorkflowResult.Forbidden($"{actor.Name} may not propose security records (Operators and Admins may)", await GetStatusAsync(id, ct));
        if (AdviceStateProblem(m) is { } state) return WorkflowResult.Conflict(state, await GetStatusAsync(id, ct));
        if (m.RunningStep == nameof(MigrationStep.ApplyAdvice) && !IsStale(m))
            return WorkflowResult.Conflict($"a security-records plan is being applied (since {m.RunningSince:u}); propose again when it is done", await GetStatusAsync(id, ct));
        var (plan, problem) = await runner.PlanAdviceAsync(Context(m, MigrationStep.ApplyAdvice, actor), ruleIds, ct);
        if (plan is null) return WorkflowResult.Invalid(problem!, await GetStatusAsync(id, ct));

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var open = await db.MigrationOperations.Where(o => o.MigrationId == id && o.Kind == MigrationOperationKinds.AdvicePlan
            && (o.Status == MigrationOperationStatus.Pending || o.Status == MigrationOperationStatus.Submitted)).ToListAsync(ct);
        foreach (var o in open) o.Failed(JsonSerializer.Serialize(new { voided = $"superseded by round {plan.Round}, proposed by {actor.Name}" }, EvidenceJson), now);
        db.MigrationOperations.Add(new MigrationOperation(id, AdvicePlan.KeyOf(plan.Round), MigrationOperationKinds.AdvicePlan,
            $"security records, round {plan.Round}: {plan.Creates} create(s), {plan.Updates} update(s); plan {plan.Hash[..12]} awaits an Approver who is not {actor.Name}",
            plan.ToJson(), now));
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.AdviceProposed, Target(id),
            Truncate($"{m.ZoneName} round {plan.Round}, plan {plan.Hash}: {string.Join("; ", plan.Changes)}")));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { return WorkflowResult.Conflict("another proposal was stored meanwhile; reload and review it", await GetStatusAsync(id, ct)); }
        await tx.CommitAsync(ct);
        return WorkflowResult.Ok($"security-records plan {plan.Hash[..12]} (round {plan.Round}) proposed: {string.Join("; ", plan.Changes)}; it needs an Approver who is not {actor.Name}",
            await GetStatusAsync(id, ct));
    }

    /// <summary>
    /// Signs the latest security-records plan (Approvers, Admins): refused to its proposer (four eyes), and unless
    /// <paramref name="planHash"/> is its hash (the approver signs what they saw).
    /// </summary>
    public async Task<WorkflowResult> ApproveAdviceAsync(Guid id, string planHash, MigrationActor actor, CancellationToken ct = default)
    {
        var m = await LoadAsync(id, ct);
        if (m is null) return WorkflowResult.NotFound(id);
        if (!actor.MayAct(AdviceApprovers)) return WorkflowResult.Forbidden($"{actor.Name} may not approve security records (Approvers and Admins may)", await GetStatusAsync(id, ct));
        if (AdviceStateProblem(m) is { } state) return WorkflowResult.Conflict(state, await GetStatusAsync(id, ct));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id && o.Kind == MigrationOperationKinds.AdvicePlan).ToListAsync(ct);
        if (AdvicePlan.Latest(rows) is not { } latest || latest.Operation.Status != MigrationOperationStatus.Pending)
            return WorkflowResult.Invalid("no security-records plan awaits approval", await GetStatusAsync(id, ct));
        var (op, plan) = latest;
        if (string.Equals(plan.RequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase))
            return WorkflowResult.Forbidden($"{actor.Name} proposed this security-records plan and cannot approve it (four eyes)", await GetStatusAsync(id, ct));
        if (!string.Equals(planHash?.Trim(), plan.Hash, StringComparison.OrdinalIgnoreCase))
            return WorkflowResult.Conflict($"the security-records plan's hash is {plan.Hash}, not {planHash}; review it again", await GetStatusAsync(id, ct));
        var now = time.GetUtcNow();
        var approval = new AdviceApproval(actor.Name, now, plan.Hash).ToJson();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pending = MigrationOperationStatus.Pending;
        var changed = await db.MigrationOperations.Where(o => o.Id == op.Id && o.Status == pending).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, MigrationOperationStatus.Submitted).SetProperty(o => o.ExternalId, plan.Hash)
            .SetProperty(o => o.ResultJson, approval).SetProperty(o => o.UpdatedAt, now), ct);
        if (changed != 1) return WorkflowResult.Conflict("the security-records plan changed meanwhile (approved, superseded); reload", await GetStatusAsync(id, ct));
        db.AuditEvents.Add(AuditEvent.Create(now, actor.Name, MigrationAuditActions.AdviceApproved, Target(id),
            Truncate($"{m.ZoneName} round {plan.Round}, plan {plan.Hash}, proposed by {plan.RequestedBy}")));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return WorkflowResult.Ok($"approved security-records plan {plan.Hash[..12]} (round {plan.Round})", await GetStatusAsync(id, ct));
    }

    /// <summary>
    /// Applies the approved security-records plan (Operators, Admins): recomputed against the hosted zone (a different
    /// hash voids the approval), then sent to Route 53 as journalled changes; a job polls INSYNC where one exists.
    /// </summary>
    public Task<WorkflowResult> ApplyAdviceAsync(Guid id, MigrationActor actor, CancellationToken ct = default) =>
        RunStepAsync(id, MigrationStep.ApplyAdvice, actor, ct);

    private async Task<WorkflowResult> ApplyAdviceStepAsync(Migration m, MigrationActor actor, bool fromJob, CancellationToken ct)
    {
        if (AdviceStateProblem(m) is { } state)
            return fromJob ? WorkflowResult.Ok($"{MigrationStep.ApplyAdvice} no longer applies in {m.State}", await GetStatusAsync(m.Id, ct))
                           : WorkflowResult.Conflict(state, await GetStatusAsync(m.Id, ct));
        if (!actor.MayAct(AdviceAppliers)) return WorkflowResult.Forbidden($"{actor.Name} may not apply security records (Operators and Admins may)", await GetStatusAsync(m.Id, ct));
        if (!fromJob || m.RunningStep != nameof(MigrationStep.ApplyAdvice))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var rows = await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == m.Id && o.Kind == MigrationOperationKinds.AdvicePlan).ToListAsync(ct);
            if (AdvicePlan.Latest(rows) is not { } latest || latest.Operation.Status != MigrationOperationStatus.Submitted)
                return fromJob ? WorkflowResult.Ok("no approved security-records plan is left to apply", await GetStatusAsync(m.Id, ct))
                    : WorkflowResult.Invalid(AdvicePlan.Latest(rows) is { Operation.Status: MigrationOperationStatus.Pending } open
                        ? $"security-records plan {open.Plan.Hash[..12]} is not approved yet" : "no approved security-records plan to apply: propose one and have it approved",
                        await GetStatusAsync(m.Id, ct));
        }
        return await SideStepAsync(m, MigrationStep.ApplyAdvice, actor, null, fromJob, runner.ApplyAdviceAsync, MigrationAuditActions.AdviceApplied, ct);
    }

    private static string? AdviceStateProblem(Migration m) => m.State is MigrationState.Completed or MigrationState.Decommissioned ? null
        : $"security records are applied after completion, when Route 53 serves the zone (the migration is {m.State})";
}
