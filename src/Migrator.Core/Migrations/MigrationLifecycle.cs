using System.Collections.Frozen;
using System.Text;
using static Migrator.Core.Migrations.MigrationRole;
using static Migrator.Core.Migrations.MigrationState;

namespace Migrator.Core.Migrations;

/// <summary>The lifecycle steps: each moves a migration from one state to the next (DESIGN.md).</summary>
public enum MigrationStep
{
    Plan,
    Inventory,
    Rehearse,
    LowerTtls,
    Wait,
    Approve,
    CutOver,
    Verify,
    Soak,
    Complete,
    Decommission,
    RollBack,
    Abandon,
    /// <summary>A changed cutover plan (drift, re-plan) takes an approved migration back to Waited.</summary>
    VoidApproval,
    /// <summary>After a rollback the operator may try again: back to Waited, where a new approval is needed.</summary>
    Retry,
    /// <summary>Not a transition: the periodic drift check of the parallel run before cutover (Waited, Approved), a timed job.</summary>
    CheckDrift,
    /// <summary>
    /// Not a transition: the way back from DNSSEC signing after completion (Completed, Decommissioned), DS first; it
    /// claims the migration while it runs and comes back as a timed job for each wait.
    /// </summary>
    TurnOffDnssec,
    /// <summary>
    /// Drift during the wait: re-read the old zone, store it as the inventory, import it into the hosted zone, recompute
    /// the cutover plan; any approval (or open request) is void. Waited → Waited, Approved → Waited.
    /// </summary>
    Resync,
    /// <summary>
    /// Not a transition: DNSSEC signing turned on after completion (Completed, Decommissioned), DS last, in a round of its
    /// own; it claims the migration while it runs and comes back as a timed job for each wait.
    /// </summary>
    TurnOnDnssec,
    /// <summary>
    /// Not a transition: the approved security-records plan applied to the hosted zone after completion (Completed,
    /// Decommissioned); it claims the migration while it runs and comes back as a timed job until Route 53 is INSYNC.
    /// </summary>
    ApplyAdvice,
}

/// <summary>A job the scheduler runs after a step, and when.</summary>
public sealed record TimedFollowUp(MigrationStep Step, string When);

/// <summary>
/// One row of the transition table. Invariant: <see cref="Roles"/> is non-empty; a step with
/// <see cref="RunsInBackground"/> is run by a job (it talks to DNS or Route 53 for longer than a request may take).
/// </summary>
public sealed record LifecycleTransition(
    MigrationStep Step,
    MigrationState From,
    MigrationState To,
    IReadOnlyList<MigrationRole> Roles,
    string Preconditions,
    string Action,
    string Evidence,
    TimedFollowUp? FollowUp = null,
    bool RunsInBackground = false)
{
    /// <summary>Forward steps are the ones a status screen offers as "next"; rollback, abandon and voiding are not.</summary>
    public bool IsForward => Step is not (MigrationStep.RollBack or MigrationStep.Abandon or MigrationStep.VoidApproval or MigrationStep.Retry or MigrationStep.Resync);
}

/// <summary>
/// The one transition table of the migration lifecycle: for every step its preconditions, its automatic action, the
/// evidence it records, who may take it and the timed job that follows. Hand-written rather than Stateless: every
/// transition is a compare-and-set in the database (many processes, one row), so an in-memory machine holding the state
/// would be a second source of truth; the table is plain data that tests, the docs generator and the UI all read.
/// Invariant: (Step, From) is unique, and every state but the final ones has exactly one forward step.
/// </summary>
public static class MigrationLifecycle
{
    private static readonly MigrationRole[] Operators = [Operator, Admin];
    /// <summary>Started by a person; the scheduler continues it (polls INSYNC, waits for a manual change to show).</summary>
    private static readonly MigrationRole[] OperatorsThenScheduler = [Operator, Admin, MigrationRole.System];
    private static readonly MigrationRole[] OperatorsOrScheduler = [Operator, Admin, MigrationRole.System];
    private static readonly MigrationRole[] Scheduler = [MigrationRole.System, Operator, Admin];

    /// <summary>States from which a migration may be abandoned: everything before the delegation is touched, and a rolled-back one.</summary>
    public static readonly IReadOnlyList<MigrationState> AbandonableStates =
        [Drafted, Planned, Inventoried, Rehearsed, TtlLowered, Waited, Approved, RolledBack];

    public static readonly IReadOnlyList<MigrationState> RollbackStates = [CutOver, Verified, Soaked];

