using System.Security.Claims;
using Migrator.Core.Migrations;
using Migrator.Web.Dashboard;

namespace Migrator.Web.Tests.Dashboard;

public sealed class MigrationBoardTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 23, 0, 0, TimeSpan.Zero);
    private static readonly MigrationActor Alice = new("alice@x.test", MigrationRole.Operator);
    private static readonly MigrationActor Bob = new("bob@x.test", MigrationRole.Approver);
    private static readonly MigrationActor Vera = new("vera@x.test", MigrationRole.Viewer);

    private static MigrationStatus Status(MigrationState state, string? requestedBy = null, string? blocker = null, string? running = null,
        DateTimeOffset? dueAt = null, IReadOnlyList<InventoryFinding>? findings = null)
    {
        var next = MigrationLifecycle.Next(state);
        return new MigrationStatus(Guid.NewGuid(), "shop.example.", state, 1, next?.Step, next?.Roles ?? [],
            next is not null && next.Roles[0] == MigrationRole.System, next?.Preconditions, dueAt,
            state >= MigrationState.Waited ? "abcdef0123456789" : null, null, null, null, requestedBy, "alice@x.test", Now, Now,
            running, null, blocker, null, [], null, null, 0, findings ?? [], [], null, null, null);
    }

    [Fact]
    public void ActionsFor_OffersNoApprove_WhenActorRequestedApproval()
    {
        var s = Status(MigrationState.Waited, requestedBy: "bob@x.test");
        Assert.DoesNotContain(MigrationAction.Approve, MigrationBoard.ActionsFor(s, Bob));
        Assert.Contains("cannot approve", MigrationBoard.WhyNotApprove(s, Bob));
    }

    [Fact]
    public void ActionsFor_OffersApproveAndReject_WhenAnotherPersonRequested()
    {
        var actions = MigrationBoard.ActionsFor(Status(MigrationState.Waited, requestedBy: "alice@x.test"), Bob);
        Assert.Contains(MigrationAction.Approve, actions);
        Assert.Contains(MigrationAction.Reject, actions);
        Assert.Null(MigrationBoard.WhyNotApprove(Status(MigrationState.Waited, requestedBy: "alice@x.test"), Bob));
    }

    [Theory]
    [InlineData(MigrationState.Drafted, false, false, false)]
    [InlineData(MigrationState.Waited, false, true, false)]
    [InlineData(MigrationState.Soaked, true, true, false)]
    [InlineData(MigrationState.Completed, false, false, false)]
    [InlineData(MigrationState.Completed, true, false, true)]
    [InlineData(MigrationState.Decommissioned, true, false, true)]
    public void ActionsFor_OffersDnssecChoiceBeforeCompletion_AndTheWayBackAfterASigningCompletion(MigrationState state, bool signs, bool set, bool turnOff)
    {
        var plan = new MigrationPlanAnswers { DnssecKmsKeyArn = signs ? "arn:aws:kms:us-east-1:111122223333:key/k" : null };
        var s = Status(state) with { Plan = state == MigrationState.Drafted ? null : plan };
        var actions = MigrationBoard.ActionsFor(s, Alice);
        Assert.Equal((set, turnOff), (actions.Contains(MigrationAction.SetDnssec), actions.Contains(MigrationAction.TurnOffDnssec)));
        Assert.DoesNotContain(MigrationAction.SetDnssec, MigrationBoard.ActionsFor(s, Bob));
        Assert.DoesNotContain(MigrationAction.TurnOffDnssec, MigrationBoard.ActionsFor(s, Vera));
    }

    [Fact]
    public void ActionsFor_OffersNothing_WhenViewer()
    {
        Assert.Empty(MigrationBoard.ActionsFor(Status(MigrationState.Verified), Vera));
        Assert.Empty(MigrationBoard.ActionsFor(Status(MigrationState.Waited, requestedBy: "alice@x.test"), Vera));
    }

    [Theory]
    [InlineData(MigrationState.CutOver, true)]
    [InlineData(MigrationState.Verified, true)]
    [InlineData(MigrationState.Soaked, true)]
    [InlineData(MigrationState.Approved, false)]
    [InlineData(MigrationState.Completed, false)]
    public void ActionsFor_OffersRollback_OnlyFromCutOverToSoaked(MigrationState state, bool offered) =>
        Assert.Equal(offered, MigrationBoard.ActionsFor(Status(state), Alice).Contains(MigrationAction.RollBack));

    [Fact]
    public void ActionsFor_OffersWithdrawToTheRequesterAndAdmins_NotToOtherApprovers()
    {
        var s = Status(MigrationState.Waited, requestedBy: "alice@x.test");
        Assert.Contains(MigrationAction.WithdrawApproval, MigrationBoard.ActionsFor(s, Alice));
        Assert.Contains(MigrationAction.WithdrawApproval, MigrationBoard.ActionsFor(s, new MigrationActor("root@x.test", MigrationRole.Admin)));
        Assert.DoesNotContain(MigrationAction.WithdrawApproval, MigrationBoard.ActionsFor(s, Bob));
        Assert.DoesNotContain(MigrationAction.WithdrawApproval, MigrationBoard.ActionsFor(Status(MigrationState.Waited), Alice));
    }

    [Theory]
    [InlineData(MigrationState.Rehearsed, false)]
    [InlineData(MigrationState.TtlLowered, true)]
    [InlineData(MigrationState.Waited, true)]
    [InlineData(MigrationState.Approved, true)]
    [InlineData(MigrationState.CutOver, false)]
    public void ActionsFor_OffersDriftCheck_WhileWaitingForCutover(MigrationState state, bool offered)
    {
        Assert.Equal(offered, MigrationBoard.ActionsFor(Status(state), Alice).Contains(MigrationAction.CheckDrift));
        Assert.DoesNotContain(MigrationAction.CheckDrift, MigrationBoard.ActionsFor(Status(state), Bob));
    }

    [Fact]
    public void ActionsFor_OffersAcceptDrift_OnlyWhenDriftBlocks()
    {
        Assert.DoesNotContain(MigrationAction.AcceptDrift, MigrationBoard.ActionsFor(Status(MigrationState.Waited), Alice));
        Assert.Contains(MigrationAction.AcceptDrift, MigrationBoard.ActionsFor(Status(MigrationState.Waited), Alice, driftBlocked: true));
        Assert.DoesNotContain(MigrationAction.AcceptDrift, MigrationBoard.ActionsFor(Status(MigrationState.Waited), Vera, driftBlocked: true));
    }

    [Theory]
    [InlineData(MigrationState.TtlLowered, false)]
    [InlineData(MigrationState.Waited, true)]
    [InlineData(MigrationState.Approved, true)]
    [InlineData(MigrationState.CutOver, false)]
    public void ActionsFor_OffersResyncToOperatorsOnly_WhileWaitedOrApproved(MigrationState state, bool offered)
    {
        Assert.Equal(offered, MigrationBoard.ActionsFor(Status(state), Alice).Contains(MigrationAction.Resync));
        Assert.Equal(offered, MigrationBoard.ActionsFor(Status(state), new MigrationActor("root@x.test", MigrationRole.Admin)).Contains(MigrationAction.Resync));
        Assert.DoesNotContain(MigrationAction.Resync, MigrationBoard.ActionsFor(Status(state), Bob));
        Assert.DoesNotContain(MigrationAction.Resync, MigrationBoard.ActionsFor(Status(state), Vera));
    }

    [Fact]
    public void ResyncVoids_NamesTheApprovalOrTheRequest_ThatAResyncWouldVoid()
    {
        Assert.Null(MigrationBoard.ResyncVoids(Status(MigrationState.Waited)));
        Assert.Equal("the approval request alice@x.test opened", MigrationBoard.ResyncVoids(Status(MigrationState.Waited, requestedBy: "alice@x.test")));
        var approved = Status(MigrationState.Approved, requestedBy: "alice@x.test") with { ApprovedBy = "bob@x.test", ApprovedPlanHash = "abcdef0123456789" };
        Assert.Equal("the approval bob@x.test gave (plan abcdef012345)", MigrationBoard.ResyncVoids(approved));
    }

    [Fact]
    public void ActionsFor_OffersNothing_WhileAStepRuns() =>
        Assert.Empty(MigrationBoard.ActionsFor(Status(MigrationState.Approved, running: "CutOver"), Alice));

    /// <summary>
    /// Rollback takes over any claim in the workflow, so the page keeps offering it while a verification or a soak runs:
    /// the panel (and the reason being typed into it) must not vanish and come back when the scheduler starts a step.
    /// </summary>
    [Theory]
    [InlineData(MigrationState.CutOver, "Verify")]
    [InlineData(MigrationState.Verified, "Soak")]
    [InlineData(MigrationState.Soaked, "Complete")]
    public void ActionsFor_KeepsOnlyRollback_WhileAStepRunsAfterCutover(MigrationState state, string running)
    {
        Assert.Equal([MigrationAction.RollBack], MigrationBoard.ActionsFor(Status(state, running: running), Alice));
        Assert.Empty(MigrationBoard.ActionsFor(Status(state, running: running), Vera));
        Assert.Empty(MigrationBoard.ActionsFor(Status(MigrationState.Verified, running: "RollBack"), Alice));
    }

    [Fact]
    public void Needs_IsTrueForApproverOnly_WhenApprovalRequestedByOperator()
    {
        var s = Status(MigrationState.Waited, requestedBy: "alice@x.test");
        Assert.True(MigrationBoard.Needs(s, Bob));
        Assert.False(MigrationBoard.Needs(s, Alice));
        Assert.False(MigrationBoard.Needs(s, Vera));
    }

    [Fact]
    public void Needs_IsFalse_WhenNextStepIsTimed() =>
        Assert.False(MigrationBoard.Needs(Status(MigrationState.TtlLowered, dueAt: Now.AddMinutes(5)), Alice));

    [Fact]
    public void Apply_FiltersByStateOwnerAndNeedsMe_Together()
    {
        var all = new[] { Status(MigrationState.Drafted), Status(MigrationState.Waited, requestedBy: "alice@x.test"), Status(MigrationState.Verified) };
        Assert.Single(MigrationBoard.Apply(all, new MigrationFilter(State: MigrationState.Verified), Bob));
        Assert.Single(MigrationBoard.Apply(all, new MigrationFilter(NeedsMe: true), Bob));
        Assert.Empty(MigrationBoard.Apply(all, new MigrationFilter(Owner: "nobody@x.test"), Bob));
        Assert.Equal(3, MigrationBoard.Apply(all, new MigrationFilter(Owner: "ALICE@x.test"), Bob).Count);
    }

    [Fact]
    public void HealthOf_IsGoodAndSaysWaiting_WhenTheBlockerIsAWait()
    {
        var soaking = Status(MigrationState.Verified, blocker: "soaking until 2026-12-02 10:00:00Z") with { BlockerIsWait = true };

        Assert.Equal(new Migrator.Web.Dashboard.Health(HealthLevel.Good, "waiting: soaking until 2026-12-02 10:00:00Z"), MigrationBoard.HealthOf(soaking, Now));
        Assert.Equal(HealthLevel.Problem, MigrationBoard.HealthOf(soaking with { BlockerIsWait = false }, Now).Level);
    }

    [Fact]
    public void HealthOf_SaysWhy_ForBlockerOverdueAndFindings()
    {
        Assert.Equal(new Migrator.Web.Dashboard.Health(HealthLevel.Problem, "blocked: parity failed for www"), MigrationBoard.HealthOf(Status(MigrationState.Rehearsed, blocker: "parity failed for www"), Now));
        var overdue = MigrationBoard.HealthOf(Status(MigrationState.TtlLowered, dueAt: Now.AddMinutes(-10)), Now);
        Assert.Equal(HealthLevel.Attention, overdue.Level);
        Assert.Contains("10 min 00 s overdue", overdue.Reason);
        var finding = new InventoryFinding("k", "R1", "Error", "www.shop.example.", "A", "bad", "fix");
        Assert.Equal(HealthLevel.Attention, MigrationBoard.HealthOf(Status(MigrationState.Inventoried, findings: [finding]), Now).Level);
        Assert.Equal(HealthLevel.Good, MigrationBoard.HealthOf(Status(MigrationState.Drafted), Now).Level);
    }

    [Fact]
    public void ProgressOf_MarksDoneCurrentAhead_FromState()
    {
        var s = Status(MigrationState.Rehearsed);
        var path = MigrationBoard.ForwardPath();
        Assert.Equal(MigrationStep.Plan, path[0].Step);
        Assert.Equal(StepProgress.Done, MigrationBoard.ProgressOf(path.Single(t => t.Step == MigrationStep.Inventory), s));
        Assert.Equal(StepProgress.Current, MigrationBoard.ProgressOf(path.Single(t => t.From == MigrationState.Rehearsed), s));
        Assert.Equal(StepProgress.Ahead, MigrationBoard.ProgressOf(path.Single(t => t.Step == MigrationStep.CutOver), s));
    }

    [Fact]
    public void ActorOf_TakesNameAndRoleClaims_FromPrincipal()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bob@x.test"), new Claim(ClaimTypes.Role, "Approver")], "cookie"));
        var actor = MigrationBoard.ActorOf(user);
        Assert.Equal("bob@x.test", actor.Name);
        Assert.Equal([MigrationRole.Approver], actor.Roles);
    }
}
