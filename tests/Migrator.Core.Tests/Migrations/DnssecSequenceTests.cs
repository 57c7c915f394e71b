using Migrator.Core.Migrations;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>
/// DNSSEC after completion through the workflow and the real step runner, against the Route 53 emulator, with a manual
/// registrar: turned on after completion, off, and on again (a round of operations each); the wait for the person who
/// publishes the DS; and crashes inside the sequence that a resume gets past without doing anything twice.
/// </summary>
public sealed class DnssecSequenceTests : IAsyncLifetime
{
    private readonly DnssecBench _b = new();

    public Task InitializeAsync() => _b.InitializeAsync();
    public Task DisposeAsync() => _b.DisposeAsync();

    private static string Canonical(string ds) => RdataFormat.CanonicalOrSelf(RecordType.DS, ds);

    private async Task<DnssecProgress> ProgressAsync(Guid id) => DnssecProgress.Of(await _b.OperationsAsync(id));

    /// <summary>Chooses signing (a person at the registrar publishing what is asked) until it is on: Route 53 signs with <paramref name="kskName"/> and the parent shows its DS.</summary>
    private async Task TurnOnAsync(Guid id, int round, string kskName)
    {
        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);
        var on = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, _b.PublishAsRequestedAsync);
        Assert.True(on.Outcome == WorkflowOutcome.Succeeded, on.Message);
        var route53 = await _b.Route53DnssecAsync(id);
        var key = Assert.Single(route53.KeySigningKeys);
        Assert.Equal(("SIGNING", kskName, "ACTIVE"), (route53.ServeSignature, key.Name, key.Status));
        Assert.Equal([Canonical(key.DsRecord!)], _b.Parent.Ds.Select(Canonical));
        var progress = await ProgressAsync(id);
        Assert.Equal((round, DnssecPhase.On), (progress.Round, progress.Phase));
    }

    [Fact]
    public async Task TurnOnOffOn_AfterCompletion_RunsEachRoundWithItsOwnOperations_AndEndsSigned()
    {
        var id = await _b.CompletedUnsignedAsync();
        var wf = _b.Workflow;

        // On: the plan said "later" and named no key; choosing a key after completion signs now.
        await TurnOnAsync(id, round: 1, kskName: $"migrator_{id:N}");
        var again = await wf.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice);
        Assert.Equal(WorkflowOutcome.Conflict, again.Outcome);
        Assert.StartsWith("DNSSEC is already on for example.lab.", again.Message);
        var step = await wf.RunStepAsync(id, MigrationStep.TurnOnDnssec, Alice);
        Assert.Equal((WorkflowOutcome.Conflict, again.Message), (step.Outcome, step.Message));

        // Off: DS withdrawn first, then signing and the key.
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.TurnOffDnssecAsync(id, "registrar migration", Alice)).Outcome);
        var off = await _b.DriveAsync(id, MigrationStep.TurnOffDnssec, _b.PublishAsRequestedAsync);
        Assert.True(off.Outcome == WorkflowOutcome.Succeeded, off.Message);
        var unsigned = await _b.Route53DnssecAsync(id);
        Assert.Equal(("NOT_SIGNING", 0), (unsigned.ServeSignature, unsigned.KeySigningKeys.Count));
        Assert.Empty(_b.Parent.Ds);
        Assert.Equal((1, DnssecPhase.Off), ((await ProgressAsync(id)).Round, (await ProgressAsync(id)).Phase));

        // On again, the plan unchanged: round 2 finds none of round 1's operations done, and signs with a key of its own.
        await TurnOnAsync(id, round: 2, kskName: $"migrator_{id:N}_2");

        var ops = (await _b.OperationsAsync(id)).Where(o => o.Key.StartsWith("dnssec", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dnssec#2:ds", "dnssec#2:ksk", "dnssec#2:served", "dnssec#2:signing", "dnssec#2:validation",
            "dnssec-off:ds", "dnssec-off:ksk", "dnssec-off:signing",
            "dnssec:ds", "dnssec:ksk", "dnssec:served", "dnssec:signing", "dnssec:validation"], ops.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(ops, o => Assert.Equal(MigrationOperationStatus.Succeeded, o.Status));
        Assert.Equal((2L, 2L, 1L, 1L), (_b.Calls("CreateKeySigningKey"), _b.Calls("EnableHostedZoneDNSSEC"), _b.Calls("DisableHostedZoneDNSSEC"), _b.Calls("DeleteKeySigningKey")));
        Assert.Equal([nameof(MigrationStep.TurnOnDnssec), nameof(MigrationStep.TurnOffDnssec), nameof(MigrationStep.TurnOnDnssec)],
            (await wf.GetHistoryAsync(id)).Select(h => h.Step).Where(s => s.Contains("Dnssec", StringComparison.Ordinal)));
        var status = (await wf.GetStatusAsync(id))!;
        Assert.Equal((MigrationState.Completed, (string?)null, (string?)null), (status.State, status.RunningStep, status.Blocker));
    }
    private const string WaitsForRegistrar = "waiting for a person at the registrar";

    private static bool WaitsForThePerson(WorkflowResult r) => r.Message.Contains(WaitsForRegistrar, StringComparison.Ordinal);

    /// <summary>Every DNSSEC operation succeeded, Route 53 signs with the round's one key, and the parent shows exactly its DS.</summary>
    private async Task AssertSignedOnceAsync(Guid id)
    {
        var progress = await ProgressAsync(id);
        Assert.Equal((1, DnssecPhase.On), (progress.Round, progress.Phase));
        var route53 = await _b.Route53DnssecAsync(id);
        var key = Assert.Single(route53.KeySigningKeys);
        Assert.Equal(("SIGNING", "ACTIVE"), (route53.ServeSignature, key.Status));
        Assert.Equal([Canonical(key.DsRecord!)], _b.Parent.Ds.Select(Canonical));
        var ops = (await _b.OperationsAsync(id)).Where(o => o.Key.StartsWith("dnssec", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dnssec:ds", "dnssec:ksk", "dnssec:served", "dnssec:signing", "dnssec:validation"], ops.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(ops, o => Assert.Equal(MigrationOperationStatus.Succeeded, o.Status));
        Assert.Single(await _b.ManualRequestsAsync());
        Assert.Equal((1L, 1L), (_b.Calls("CreateKeySigningKey"), _b.Calls("EnableHostedZoneDNSSEC")));
        var status = (await _b.Workflow.GetStatusAsync(id))!;
        Assert.Equal(((string?)null, (string?)null), (status.RunningStep, status.Blocker));
        Assert.Single(await _b.Workflow.GetHistoryAsync(id), h => h.Step == nameof(MigrationStep.TurnOnDnssec));
    }

    [Fact]
    public async Task TurnOnDnssec_WaitsForThePersonAtTheRegistrar_ShowingTheDsInWords_AndGoesOnOnceTheParentShowsIt()
    {
        var id = await _b.CompletedUnsignedAsync();
        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);

        var waiting = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, until: WaitsForThePerson);
        var ds = Assert.Single((await _b.Route53DnssecAsync(id)).KeySigningKeys).DsRecord!;
        var instructions = $"At the registrar of example.lab., set the name servers to ns-1.r53.lab., ns-2.r53.lab. and the DS records to {ds}.";
        Assert.Equal(WorkflowOutcome.Accepted, waiting.Outcome);
        Assert.Contains(instructions, waiting.Message);
        Assert.Equal((waiting.Message, true, (string?)null), (waiting.Status!.Blocker, waiting.Status.BlockerIsWait, waiting.Status.RunningStep));
        Assert.Equal(instructions, Assert.Single(await _b.ManualRequestsAsync()).Description);

        // Nobody has published it yet: the sequence keeps waiting, asks nothing twice, and a second turn-on is refused.
        for (var i = 0; i < 3; i++)
        {
            _b.H.Time.Advance(TimeSpan.FromSeconds(10));
            var still = await _b.Workflow.RunStepAsync(id, MigrationStep.TurnOnDnssec, MigrationActor.System, fromJob: true);
            Assert.Equal(WorkflowOutcome.Accepted, still.Outcome);
            Assert.Contains(instructions, still.Message);
        }
        Assert.Single(await _b.ManualRequestsAsync());
        Assert.Equal(DnssecPhase.TurningOn, (await ProgressAsync(id)).Phase);
        var twice = await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice);
        Assert.Equal(WorkflowOutcome.Conflict, twice.Outcome);
        Assert.StartsWith("DNSSEC is already being turned on for example.lab.", twice.Message);

        await _b.PublishAsRequestedAsync();
        var done = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec);

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        await AssertSignedOnceAsync(id);
    }

    [Fact]
    public async Task TurnOnDnssec_ResumedAfterACrash_OnceTheKeyWasCreated_EndsSignedWithoutASecondKeyOrEnable()
    {
        var id = await _b.CompletedUnsignedAsync();
        _b.Http.CrashAfter = r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/keysigningkey", StringComparison.Ordinal);

        await Assert.ThrowsAsync<SimulatedCrash>(() => _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice));

        var crashed = (await _b.Workflow.GetStatusAsync(id))!;
        Assert.Equal(nameof(MigrationStep.TurnOnDnssec), crashed.RunningStep); // the claim stays for the resume
        Assert.Equal((1L, 0L), (_b.Calls("CreateKeySigningKey"), _b.Calls("EnableHostedZoneDNSSEC")));
        Assert.Equal(MigrationOperationStatus.Pending, Assert.Single(await _b.OperationsAsync(id), o => o.Key == "dnssec:ksk").Status);

        // What a starting process does with a claimed step; then the step's own polls.
        var resumed = await _b.Workflow.RunStepAsync(id, MigrationStep.TurnOnDnssec, MigrationActor.System, fromJob: true, resumeOnly: true);
        Assert.True(resumed.IsSuccess, resumed.Message);
        var done = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, _b.PublishAsRequestedAsync);

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        await AssertSignedOnceAsync(id);
    }

    [Fact]
    public async Task TurnOnDnssec_TakesTheKeyAsCreated_WhenTheCreateAnswerWasLost_AndItsRetryWasRefusedAsADuplicate()
    {
        var id = await _b.CompletedUnsignedAsync();
        _b.Http.Death = where => new IOException($"connection reset {where}");
        _b.Http.CrashAfter = r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/keysigningkey", StringComparison.Ordinal);

        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);
        var done = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, _b.PublishAsRequestedAsync);

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        Assert.Equal(1, _b.Emulator.Emulator.Stats.Snapshot()["CreateKeySigningKey"].GetValueOrDefault("KeySigningKeyAlreadyExists"));
        await AssertSignedOnceAsync(id);
    }

    [Fact]
    public async Task TurnOnDnssec_ResumedAfterACrash_OnceTheDsWasRequested_AsksTheRegistrarOnce_AndEndsSigned()
    {
        var id = await _b.CompletedUnsignedAsync();
        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);
        await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, until: WaitsForThePerson);
        Assert.Equal(MigrationOperationStatus.Submitted, Assert.Single(await _b.OperationsAsync(id), o => o.Key == "dnssec:ds").Status);

        _b.Parent.CrashNext = new SimulatedCrash("while asking the parent whether the DS is there");
        _b.H.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<SimulatedCrash>(() => _b.Workflow.RunStepAsync(id, MigrationStep.TurnOnDnssec, MigrationActor.System, fromJob: true));
        Assert.Equal(nameof(MigrationStep.TurnOnDnssec), (await _b.Workflow.GetStatusAsync(id))!.RunningStep);

        await _b.PublishAsRequestedAsync(); // the person published it meanwhile
        var resumed = await _b.Workflow.RunStepAsync(id, MigrationStep.TurnOnDnssec, MigrationActor.System, fromJob: true, resumeOnly: true);
        var done = resumed.Outcome == WorkflowOutcome.Accepted ? await _b.DriveAsync(id, MigrationStep.TurnOnDnssec) : resumed;

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        await AssertSignedOnceAsync(id);
    }

    /// <summary>Dies (once) while the DS step notes the id of the request it just handed to the registrar.</summary>
    private sealed class CrashNotingTheDsRequest : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public bool Armed { get; set; } = true;

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Armed && eventData.Context!.ChangeTracker.Entries<MigrationOperation>().Any(e => e.Entity.Key == "dnssec:ds" && e.Entity.Status == MigrationOperationStatus.Submitted))
            {
                Armed = false;
                throw new SimulatedCrash("after the registrar was asked for the DS, before the request's id was stored");
            }
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task TurnOnDnssec_ResumedAfterACrash_BetweenAskingTheRegistrarAndNotingIt_DoesNotAskTwice()
    {
        var id = await _b.CompletedUnsignedAsync();
        var crash = new CrashNotingTheDsRequest();
        _b.H.Interceptors.Add(crash);
        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);

        await Assert.ThrowsAsync<SimulatedCrash>(() => _b.DriveAsync(id, MigrationStep.TurnOnDnssec));
        Assert.False(crash.Armed);
        Assert.Single(await _b.ManualRequestsAsync());
        Assert.Null(Assert.Single(await _b.OperationsAsync(id), o => o.Key == "dnssec:ds").ExternalId);

        var resumed = await _b.Workflow.RunStepAsync(id, MigrationStep.TurnOnDnssec, MigrationActor.System, fromJob: true, resumeOnly: true);
        Assert.Contains(WaitsForRegistrar, resumed.Message);
        var done = await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, _b.PublishAsRequestedAsync);

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        await AssertSignedOnceAsync(id);
    }

    [Fact]
    public async Task TurnOffDnssec_ResumedAfterACrash_OnceSigningWasDisabled_RemovesTheKeyWithoutDisablingTwice()
    {
        var id = await _b.CompletedUnsignedAsync();
        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, DnssecBench.Key, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Succeeded, (await _b.DriveAsync(id, MigrationStep.TurnOnDnssec, _b.PublishAsRequestedAsync)).Outcome);
        _b.Http.CrashAfter = r => r.RequestUri!.AbsolutePath.EndsWith("/disable-dnssec", StringComparison.Ordinal);

        Assert.Equal(WorkflowOutcome.Accepted, (await _b.Workflow.TurnOffDnssecAsync(id, "registrar migration", Alice)).Outcome);
        await Assert.ThrowsAsync<SimulatedCrash>(() => _b.DriveAsync(id, MigrationStep.TurnOffDnssec, _b.PublishAsRequestedAsync));
        Assert.Equal(nameof(MigrationStep.TurnOffDnssec), (await _b.Workflow.GetStatusAsync(id))!.RunningStep);
        Assert.Empty(_b.Parent.Ds); // the DS went first

        var resumed = await _b.Workflow.RunStepAsync(id, MigrationStep.TurnOffDnssec, MigrationActor.System, fromJob: true, resumeOnly: true);
        var done = resumed.Outcome == WorkflowOutcome.Accepted ? await _b.DriveAsync(id, MigrationStep.TurnOffDnssec) : resumed;

        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);
        var route53 = await _b.Route53DnssecAsync(id);
        Assert.Equal(("NOT_SIGNING", 0), (route53.ServeSignature, route53.KeySigningKeys.Count));
        Assert.Equal((1L, 1L), (_b.Calls("DisableHostedZoneDNSSEC"), _b.Calls("DeleteKeySigningKey")));
        Assert.Equal((1, DnssecPhase.Off), ((await ProgressAsync(id)).Round, (await ProgressAsync(id)).Phase));
        Assert.Equal(2, (await _b.ManualRequestsAsync()).Count); // publish, withdraw
    }
}
