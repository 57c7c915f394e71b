using System.Security.Claims;
using Migrator.Core.Migrations;

namespace Migrator.Web.Dashboard;

public enum HealthLevel { Good, Attention, Problem, Finished }

/// <summary>A migration's health as a colour and, always, its reason in words (colour alone is not information).</summary>
public sealed record Health(HealthLevel Level, string Reason)
{
    public string Colour => Level switch
    {
        HealthLevel.Good => "#1b6b1f",
        HealthLevel.Attention => "#8a5300",
        HealthLevel.Problem => "#b00020",
        _ => "#5f6368",
    };
}

/// <summary>What the Migrations page shows: which rows, in which health, and which need the signed-in person.</summary>
public sealed record MigrationFilter(MigrationState? State = null, string? Owner = null, bool NeedsMe = false);

/// <summary>One user action the detail page can offer, computed from the transition table and the actor's roles.</summary>
public enum MigrationAction { Plan, UploadZone, Advance, RequestApproval, WithdrawApproval, Approve, Reject, CutOver, RollBack, Retry, Abandon, Decommission, CheckDrift, AcceptDrift, Resync, SetDnssec, TurnOffDnssec, TurnOnDnssec }

public static class MigrationBoard
{
    /// <summary>A person as the workflow sees them: name and roles from the sign-in cookie (checked again by the workflow).</summary>
    public static MigrationActor ActorOf(ClaimsPrincipal user) =>
        MigrationActor.FromRoleNames(user.Identity?.Name ?? "anonymous", user.FindAll(ClaimTypes.Role).Select(c => c.Value));

    public static Health HealthOf(MigrationStatus s, DateTimeOffset now)
    {
        if (s.State is MigrationState.Completed or MigrationState.Decommissioned) return new(HealthLevel.Finished, "finished: Route 53 serves the zone");
        if (s.State == MigrationState.Abandoned) return new(HealthLevel.Finished, "abandoned");
        if (s.State == MigrationState.RolledBack) return new(HealthLevel.Problem, "rolled back: the old delegation is in place again" + (s.Blocker is { } b ? $" ({b})" : ""));
        if (s.Blocker is { } blocker)
            return s.BlockerIsWait ? new(HealthLevel.Good, $"waiting: {blocker}") : new(HealthLevel.Problem, $"blocked: {blocker}");
        if (s.RunningStep is { } running) return new(HealthLevel.Good, $"running: {running}" + (s.CutoverStage is { } stage ? $", {stage}" : ""));
        var openErrors = s.Findings.Count(f => f.IsError && !f.IsAccepted);
        if (openErrors > 0) return new(HealthLevel.Attention, $"{openErrors} lint error(s) to fix or accept with a reason");
        if (s.NextStepIsTimed && s.DueAt is { } due && now - due > TimeSpan.FromMinutes(2))
            return new(HealthLevel.Attention, $"the timed step {s.NextStep} is {Display.TimeDisplay.Span(now - due)} overdue: check Background jobs");
        if (s.NextStep == MigrationStep.Approve && s.ApprovalRequestedBy is not null) return new(HealthLevel.Good, "waiting for an approver");
        return new(HealthLevel.Good, "on track");
    }

    /// <summary>True when the next step waits for this person: their role may take it, and an approval is never their own.</summary>
    public static bool Needs(MigrationStatus s, MigrationActor actor)
    {
        if (s.NextStep is null || s.RunningStep is not null) return false;
        if (s.NextStep == MigrationStep.Approve)
        {
            if (s.ApprovalRequestedBy is null) return actor.MayAct([MigrationRole.Operator, MigrationRole.Admin]);
            return actor.MayAct(s.NextStepRoles) && !string.Equals(s.ApprovalRequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase);
        }
        return !s.NextStepIsTimed && actor.MayAct(s.NextStepRoles.Where(r => r != MigrationRole.System).ToList());
    }

    public static IReadOnlyList<MigrationStatus> Apply(IEnumerable<MigrationStatus> all, MigrationFilter filter, MigrationActor actor) =>
        all.Where(s => filter.State is null || s.State == filter.State)
           .Where(s => string.IsNullOrWhiteSpace(filter.Owner) || string.Equals(s.CreatedBy, filter.Owner, StringComparison.OrdinalIgnoreCase))
           .Where(s => !filter.NeedsMe || Needs(s, actor))
           .ToList();