    public static IReadOnlyList<LifecycleTransition> Transitions { get; } = Build();

    private static readonly FrozenDictionary<(MigrationStep, MigrationState), LifecycleTransition> ByStepAndState =
        Transitions.ToFrozenDictionary(t => (t.Step, t.From));

    private static List<LifecycleTransition> Build()
    {
        var t = new List<LifecycleTransition>
        {
            new(MigrationStep.Plan, Drafted, Planned, Operators,
                "the answers are complete and valid: zone source, old-zone writer, delegation changer, AWS account, TTL policy; TSIG keys named exist in the key store",
                "stores the answers; checks registrar access (Route 53 Domains GetDomainDetail, or a named person for a manual registrar)",
                "the answers, the registrar check"),
            new(MigrationStep.Inventory, Planned, Inventoried, OperatorsThenScheduler,
                "a zone file was uploaded, or the AXFR server answers",
                "reads the old zone through the source; stores records, serial and hash; lints for Route 53",
                "record count, serial, hash, lint findings; errors block until accepted one by one with a reason",
                RunsInBackground: true),
            new(MigrationStep.Rehearse, Inventoried, Rehearsed, OperatorsThenScheduler,
                "no unaccepted lint error",
                "creates the hosted zone (stable caller reference), imports the records, then compares the old servers with the new zone's own name servers (parity)",
                "hosted zone id, name servers, change ids, parity report",
                RunsInBackground: true),
            new(MigrationStep.LowerTtls, Rehearsed, TtlLowered, OperatorsThenScheduler,
                "the rehearsal's parity matched",
                "lowers NS and record TTLs at the old provider through the writer (and the delegation TTL where the changer can set it), then observes them by DNS at the old and parent servers",
                "old TTLs, new TTLs, the time the lowered TTLs were observed",
                new TimedFollowUp(MigrationStep.Wait, "observed-at + 5 × old TTL, lengthened to the ISP floor, not before the window opens"),
                RunsInBackground: true),
            new(MigrationStep.Wait, TtlLowered, Waited, Scheduler,
                "the due time has passed; no unaccepted drift between old and new",
                "drift check old vs new (parity); computes the cutover plan",
                "the due time, the drift report, the cutover plan hash",
                RunsInBackground: true),
            new(MigrationStep.Approve, Waited, Approved, [Approver, Admin],
                "an approval was requested; the approver is not the requester; the hash signed equals the current cutover plan's; no DNSSEC DS while the old provider signs",
                "binds the approval to the cutover plan hash",
                "approver, plan hash"),
            new(MigrationStep.CutOver, Approved, CutOver, OperatorsOrScheduler,
                "the window is open; the recomputed plan's hash equals the approved one",
                "(a) snapshots the delegation, (b) re-exports, (c) rewrites TTLs, (d) recomputes the plan, (e) applies it to Route 53 and waits INSYNC, (f) parity old vs new, (g) changes the delegation guarded by the snapshot, (h) tests at once; on failure rolls back",
                "snapshot, change ids, parity report, delegation operation id, immediate test",
                new TimedFollowUp(MigrationStep.Verify, "+ 5 × the new delegation TTL"),
                RunsInBackground: true),
            new(MigrationStep.Verify, CutOver, Verified, Scheduler,
                "5 × the new delegation TTL has passed since the delegation changed",
                "re-tests the parent's servers and every new server (parity)",
                "parent NS sets, parity report",
                new TimedFollowUp(MigrationStep.Soak, "+ 5 × the longest TTL a cache may hold (ISP floor); drift and propagation sampled meanwhile"),
                RunsInBackground: true),
            new(MigrationStep.Soak, Verified, Soaked, Scheduler,
                "the soak period has passed; the last drift sample matched",
                "summarises the stored drift and propagation samples",
                "sample counts, last drift result"),
            new(MigrationStep.Complete, Soaked, Completed, OperatorsThenScheduler,
                "every automated updater is ticked off",
                "raises the delegation TTL (24 h by default) where the changer can; restores record TTLs per policy; when the plan chose DNSSEC with a KMS key: creates and activates the key-signing key, enables signing, waits until every new server serves the signed zone and the DNSKEY TTL has passed, publishes the DS through the delegation changer, waits until the parent serves it and the resolvers validate",
                "updaters ticked, TTLs written, DNSSEC key tag, DS, parent and resolver verdicts",
                RunsInBackground: true),
            new(MigrationStep.Decommission, Completed, Decommissioned, Operators,
                "nothing resolves through the old servers any more (the parent and the sampled resolvers show only the new name servers)",
                "records the confirmation that the old service is switched off",
                "who confirmed, the check"),
            new(MigrationStep.VoidApproval, Approved, Waited, OperatorsOrScheduler,
                "the cutover plan changed after approval",
                "clears the approval",
                "old and new plan hash, what changed"),
            new(MigrationStep.Retry, RolledBack, Waited, Operators,
                "the delegation is back as snapshotted",
                "clears the approval and the snapshot's use; a new cutover needs a new approval",
                "who, why"),
        };
        foreach (var from in new[] { Waited, Approved })
            t.Add(new(MigrationStep.Resync, from, Waited, OperatorsThenScheduler,
                "old and new drifted apart during the wait (or the old zone changed on purpose)",
                "re-reads the old zone through the source and stores it as the inventory; imports it into the hosted zone (waits INSYNC); recomputes the cutover plan; voids any approval or open request; checks drift again",
                "records, serial, hash, Route 53 changes, the new plan hash, the voided approval",
                RunsInBackground: true));
        foreach (var from in RollbackStates)
            t.Add(new(MigrationStep.RollBack, from, RolledBack, OperatorsOrScheduler,
                "a reason is given; no approval needed",
                "restores the snapshotted delegation through the same changer, compare-and-set on the delegation it replaces; schedules the check that the parent shows the old delegation again",
                "who, why, delegation operation id",
                new TimedFollowUp(MigrationStep.RollBack, "+ 5 × the delegation TTL: the parent and resolvers show the old delegation")));
        foreach (var from in AbandonableStates)
            t.Add(new(MigrationStep.Abandon, from, Abandoned, Operators,
                "a reason is given; the delegation was never changed (or is restored)",
                "stops every scheduled job; the rehearsal zone is left for the operator to delete",
                "who, why"));
        return t;
    }

