using System.Text.Json;
using Migrator.Core.Advising;
using Migrator.Core.Diffing;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

// The security-records advisor's proposals after completion: planned against the hosted zone, applied through the same
// journalled Route 53 path as the rehearsal and the cutover (operations keyed "advice#n:<hash>:batch-i", INSYNC polled).
public sealed partial class MigrationStepRunner
{
    public async Task<(AdvicePlan? Plan, string? Problem)> PlanAdviceAsync(StepContext c, IReadOnlyCollection<string>? ruleIds, CancellationToken ct)
    {
        var m = c.Migration;
        if (m.Answers is not { } a) return (null, "the migration has no plan");
        var target = await adapters.TargetAsync(m, a, ct);
        var current = await target.CurrentAsync(ct);
        // The zone as Route 53 serves it now: proposals already applied (or made by hand) are not proposed again.
        var report = SecurityRecordsAdvisor.Advise(m.Zone, current.SelectMany(s => s.Records), new AdvisorOptions(Now: c.Now));
        var (proposals, problem) = AdvicePlan.Choose(report, ruleIds);
        if (problem is not null) return (null, problem);
        var plan = await target.PlanAsync(AdvicePlan.Desired(current, proposals), null, ct);
        if (!plan.HasChanges) return (null, $"hosted zone {target.ZoneId} already holds every proposed record");
        if (!plan.Safety.IsSafe) return (null, $"the security-records plan for {target.ZoneId} is refused by the safety check: {string.Join("; ", plan.Safety.Violations)}");
        var round = (AdvicePlan.Latest(await c.Operations(ct))?.Plan.Round ?? 0) + 1;
        return (new AdvicePlan(round, plan.Hash, c.Actor.Name, c.Now, proposals, Describe(plan), plan.Creates, plan.Updates, plan.Deletes), null);
    }

    public async Task<StepOutcome> ApplyAdviceAsync(StepContext c, CancellationToken ct)
    {
        var m = c.Migration;
        if (m.Answers is not { } a) return new StepOutcome.Blocked("the migration has no plan");
        var operations = await c.Operations(ct);
        if (AdvicePlan.Latest(operations) is not { } latest || latest.Operation.Status != MigrationOperationStatus.Submitted)
            return new StepOutcome.Blocked("no approved security-records plan to apply: propose one and have it approved");
        var (op, approved) = latest;
        var prefix = $"{op.Key}:";
        var target = await adapters.TargetAsync(m, a, ct);
        if (await OutstandingAsync(c, target, prefix, ct) is { } waiting) return waiting;
        var started = operations.Any(o => o.Kind == MigrationOperationKinds.Route53Change && o.Key.StartsWith(prefix, StringComparison.Ordinal));
        var plan = await target.PlanAsync(AdvicePlan.Desired(await target.CurrentAsync(ct), approved.Proposals), null, ct);
        // Before anything is sent the recomputed plan must be the signed one; once batches went out, what is left of it is.
        if (!started && plan.Hash != approved.Hash)
        {
            var why = $"the hosted zone changed since round {approved.Round} was approved: its plan's hash is now {plan.Hash}, not {approved.Hash}; propose again and have the new plan approved";
            op.Failed(JsonSerializer.Serialize(new { voided = why, approval = AdviceApproval.FromJson(op.ResultJson) }, Json), c.Now);
            await c.UpdateOperationAsync(op, ct);
            return new StepOutcome.Blocked(why, new { approved.Round, approvedHash = approved.Hash, currentHash = plan.Hash, changes = Describe(plan) });
        }
        if (!plan.Safety.IsSafe)
            return new StepOutcome.Blocked($"the security-records plan for {target.ZoneId} is refused by the safety check: {string.Join("; ", plan.Safety.Violations)}");
        if (await ApplyAsync(c, target, plan.Changes, $"{prefix}{plan.Hash[..12]}", ct) is { } pending) return pending;
        var approval = AdviceApproval.FromJson(op.ResultJson);
        op.Succeeded(null, c.Now);
        await c.UpdateOperationAsync(op, ct);
        return new StepOutcome.Done($"applied security-records plan {approved.Hash[..12]} (round {approved.Round}) to hosted zone {target.ZoneId}: {string.Join("; ", approved.Changes)}",
            new
            {
                approved.Round, approved.Hash, approved.RequestedBy, approval?.ApprovedBy, hostedZoneId = target.ZoneId,
                proposals = approved.Proposals.Select(p => $"{p.RuleId}: {p}"), changes = approved.Changes,
            });
    }

    private static IReadOnlyList<string> Describe(Plan plan) =>
        plan.Changes.Select(ch => ch.Desired is { } d ? $"{ch.Kind} {ch.Key}: {string.Join(" | ", d.Values)}" : ch.ToString()).ToList();
}
