using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>Whether completion signs the zone, and with which KMS key, set from outside the plan form; and the way back after completion.</summary>
public sealed class DnssecChoiceTests : IAsyncLifetime
{
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task SetDnssec_StoresTheKeyAndAudits_WithoutVoidingTheApproval_WhenAnOperatorSetsIt()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var wf = _h.Workflow();

        var set = await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Alice);

        Assert.True(set.IsSuccess, set.Message);
        Assert.Equal(Key, set.Status!.Plan!.DnssecKmsKeyArn);
        Assert.True(set.Status.Plan.SignsAtCompletion);
        Assert.Equal(MigrationState.Approved, set.Status.State);
        Assert.NotNull(set.Status.ApprovedPlanHash);
        await using var db = _h.CreateDbContext();
        var audit = await db.AuditEvents.AsNoTracking().Where(a => a.Action == MigrationAuditActions.DnssecChanged).SingleAsync();
        Assert.Equal("alice", audit.Actor);
        Assert.Contains(Key, audit.Details);
    }

    [Fact]
    public async Task SetDnssec_KeepsTheStoredKey_WhenNoneIsGiven_AndRemovesIt_WhenBlank()
    {
        var id = await _h.MigrationInAsync(MigrationState.Rehearsed);
        var wf = _h.Workflow();
        Assert.True((await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Alice)).IsSuccess);

        var never = await wf.SetDnssecAsync(id, DnssecTiming.Never, null, Alice);
        Assert.True(never.IsSuccess, never.Message);
        Assert.Equal((DnssecTiming.Never, Key, false), (never.Status!.Plan!.Dnssec, never.Status.Plan.DnssecKmsKeyArn, never.Status.Plan.SignsAtCompletion));

        var cleared = await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, " ", Alice);
        Assert.True(cleared.IsSuccess, cleared.Message);
        Assert.Null(cleared.Status!.Plan!.DnssecKmsKeyArn);
        Assert.Contains("no KMS key", cleared.Message);
        Assert.Equal("DNSSEC unchanged", (await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, null, Alice)).Message);
    }

    [Theory]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/1234abcd")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    public async Task SetDnssec_IsInvalid_AndChangesNothing_WhenTheKeyIsNotAKmsKeyInUsEast1(string arn)
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var wf = _h.Workflow();
        var version = (await wf.GetStatusAsync(id))!.Version;

        var refused = await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, arn, Alice);

        Assert.Equal(WorkflowOutcome.Invalid, refused.Outcome);
        Assert.Contains("us-east-1", refused.Message);
        Assert.Equal(version, (await wf.GetStatusAsync(id))!.Version);
    }

    [Fact]
    public async Task SetDnssec_IsRefused_ToViewersAndApprovers_BeforeThePlan_AndWithoutAKeyAfterCompletion()
    {
        var wf = _h.Workflow();
        var drafted = (await wf.CreateAsync("drafted.lab.", Alice)).Status!.Id;
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.SetDnssecAsync(drafted, DnssecTiming.AfterMigration, Key, Alice)).Outcome);

        var id = await _h.MigrationInAsync(MigrationState.Waited);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Victor)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Bob)).Outcome);
        Assert.Equal(WorkflowOutcome.NotFound, (await wf.SetDnssecAsync(Guid.NewGuid(), DnssecTiming.AfterMigration, Key, Alice)).Outcome);

        // After completion choosing signing turns it on at once (DnssecSequenceTests), and needs a key to do so.
        var done = await _h.MigrationInAsync(MigrationState.Completed, "done.lab.");
        var keyless = await wf.SetDnssecAsync(done, DnssecTiming.AfterMigration, " ", Alice);
        Assert.Equal(WorkflowOutcome.Invalid, keyless.Outcome);
        Assert.Equal("name the KMS key (in us-east-1) that signs done.lab.", keyless.Message);
        var never = await wf.SetDnssecAsync(done, DnssecTiming.Never, null, Alice);
        Assert.Equal((WorkflowOutcome.Succeeded, "done.lab. stays unsigned"), (never.Outcome, never.Message));
    }

    [Fact]
    public async Task SetDnssec_IsRefused_WhileCompletionRuns()
    {
        var id = await _h.MigrationInAsync(MigrationState.Soaked);
        var wf = _h.Workflow();
        await wf.TickUpdaterAsync(id, "certbot", Alice);
        StepContext? running = null;
        _h.Runner.Run = async (c, _) =>
        {
            running = c;
            var refused = await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Alice);
            return new StepOutcome.Pending(refused.Outcome + ": " + refused.Message, c.Now.AddMinutes(1));
        };

        var completing = await wf.AdvanceAsync(id, Alice);

        Assert.NotNull(running);
        Assert.StartsWith("Conflict: completion is running", completing.Message);
        Assert.Null((await wf.GetStatusAsync(id))!.Plan!.DnssecKmsKeyArn);
    }

    [Fact]
    public async Task TurnOffDnssec_IsRefused_WhenThePlanNeverSigned_AndToViewers()
    {
        var id = await _h.MigrationInAsync(MigrationState.Completed);
        var wf = _h.Workflow();

        Assert.Equal(WorkflowOutcome.Invalid, (await wf.TurnOffDnssecAsync(id, "key rotation", Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.TurnOffDnssecAsync(id, "key rotation", Victor)).Outcome);
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.TurnOffDnssecAsync(id, " ", Alice)).Outcome);
    }
    /// <summary>A signed, completed migration whose way back is scripted: the DS withdrawal waits once, then the rest is done.</summary>
    private async Task<Guid> SignedAndCompletedAsync()
    {
        var id = await _h.MigrationInAsync(MigrationState.Soaked);
        Assert.True((await _h.Workflow().SetDnssecAsync(id, DnssecTiming.AfterMigration, Key, Alice)).IsSuccess);
        await _h.Workflow().TickUpdaterAsync(id, "certbot", Alice);
        Assert.Equal(MigrationState.Completed, (await _h.Workflow().AdvanceAsync(id, Alice)).Status!.State);
        _h.Runner.TurnOff = async (c, ct) =>
        {
            var ds = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, "dnssec-off:ds", MigrationOperationKinds.DsChange, "withdraw the DS", null, c.Now), ct);
            if (ds.Status != MigrationOperationStatus.Succeeded)
            {
                ds.Succeeded(null, c.Now);
                await c.UpdateOperationAsync(ds, ct);
                return new StepOutcome.Pending("the DS is gone from the parent; signing stops at 12:05", c.Now.AddMinutes(5));
            }
            var ksk = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, "dnssec-off:ksk", MigrationOperationKinds.Route53Dnssec, "delete the key", null, c.Now), ct);
            ksk.Succeeded(null, c.Now);
            await c.UpdateOperationAsync(ksk, ct);
            return new StepOutcome.Done("DNSSEC is off", new { });
        };
        return id;
    }

    [Fact]
    public async Task TurnOffDnssec_IsRefusedAsAConflict_WhileTheWayBackWaits_AndOnceSigningIsOff()
    {
        var id = await SignedAndCompletedAsync();
        var wf = _h.Workflow();

        var first = await wf.TurnOffDnssecAsync(id, "registrar change", Alice);
        Assert.Equal(WorkflowOutcome.Accepted, first.Outcome);
        var waiting = (await wf.GetStatusAsync(id))!;
        var again = await wf.TurnOffDnssecAsync(id, "pressed twice", Alice);

        Assert.Equal(WorkflowOutcome.Conflict, again.Outcome);
        Assert.Equal("DNSSEC is already being turned off for example.lab. (since 2026-12-01 12:00:00Z): the DS is gone from the parent; signing stops at 12:05", again.Message);
        Assert.Equal(waiting.Version, (await wf.GetStatusAsync(id))!.Version);

        _h.Time.Advance(TimeSpan.FromMinutes(5));
        var done = await wf.RunStepAsync(id, MigrationStep.TurnOffDnssec, MigrationActor.System, fromJob: true);
        Assert.True(done.IsSuccess, done.Message);
        var third = await wf.TurnOffDnssecAsync(id, "pressed again", Alice);

        Assert.Equal(WorkflowOutcome.Conflict, third.Outcome);
        Assert.Equal("DNSSEC is already off for example.lab. (since 2026-12-01 12:05:00Z): nothing to turn off", third.Message);
        await using var db = _h.CreateDbContext();
        Assert.Equal(1, await db.MigrationHistory.CountAsync(h => h.MigrationId == id && h.Step == nameof(MigrationStep.TurnOffDnssec)));
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == MigrationAuditActions.DnssecTurnedOff));
    }

    [Fact]
    public async Task TurnOffDnssec_ResumesTheWayBack_WhenItStoppedOnAProblem()
    {
        var id = await SignedAndCompletedAsync();
        var wf = _h.Workflow();
        var script = _h.Runner.TurnOff;
        _h.Runner.TurnOff = async (c, ct) =>
        {
            await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, "dnssec-off:ds", MigrationOperationKinds.DsChange, "withdraw the DS", null, c.Now), ct);
            return new StepOutcome.Blocked("example.lab. is bogus at resolver 127.0.0.53 while the signatures are still served");
        };
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.TurnOffDnssecAsync(id, "registrar change", Alice)).Outcome);
        _h.Runner.TurnOff = script;

        var resumed = await wf.TurnOffDnssecAsync(id, "the resolver's cache was flushed", Alice);

        Assert.Equal(WorkflowOutcome.Accepted, resumed.Outcome);
        Assert.Contains("signing stops at", resumed.Message);
    }
}