    /// <summary>The row for a step taken from a state, or null when that step is not allowed there.</summary>
    public static LifecycleTransition? Find(MigrationStep step, MigrationState from) =>
        ByStepAndState.TryGetValue((step, from), out var t) ? t : null;

    /// <summary>The forward step out of a state, or null for final states (Decommissioned, Abandoned) and RolledBack.</summary>
    public static LifecycleTransition? Next(MigrationState from) => Transitions.FirstOrDefault(t => t.From == from && t.IsForward);

    public static IEnumerable<LifecycleTransition> From(MigrationState from) => Transitions.Where(t => t.From == from);

    /// <summary>The lifecycle as a Mermaid state diagram, generated from <see cref="Transitions"/>.</summary>
    public static string ToMermaid()
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        sb.Append("    [*] --> Drafted\n");
        foreach (var t in Transitions)
            sb.Append("    ").Append(t.From).Append(" --> ").Append(t.To).Append(" : ").Append(t.Step).Append('\n');
        sb.Append("    Decommissioned --> [*]\n    Abandoned --> [*]\n");
        return sb.ToString();
    }

    /// <summary>docs/lifecycle.md: the diagram and the table, generated (a test fails when the file is stale).</summary>
    public static string ToMarkdown()
    {
        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Migration lifecycle\n\n");
        sb.Append("Generated from `src/Migrator.Core/Migrations/MigrationLifecycle.cs` by `MigrationLifecycleTests`; do not edit by hand.\n");
        sb.Append("Regenerate with `MIGRATOR_WRITE_DOCS=1 dotnet test tests/Migrator.Core.Tests --filter MigrationLifecycleTests`.\n\n");
        sb.Append("```mermaid\n").Append(ToMermaid()).Append("```\n\n");
        sb.Append("| step | from | to | who | preconditions | automatic action | evidence | timed job that follows |\n");
        sb.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var t in Transitions)
            sb.Append("| ").Append(t.Step).Append(" | ").Append(t.From).Append(" | ").Append(t.To).Append(" | ")
              .Append(string.Join(", ", t.Roles)).Append(" | ").Append(Cell(t.Preconditions)).Append(" | ").Append(Cell(t.Action))
              .Append(" | ").Append(Cell(t.Evidence)).Append(" | ")
              .Append(t.FollowUp is { } f ? $"{f.Step} at {Cell(f.When)}" : "—").Append(" |\n");
        sb.Append("\nBesides the transitions: `RequestApproval` (Operator, in Waited) freezes the cutover plan under its hash; ")
          .Append("`Reject` (Approver) clears the request with a reason; accepting lint findings, ticking updaters and confirming manual steps record evidence without changing the state.\n");
        return sb.ToString();
    }
}
