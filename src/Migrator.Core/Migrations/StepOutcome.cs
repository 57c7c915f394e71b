using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace Migrator.Core.Migrations;

/// <summary>Columns a step writes with its transition (or while it runs), applied inside the compare-and-set.</summary>
public sealed class MigrationPatch
{
    private readonly List<Action<UpdateSettersBuilder<Migration>>> _setters = [];
    private (string? Message, bool IsWait)? _blocker;

    /// <summary>The setters to apply; a patch that sets <see cref="Migration.Blocker"/> also says whether it is a wait.</summary>
    internal IEnumerable<Action<UpdateSettersBuilder<Migration>>> Setters =>
        _blocker is { } b
            ? _setters.Append(s => s.SetProperty(x => x.Blocker, b.Message).SetProperty(x => x.BlockerIsWait, b.IsWait))
            : _setters;

    /// <summary>True when this patch sets the blocker (and with it whether the blocker is a wait).</summary>
    internal bool SetsBlocker => _blocker is not null;

    /// <summary>The blocker this patch sets (null: it does not set one; Message null: it clears it).</summary>
    internal (string? Message, bool IsWait)? Blocker => _blocker;

    /// <summary>
    /// Sets one property. The blocker is not set here: <see cref="Problem"/>, <see cref="Waiting"/> and
    /// <see cref="ClearBlocker"/> set it together with whether it is a wait, so the two can never disagree.
    /// </summary>
    public MigrationPatch Set<T>(Expression<Func<Migration, T>> property, T value)
    {
        if (property.Body is MemberExpression { Member.Name: nameof(Migration.Blocker) or nameof(Migration.BlockerIsWait) })
            throw new ArgumentException("set the blocker with Problem, Waiting or ClearBlocker, which also say whether it is a wait", nameof(property));
        _setters.Add(s => s.SetProperty(property, value));
        return this;
    }

    /// <summary>The step's claim is given up: no step runs (until a job or a person claims one again).</summary>
    public MigrationPatch ReleaseClaim() => Set(x => x.RunningStep, (string?)null).Set(x => x.RunningSince, (DateTimeOffset?)null).Set(x => x.RunningBy, (string?)null);

    /// <summary>Something a person must act on (a refusal, a failed step): shown as a problem.</summary>
    public MigrationPatch Problem(string message) => SetBlocker(message, isWait: false);

    /// <summary>The migration waits (a due time not reached, a change not yet INSYNC): shown as a wait, not as a problem.</summary>
    public MigrationPatch Waiting(string message) => SetBlocker(message, isWait: true);

    /// <summary>Nothing stands in the way any more.</summary>
    public MigrationPatch ClearBlocker() => SetBlocker(null, isWait: false);

    private MigrationPatch SetBlocker(string? message, bool isWait)
    {
        _blocker = (message, isWait); // the last word counts, as a second SetProperty on the same column would
        return this;
    }

    public bool IsEmpty => _setters.Count == 0 && _blocker is null;
}

/// <summary>What running a step came to. Evidence is any JSON-serialisable object; it goes to the history row.</summary>
public abstract record StepOutcome(string Message, object? Evidence)
{
    /// <summary>
    /// The step's work is done: take the transition, then schedule the follow-up, due at <paramref name="FollowUpAt"/>
    /// (stored as the migration's due time). A follow-up that samples while it waits (the wait's drift checks, the soak)
    /// first runs at <paramref name="FirstRunAt"/> when that is earlier.
    /// </summary>
    public sealed record Done(string Message, object? Evidence, MigrationPatch? Patch = null, DateTimeOffset? FollowUpAt = null,
        DateTimeOffset? FirstRunAt = null) : StepOutcome(Message, Evidence);

    /// <summary>Not yet: run the step again at <paramref name="RetryAt"/> (a due time not reached, a change not INSYNC).</summary>
    public sealed record Pending(string Message, DateTimeOffset RetryAt, object? Evidence = null, MigrationPatch? Patch = null) : StepOutcome(Message, Evidence);

    /// <summary>A precondition does not hold; a person must act (accept findings, re-approve, fix drift).</summary>
    public sealed record Blocked(string Message, object? Evidence = null, MigrationPatch? Patch = null) : StepOutcome(Message, Evidence);

    /// <summary>
    /// The cutover cannot go on under this approval: the approval is void (Approved → Waited) and a new one is needed.
    /// <paramref name="RetiresSnapshot"/> (a SHA-256) names a delegation snapshot the parent no longer shows, taken by a
    /// cutover that never submitted a delegation change: the workflow copies it verbatim into the history row of this
    /// stop and removes it, so the next cutover saves a new one at (a).
    /// </summary>
    public sealed record Voided(string Message, object? Evidence = null, MigrationPatch? Patch = null, string? RetiresSnapshot = null) : StepOutcome(Message, Evidence);

    /// <summary>Cutover failed after the delegation changed and the snapshot was restored: the migration is rolled back.</summary>
    public sealed record RolledBack(string Message, object? Evidence = null, MigrationPatch? Patch = null, DateTimeOffset? VerifyAt = null) : StepOutcome(Message, Evidence);
}

