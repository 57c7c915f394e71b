using System.Text.Json;
using Migrator.Core.Advising;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>One proposed record of a security-records plan, as the advisor's finding gave it.</summary>
public sealed record AdviceProposal(string RuleId, string Name, uint Ttl, string Type, string Data)
{
    public ResourceRecord ToRecord() => new(DomainName.Parse(Name), RecordType.Parse(Type), new Ttl(Ttl), Data);

    public override string ToString() => $"{Name} {Ttl} IN {Type} {Data}";
}

/// <summary>
/// The advisor's proposals for a completed migration as a record plan against the hosted zone's sets: what an Approver
/// signs (<see cref="Hash"/>, the plan's hash) and what the apply recomputes and compares. Stored in the
/// <see cref="MigrationOperationKinds.AdvicePlan"/> operation row of its round (<c>advice#n</c>): Pending while it awaits
/// approval, Submitted once approved (the approval in the row's result), Succeeded when applied, Failed when voided or
/// superseded. Invariant: <see cref="Proposals"/> is non-empty and <see cref="Hash"/> is the plan computed from them.
/// </summary>
public sealed record AdvicePlan(int Round, string Hash, string RequestedBy, DateTimeOffset RequestedAt, IReadOnlyList<AdviceProposal> Proposals,
    IReadOnlyList<string> Changes, int Creates, int Updates, int Deletes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>SOA proposals are never part of a plan: Route 53 owns the apex SOA, and the plan's safety check refuses a change to it.</summary>
    public static readonly IReadOnlySet<string> ExcludedRules = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        SecurityRecordsAdvisor.Rules.SoaRname.Id, SecurityRecordsAdvisor.Rules.SoaNegativeTtl.Id,
    };

    public static string KeyOf(int round) => $"advice#{round}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AdvicePlan FromJson(string json) => JsonSerializer.Deserialize<AdvicePlan>(json, Json)!;

    /// <summary>
    /// The proposals of <paramref name="report"/> to apply: all of them, or those of the findings whose rule id is in
    /// <paramref name="ruleIds"/>; a rule named that proposes nothing (or only the SOA) is an error in words.
    /// </summary>
    public static (IReadOnlyList<AdviceProposal> Proposals, string? Problem) Choose(AdviceReport report, IReadOnlyCollection<string>? ruleIds)
    {
        var offered = report.Findings.Where(f => f.Proposed is not null && !ExcludedRules.Contains(f.RuleId)).ToList();
        if (ruleIds is { Count: > 0 })
        {
            var wanted = ruleIds.Select(r => r.Trim()).Where(r => r.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unknown = wanted.Where(r => !offered.Any(f => string.Equals(f.RuleId, r, StringComparison.OrdinalIgnoreCase))).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                return ([], $"no current proposal for {string.Join(", ", unknown)}; proposals exist for: {(offered.Count == 0 ? "none" : string.Join(", ", offered.Select(f => f.RuleId).Distinct()))}"
                    + (unknown.Any(ExcludedRules.Contains) ? " (SOA changes are made at Route 53 by hand: its SOA is not part of a plan)" : ""));
            offered = offered.Where(f => wanted.Contains(f.RuleId)).ToList();
        }
        var proposals = offered.Select(f => new AdviceProposal(f.RuleId, f.Proposed!.Name.ToString(), f.Proposed.Ttl.Seconds, f.Proposed.Type.ToString(), f.Proposed.Data))
            .DistinctBy(p => (p.Name, p.Type, p.Data)).ToList();
        return proposals.Count == 0 ? ([], "the advisor proposes no record for this zone") : (proposals, null);
    }

    /// <summary>
    /// The zone as it should be: the current sets, each proposed value added to the set of its name and type (created
    /// with the proposal's TTL when there is none). Nothing is removed, so the plan only ever adds what was proposed.
    /// </summary>
    public static IReadOnlyList<RecordSet> Desired(IReadOnlyList<RecordSet> current, IReadOnlyList<AdviceProposal> proposals)
    {
        var sets = current.ToDictionary(s => s.Key);
        var order = current.Select(s => s.Key).ToList();
        foreach (var p in proposals.Select(p => p.ToRecord()))
        {
            var key = new RecordSetKey(p.Name, p.Type);
            if (sets.TryGetValue(key, out var have))
            {
                if (!have.Values.Contains(p.Data, StringComparer.Ordinal)) sets[key] = have with { Values = [.. have.Values, p.Data] };
            }
            else { sets[key] = new RecordSet(key, p.Ttl, [p.Data]); order.Add(key); }
        }
        return order.Select(k => sets[k]).ToList();
    }

    /// <summary>The latest round's operation row and its plan, or null before the first proposal.</summary>
    public static (MigrationOperation Operation, AdvicePlan Plan)? Latest(IEnumerable<MigrationOperation> operations) =>
        operations.Where(o => o.Kind == MigrationOperationKinds.AdvicePlan && o.RequestJson is not null)
            .Select(o => (Operation: o, Plan: FromJson(o.RequestJson!))).OrderByDescending(x => x.Plan.Round).Cast<(MigrationOperation, AdvicePlan)?>().FirstOrDefault();
}

/// <summary>Who approved a security-records plan, stored in its operation row's result.</summary>
public sealed record AdviceApproval(string ApprovedBy, DateTimeOffset ApprovedAt, string Hash)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static AdviceApproval? FromJson(string? json)
    {
        if (json is null) return null;
        try { return JsonSerializer.Deserialize<AdviceApproval>(json, Json) is { ApprovedBy: not null } a ? a : null; }
        catch (JsonException) { return null; }
    }
}

/// <summary>Where a security-records plan stands, as pages and the API show it.</summary>
public enum AdvicePlanPhase { AwaitingApproval, Approved, Applied, Void }

/// <summary>The latest security-records plan of a migration, for pages and the API.</summary>
public sealed record AdvicePlanView(int Round, AdvicePlanPhase Phase, string Hash, string RequestedBy, DateTimeOffset RequestedAt,
    IReadOnlyList<AdviceProposal> Proposals, IReadOnlyList<string> Changes, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? Note)
{
    public static AdvicePlanView Of(MigrationOperation op, AdvicePlan plan)
    {
        var approval = AdviceApproval.FromJson(op.ResultJson);
        var phase = op.Status switch
        {
            MigrationOperationStatus.Pending => AdvicePlanPhase.AwaitingApproval,
            MigrationOperationStatus.Submitted => AdvicePlanPhase.Approved,
            MigrationOperationStatus.Succeeded => AdvicePlanPhase.Applied,
            _ => AdvicePlanPhase.Void,
        };
        var note = phase == AdvicePlanPhase.Void ? op.ConfirmedBy ?? op.ResultJson : null;
        return new AdvicePlanView(plan.Round, phase, plan.Hash, plan.RequestedBy, plan.RequestedAt, plan.Proposals, plan.Changes,
            approval?.ApprovedBy, approval?.ApprovedAt, note);
    }
}