    /// <summary>
    /// The buttons a person sees on a migration: only what the transition table allows from the current state for their
    /// roles (the workflow checks again on the server). An approval request of their own offers no Approve, but Withdraw.
    /// <paramref name="driftBlocked"/>: the latest drift check found old and new different and nobody accepted it.
    /// </summary>
    public static IReadOnlyList<MigrationAction> ActionsFor(MigrationStatus s, MigrationActor actor, bool driftBlocked = false)
    {
        var actions = new List<MigrationAction>();
        var operate = actor.MayAct([MigrationRole.Operator, MigrationRole.Admin]);
        var approve = actor.MayAct([MigrationRole.Approver, MigrationRole.Admin]);
        // While a step runs nothing else is offered, except the emergency exit: the workflow lets a rollback take over any
        // claim (a verification, a soak's sampling), so an on-call engineer keeps the button (and the reason typed into it)
        // from CutOver to Soaked whatever runs in the background.
        if (s.RunningStep is not null)
        {
            if (s.RunningStep != nameof(MigrationStep.RollBack) && MayRollBack(s, actor)) actions.Add(MigrationAction.RollBack);
            return actions;
        }
        if (operate && s.State is MigrationState.Drafted or MigrationState.Planned or MigrationState.Inventoried or MigrationState.Rehearsed
                or MigrationState.TtlLowered or MigrationState.Waited or MigrationState.Approved)
            actions.Add(MigrationAction.Plan);
        if (operate && s.State is MigrationState.Drafted or MigrationState.Planned) actions.Add(MigrationAction.UploadZone);
        if (s.NextStep is { } next && !s.NextStepIsTimed && operate && next is not (MigrationStep.Approve or MigrationStep.Plan or MigrationStep.CutOver or MigrationStep.Decommission))
            actions.Add(MigrationAction.Advance);
        if (s.State == MigrationState.Waited && operate && s.ApprovalRequestedBy is null) actions.Add(MigrationAction.RequestApproval);
        if (s.State == MigrationState.Waited && s.ApprovalRequestedBy is { } own
            && (string.Equals(own, actor.Name, StringComparison.OrdinalIgnoreCase) || actor.MayAct([MigrationRole.Admin])))
            actions.Add(MigrationAction.WithdrawApproval);
        if (operate && s.State is MigrationState.TtlLowered or MigrationState.Waited or MigrationState.Approved)
        {
            actions.Add(MigrationAction.CheckDrift);
            if (driftBlocked) actions.Add(MigrationAction.AcceptDrift);
        }
        // Re-sync (Waited, Approved): the transition table says who may; the workflow checks again on the server.
        if (MigrationLifecycle.Find(MigrationStep.Resync, s.State) is { } resync && actor.MayAct(resync.Roles)) actions.Add(MigrationAction.Resync);
        if (s.State == MigrationState.Waited && approve && s.ApprovalRequestedBy is { } requester
            && !string.Equals(requester, actor.Name, StringComparison.OrdinalIgnoreCase))
        {
            actions.Add(MigrationAction.Approve);
            actions.Add(MigrationAction.Reject);
        }
        if (s.State == MigrationState.Approved && operate) actions.Add(MigrationAction.CutOver);
        if (s.State == MigrationState.Completed && operate) actions.Add(MigrationAction.Decommission);
        if (MayRollBack(s, actor)) actions.Add(MigrationAction.RollBack);
        if (operate && s.Plan is not null && s.State is MigrationState.Planned or MigrationState.Inventoried or MigrationState.Rehearsed
                or MigrationState.TtlLowered or MigrationState.Waited or MigrationState.Approved or MigrationState.CutOver or MigrationState.Verified
                or MigrationState.Soaked or MigrationState.RolledBack)
            actions.Add(MigrationAction.SetDnssec);
        if (operate && s.State is MigrationState.Completed or MigrationState.Decommissioned && s.Plan is { SignsAtCompletion: true })
            actions.Add(MigrationAction.TurnOffDnssec);
        if (operate && s.State is MigrationState.Completed or MigrationState.Decommissioned && s.Plan is not null
                && (s.Dnssec?.Phase == DnssecPhase.Off || s.Plan is not { SignsAtCompletion: true }))
            actions.Add(MigrationAction.TurnOnDnssec);
        if (MigrationLifecycle.Find(MigrationStep.Retry, s.State) is { } retry && actor.MayAct(retry.Roles)) actions.Add(MigrationAction.Retry);
        if (MigrationLifecycle.Find(MigrationStep.Abandon, s.State) is { } ab && actor.MayAct(ab.Roles)) actions.Add(MigrationAction.Abandon);
        return actions;
    }

    private static bool MayRollBack(MigrationStatus s, MigrationActor actor) =>
        MigrationLifecycle.RollbackStates.Contains(s.State) && MigrationLifecycle.Find(MigrationStep.RollBack, s.State) is { } rb && actor.MayAct(rb.Roles);

    /// <summary>What a re-sync would void, in words (an approval, or an open request for one); null when there is nothing to void.</summary>
    public static string? ResyncVoids(MigrationStatus s) =>
        s.ApprovedBy is { } by ? $"the approval {by} gave" + (s.ApprovedPlanHash is { Length: >= 12 } h ? $" (plan {h[..12]})" : "")
        : s.ApprovalRequestedBy is { } requester ? $"the approval request {requester} opened"
        : null;

