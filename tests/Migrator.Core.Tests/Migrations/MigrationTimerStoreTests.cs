using Migrator.Core.Migrations;

namespace Migrator.Core.Tests.Migrations;

/// <summary>The timers table: one timer per (migration, step), claims by compare-and-set with a lease, a rescheduled timer outlives its run.</summary>
public sealed class MigrationTimerStoreTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    private MigrationTimerStore Store() => new(_h, _h.Time);

    [Fact]
    public async Task Schedule_KeepsOneTimerPerStep_AndTheLatestDueTimeStands()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var store = Store();
        var now = _h.Time.GetUtcNow();
        store.Schedule(id, MigrationStep.Soak, now.AddSeconds(30));
        store.Schedule(id, MigrationStep.Soak, now.AddSeconds(10));
        store.Schedule(id, MigrationStep.CheckDrift, now.AddSeconds(60));

        var timers = await store.ListAsync(id);
        Assert.Equal(2, timers.Count);
        Assert.Equal(now.AddSeconds(10), Assert.Single(timers, t => t.Step == nameof(MigrationStep.Soak)).DueAt);
        Assert.Empty(await store.ClaimDueAsync("p1", 10, Lease, default));
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        var claimed = Assert.Single(await store.ClaimDueAsync("p1", 10, Lease, default));
        Assert.Equal((id, MigrationStep.Soak), (claimed.MigrationId, claimed.Step));
    }

    [Fact]
    public async Task ClaimDueAsync_GivesEachTimerToOneProcess_WhenTwoClaimAtOnce()
    {
        var store = Store();
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++) ids.Add(await _h.MigrationInAsync(MigrationState.Planned, $"z{i}.example.lab."));
        foreach (var id in ids) store.Schedule(id, MigrationStep.Soak, _h.Time.GetUtcNow());

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(() => store.ClaimDueAsync($"p{p}", 20, Lease, default))));

        var all = claims.SelectMany(c => c).Select(c => c.MigrationId).ToList();
        Assert.Equal(20, all.Count);
        Assert.Equal(20, all.Distinct().Count());
        Assert.Empty(await store.ClaimDueAsync("late", 20, Lease, default));
    }

    [Fact]
    public async Task ClaimDueAsync_TakesOverATimer_WhenTheClaimingProcessDiedAndItsLeaseRanOut()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var store = Store();
        store.Schedule(id, MigrationStep.Verify, _h.Time.GetUtcNow());
        var dead = Assert.Single(await store.ClaimDueAsync("dead", 10, Lease, default));

        _h.Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await store.ClaimDueAsync("heir", 10, Lease, default));
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        var taken = Assert.Single(await store.ClaimDueAsync("heir", 10, Lease, default));

        // The dead process's late completion deletes nothing; the heir's does.
        await store.CompleteAsync(dead, default);
        Assert.Single(await store.ListAsync(id));
        await store.CompleteAsync(taken, default);
        Assert.Empty(await store.ListAsync(id));
    }

    [Fact]
    public async Task CompleteAsync_KeepsTheTimer_WhenTheRunScheduledTheNextOne()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var store = Store();
        store.Schedule(id, MigrationStep.Soak, _h.Time.GetUtcNow());
        var run = Assert.Single(await store.ClaimDueAsync("p1", 10, Lease, default));

        store.Schedule(id, MigrationStep.Soak, _h.Time.GetUtcNow().AddSeconds(10)); // the sample schedules the next one
        await store.CompleteAsync(run, default);

        var next = Assert.Single(await store.ListAsync(id));
        Assert.Equal(_h.Time.GetUtcNow().AddSeconds(10), next.DueAt);
        Assert.Null(next.LeasedBy);
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(await store.ClaimDueAsync("p1", 10, Lease, default));
    }

    [Fact]
    public async Task FailAsync_RetriesLater_OrGivesUpAndKeepsTheError()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var store = Store();
        store.Schedule(id, MigrationStep.Soak, _h.Time.GetUtcNow());
        var first = Assert.Single(await store.ClaimDueAsync("p1", 10, Lease, default));
        await store.FailAsync(first, "probe outage", TimeSpan.FromSeconds(15), default);

        Assert.Empty(await store.ClaimDueAsync("p1", 10, Lease, default));
        _h.Time.Advance(TimeSpan.FromSeconds(15));
        var second = Assert.Single(await store.ClaimDueAsync("p1", 10, Lease, default));
        Assert.Equal(1, second.Attempts);
        await store.FailAsync(second, "still down", null, default);

        _h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await store.ClaimDueAsync("p1", 10, Lease, default));
        var kept = Assert.Single(await store.ListAsync(id));
        Assert.Equal("still down", kept.LastError);
        Assert.NotNull(kept.GaveUpAt);
        Assert.Equal(2, kept.Attempts);
    }
}
