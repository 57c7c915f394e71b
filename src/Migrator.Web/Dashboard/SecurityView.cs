using Migrator.Core.Access;
using Migrator.Core.Advising;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;

namespace Migrator.Web.Dashboard;

/// <summary>One security-records finding as pages and the API show it (proposal in zone-file form).</summary>
public sealed record SecurityFinding(string RuleId, string Severity, string Owner, string? Type, string Message, string Reference, string? Proposed);

/// <summary>
/// The article's records and access, for one migration: the security-records advisor over the inventoried zone (offline:
/// no lookups outside the zone from a page load), and the IAM policies its plan calls for once the hosted zone exists.
/// Each part says why it is missing when it is.
/// </summary>
public sealed record SecurityView(IReadOnlyList<SecurityFinding>? Findings, string? FindingsMissing,
    IReadOnlyList<AccessPolicyDocument>? Policies, string? PoliciesMissing, AdvicePlanView? AdvicePlan = null)
{
    /// <summary>Whether the migration is where the advisor's records are applied (Route 53 serves the zone).</summary>
    public static bool AfterCompletion(MigrationStatus s) => s.State is MigrationState.Completed or MigrationState.Decommissioned;

    /// <summary>Operators and Admins propose, after completion, while no apply runs (the server checks again).</summary>
    public static bool MayPropose(MigrationStatus s, MigrationActor actor) =>
        AfterCompletion(s) && actor.MayAct(MigrationWorkflow.AdviceProposers) && s.RunningStep != nameof(MigrationStep.ApplyAdvice);

    /// <summary>Approvers and Admins approve a plan awaiting approval that they did not propose (four eyes).</summary>
    public static bool MayApprove(MigrationStatus s, AdvicePlanView? plan, MigrationActor actor) =>
        AfterCompletion(s) && plan is { Phase: AdvicePlanPhase.AwaitingApproval } && actor.MayAct(MigrationWorkflow.AdviceApprovers)
        && !string.Equals(plan.RequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Operators and Admins apply an approved plan.</summary>
    public static bool MayApply(MigrationStatus s, AdvicePlanView? plan, MigrationActor actor) =>
        AfterCompletion(s) && plan is { Phase: AdvicePlanPhase.Approved } && actor.MayAct(MigrationWorkflow.AdviceAppliers);

    public static async Task<SecurityView> LoadAsync(MigrationStatus status, MigrationWorkflow workflow, TimeProvider time, CancellationToken ct)
    {
        var zone = DomainName.Parse(status.Zone);
        IReadOnlyList<SecurityFinding>? findings = null;
        string? findingsMissing = null;
        if (await workflow.GetInventoryAsync(status.Id, ct) is { } records)
        {
            var report = SecurityRecordsAdvisor.Advise(zone, records, new AdvisorOptions(Now: time.GetUtcNow()));
            findings = report.Findings.Select(f => new SecurityFinding(f.RuleId, f.Severity.ToString(), f.Owner.ToString(), f.Type?.ToString(), f.Message,
                f.Reference, f.Proposed is { } p ? $"{p.Name} {p.Ttl.Seconds} IN {p.Type} {p.Data}" : null)).ToList();
        }
        else findingsMissing = "the old zone has not been inventoried yet: the advice reads its records";

        var (policies, policiesMissing) = PoliciesOf(status);
        return new SecurityView(findings, findingsMissing, policies, policiesMissing, await workflow.GetAdvicePlanAsync(status.Id, ct));
    }

    /// <summary>The IAM policies the plan calls for, or why there are none yet (no plan, no hosted zone to scope them to).</summary>
    public static (IReadOnlyList<AccessPolicyDocument>? Policies, string? Missing) PoliciesOf(MigrationStatus status)
    {
        if (status.Plan is null) return (null, "the plan's questions are not answered yet (console access, automated updaters)");
        if (status.HostedZoneId is not { } zoneId) return (null, "the hosted zone does not exist yet: the rehearsal creates it, and the policies are scoped to its ARN");
        return (MigrationAccessPolicies.For(zoneId, DomainName.Parse(status.Zone), status.Plan), null);
    }
}