    /// <summary>
    /// Where DNSSEC stands, in words: what completion will do (before it), whether Route 53 signs (after it), and when
    /// signing was turned off (the last <see cref="MigrationStep.TurnOffDnssec"/> in <paramref name="history"/>).
    /// </summary>
    public static string DnssecSummary(MigrationStatus s, IReadOnlyList<MigrationHistoryView> history)
    {
        if (s.Plan is not { } plan) return "not decided: the plan is not answered yet";
        if (s.State is MigrationState.Completed or MigrationState.Decommissioned)
        {
            switch (s.Dnssec)
            {
                // A sequence under way holds the claim or shows its wait (a round signed before rounds were marked shows neither).
                case { Phase: DnssecPhase.TurningOn } when s.RunningStep is not null || s.Blocker is not null:
                    return "being turned on: signing first, the DS goes to the parent last" + (s.Blocker is { } on ? $" ({on})" : "");
                case { Phase: DnssecPhase.TurningOff } when s.RunningStep is not null || s.Blocker is not null:
                    return "being turned off: the DS is withdrawn first, signing stops after its TTL" + (s.Blocker is { } off ? $" ({off})" : "");
                case { Phase: DnssecPhase.On, Round: var round, Since: var since } when DnssecTurnedOn(history) is { } by:
                    return $"signed by Route 53 since {since:u} (turned on by {by.Actor}{(round > 1 ? $", round {round}" : "")}; key-signing key from {plan.DnssecKmsKeyArn})";
            }
            if (DnssecTurnedOff(history) is { } gone) return $"not signed: signing was turned off by {gone.Actor} (the DS was withdrawn first)";
            if (s.RunningStep == nameof(MigrationStep.TurnOffDnssec)) return "being turned off: the DS is withdrawn first, signing stops after its TTL";
            if (s.RunningStep == nameof(MigrationStep.TurnOnDnssec)) return "being turned on: signing first, the DS goes to the parent last";
            return plan.SignsAtCompletion ? $"signed by Route 53 since completion (key-signing key from {plan.DnssecKmsKeyArn})" : "not signed";
        }
        if (s.State == MigrationState.Abandoned) return "not signed: the migration was abandoned";
        return plan.SignsAtCompletion ? $"completion signs the zone with a key-signing key from {plan.DnssecKmsKeyArn}, then publishes the DS at the parent"
            : plan.Dnssec == DnssecTiming.Never ? "completion does not sign the zone"
            : "chosen, but no KMS key is named: completion cannot sign until one is";
    }

    /// <summary>The history row of a finished turn-on of DNSSEC after completion, or null when there is none (or it was turned off since).</summary>
    public static MigrationHistoryView? DnssecTurnedOn(IReadOnlyList<MigrationHistoryView> history) =>
        history.LastOrDefault(h => h.Step is nameof(MigrationStep.TurnOffDnssec) or nameof(MigrationStep.TurnOnDnssec)) is { Step: nameof(MigrationStep.TurnOnDnssec) } on ? on : null;

    /// <summary>The history row of a finished turn-off of DNSSEC, or null when signing was never turned off (or turned on again since).</summary>
    public static MigrationHistoryView? DnssecTurnedOff(IReadOnlyList<MigrationHistoryView> history) =>
        history.LastOrDefault(h => h.Step is nameof(MigrationStep.TurnOffDnssec) or nameof(MigrationStep.TurnOnDnssec)) is { Step: nameof(MigrationStep.TurnOffDnssec) } off ? off : null;

    /// <summary>Why this person cannot approve, in words, when they look at a request they cannot sign.</summary>
    public static string? WhyNotApprove(MigrationStatus s, MigrationActor actor)
    {
        if (s.State != MigrationState.Waited || s.ApprovalRequestedBy is null) return null;
        if (string.Equals(s.ApprovalRequestedBy, actor.Name, StringComparison.OrdinalIgnoreCase))
            return "You requested this approval, so you cannot approve it: a second person (an Approver or Admin) must sign the plan.";
        if (!actor.MayAct([MigrationRole.Approver, MigrationRole.Admin]))
            return "Only Approvers and Admins can approve a cutover plan.";
        return null;
    }

    /// <summary>The forward path of the lifecycle from the transition table: the stepper's steps in order.</summary>
    public static IReadOnlyList<LifecycleTransition> ForwardPath()
    {
        var path = new List<LifecycleTransition>();
        var state = MigrationState.Drafted;
        while (MigrationLifecycle.Next(state) is { } t && path.Count < 32)
        {
            path.Add(t);
            state = t.To;
        }
        return path;
    }

    /// <summary>Done, current or ahead, for one step of the stepper, given where the migration stands.</summary>
    public static StepProgress ProgressOf(LifecycleTransition step, MigrationStatus s)
    {
        var path = ForwardPath();
        var index = path.ToList().FindIndex(t => t.Step == step.Step);
        var reached = path.ToList().FindIndex(t => t.From == s.State);
        if (reached < 0) reached = s.State is MigrationState.Completed or MigrationState.Decommissioned ? path.Count : -1;
        if (s.State == MigrationState.Decommissioned) return StepProgress.Done;
        if (reached < 0) return StepProgress.Off; // rolled back or abandoned: off the forward path
        return index < reached ? StepProgress.Done : index == reached ? StepProgress.Current : StepProgress.Ahead;
    }
}

public enum StepProgress { Done, Current, Ahead, Off }
