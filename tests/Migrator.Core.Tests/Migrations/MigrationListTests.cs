using Migrator.Core.Migrations;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>ListAsync keeps parsed statuses by row version: a list must still show every write made since the last one.</summary>
public sealed class MigrationListTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task ListAsync_ShowsTheNewState_WhenMigrationChangedSinceTheLastList()
    {
        var wf = _h.Workflow();
        var id = (await wf.CreateAsync("listed.lab.", Alice)).Status!.Id;
        Assert.Equal(MigrationState.Drafted, Assert.Single(await wf.ListAsync()).State);

        // Written through another workflow instance (another request or process): the first one's list must see it.
        Assert.True((await _h.Workflow().PlanAsync(id, Answers, Alice)).IsSuccess);

        var listed = Assert.Single(await wf.ListAsync());
        Assert.Equal((MigrationState.Planned, (await wf.GetStatusAsync(id))!.Version), (listed.State, listed.Version));
    }

    [Fact]
    public async Task ListAsync_ListsNewestFirst_WhenSeveralExist()
    {
        var wf = _h.Workflow();
        await wf.CreateAsync("first.lab.", Alice);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await wf.ListAsync();
        await wf.CreateAsync("second.lab.", Alice);

        Assert.Equal(["second.lab.", "first.lab."], (await wf.ListAsync()).Select(s => s.Zone));
    }
}