/// <summary>What a step runner is given: the migration as read when the step was claimed, and a way to save progress.</summary>
public sealed class StepContext
{
    private readonly Func<MigrationPatch, CancellationToken, Task<bool>> _save;
    private readonly Func<MigrationOperation, CancellationToken, Task<MigrationOperation>> _begin;
    private readonly Func<MigrationOperation, CancellationToken, Task> _update;
    private readonly Func<MigrationSample, CancellationToken, Task> _sample;

    internal StepContext(Migration migration, MigrationStep step, MigrationActor actor, DateTimeOffset now,
        Func<MigrationPatch, CancellationToken, Task<bool>> save,
        Func<MigrationOperation, CancellationToken, Task<MigrationOperation>> begin,
        Func<MigrationOperation, CancellationToken, Task> update,
        Func<MigrationSample, CancellationToken, Task> sample,
        Func<CancellationToken, Task<IReadOnlyList<MigrationOperation>>> operations,
        Func<CancellationToken, Task<DelegationSnapshotRecord?>> snapshot,
        Func<DelegationSnapshot, CancellationToken, Task<DelegationSnapshotRecord>> saveSnapshot)
    {
        Migration = migration; Step = step; Actor = actor; Now = now;
        _save = save; _begin = begin; _update = update; _sample = sample;
        Operations = operations; Snapshot = snapshot; SaveSnapshotAsync = saveSnapshot;
    }

    public Migration Migration { get; }
    public MigrationStep Step { get; }
    public MigrationActor Actor { get; }
    public DateTimeOffset Now { get; }

    /// <summary>Saves progress while the step holds its claim (compare-and-set on the claim); false when the claim was lost.</summary>
    public Task<bool> SaveAsync(MigrationPatch patch, CancellationToken ct) => _save(patch, ct);

    /// <summary>Persists an operation before it is started; returns the stored one when the key exists already (a resumed step).</summary>
    public Task<MigrationOperation> BeginOperationAsync(MigrationOperation operation, CancellationToken ct) => _begin(operation, ct);

    public Task UpdateOperationAsync(MigrationOperation operation, CancellationToken ct) => _update(operation, ct);

    public Task AddSampleAsync(MigrationSample sample, CancellationToken ct) => _sample(sample, ct);

    public Func<CancellationToken, Task<IReadOnlyList<MigrationOperation>>> Operations { get; }
    public Func<CancellationToken, Task<DelegationSnapshotRecord?>> Snapshot { get; }
    /// <summary>Saves the snapshot once; a second call returns the first snapshot unchanged.</summary>
    public Func<DelegationSnapshot, CancellationToken, Task<DelegationSnapshotRecord>> SaveSnapshotAsync { get; }
}

/// <summary>The automatic action of each step (talking to DNS, Route 53, the parent). The workflow owns state and claims.</summary>
public interface IMigrationStepRunner
{
    Task<StepOutcome> RunAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Computes the cutover plan for an approval request: Done with a patch setting <see cref="Migration.CutoverPlanJson"/>
    /// and <see cref="Migration.PlanHash"/>, or Blocked with the reason.
    /// </summary>
    Task<StepOutcome> PrepareCutoverPlanAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>After a rollback: samples the parent's servers for the saved delegation (stored); returns what it found, in words.</summary>
    Task<string> VerifyRollbackAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>Compares the old servers with the new zone's servers for every set (parity, TTLs ignored) and stores the sample.</summary>
    Task<MigrationSample> SampleDriftAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The way back from DNSSEC signing after completion: DS withdrawn at the parent first, its TTL waited out, then
    /// signing disabled. Done when finished, Pending with the next time, Blocked with the reason.
    /// </summary>
    Task<StepOutcome> TurnOffDnssecAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepOutcome>(new StepOutcome.Blocked("this runner cannot turn DNSSEC off"));

    /// <summary>
    /// DNSSEC signing turned on after completion (a new round when it was turned off before): key-signing key, signing,
    /// the DS at the parent, the resolvers asked. Done when finished, Pending with the next time, Blocked with the reason.
    /// </summary>
    Task<StepOutcome> TurnOnDnssecAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepOutcome>(new StepOutcome.Blocked("this runner cannot turn DNSSEC on"));

    /// <summary>
    /// The advisor over the hosted zone's current sets, its proposals (all, or those of <paramref name="ruleIds"/>) as a
    /// record plan against those sets (not stored here): the plan, or why there is none.
    /// </summary>
    Task<(AdvicePlan? Plan, string? Problem)> PlanAdviceAsync(StepContext context, IReadOnlyCollection<string>? ruleIds, CancellationToken cancellationToken) =>
        Task.FromResult<(AdvicePlan?, string?)>((null, "this runner cannot plan security records"));

    /// <summary>
    /// Applies the approved security-records plan: recomputed against the hosted zone first (a different hash voids it),
    /// then journalled Route 53 changes. Done when INSYNC, Pending with the next time, Blocked with the reason.
    /// </summary>
    Task<StepOutcome> ApplyAdviceAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepOutcome>(new StepOutcome.Blocked("this runner cannot apply security records"));
}
