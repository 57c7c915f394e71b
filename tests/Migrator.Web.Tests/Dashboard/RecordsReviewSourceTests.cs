using Microsoft.EntityFrameworkCore;
using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Dashboard;
using Migrator.Web.Tests.Hosting;
using Migrator.Web.Tests.Pages;

namespace Migrator.Web.Tests.Dashboard;

[Collection(SandboxAppCollection.Name)]
public sealed class RecordsReviewSourceTests(SandboxApp app)
{
    private IDbContextFactory<MigratorDbContext> Contexts => app.Service<IDbContextFactory<MigratorDbContext>>();
    private RecordsReviewSource NewSource() => new(app.Service<MigrationWorkflow>(), Contexts);

    private async Task<Guid> SeedAsync(int records = 40)
    {
        var zone = $"src-{Guid.NewGuid():N}"[..16] + ".example.";
        return await MigrationSeed.AddAsync(Contexts, zone, MigrationState.Inventoried, DateTimeOffset.UtcNow, MigrationSeed.Zone(zone, records));
    }

    [Fact]
    public async Task LoadAsync_ReusesTheBuiltReview_WhenTheMigrationIsUnchanged()
    {
        var id = await SeedAsync();
        var source = NewSource();

        var first = await source.LoadAsync(id);
        var second = await source.LoadAsync(id);

        Assert.NotNull(first?.Review);
        Assert.Same(first, second);
        Assert.Equal(1, source.Builds);
    }

    [Fact]
    public async Task LoadAsync_BuildsAgain_WhenAFindingIsAcceptedMeanwhile()
    {
        var id = await SeedAsync();
        var source = NewSource();
        var before = (await source.LoadAsync(id))!;
        var finding = before.Review!.Findings.First(f => f.Severity == nameof(LintSeverity.Warning));

        var accepted = await app.Service<MigrationWorkflow>().AcceptFindingAsync(id, finding.Key, "known and fine", new MigrationActor("operator@sandbox.local", MigrationRole.Operator));
        var after = (await source.LoadAsync(id))!;

        Assert.True(accepted.IsSuccess, accepted.Message);
        Assert.Equal(2, source.Builds);
        Assert.True(after.Status.Version > before.Status.Version);
        Assert.Equal("known and fine", after.Review!.Findings.Single(f => f.Key == finding.Key).AcceptedReason);
    }

    [Fact]
    public async Task LoadAsync_ReturnsNull_WhenNoMigrationHasTheId()
    {
        Assert.Null(await NewSource().LoadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task LoadAsync_KeepsOnlyTheLastFewReviews_WhenManyMigrationsAreOpened()
    {
        var source = NewSource();
        var ids = new List<Guid>();
        for (var i = 0; i <= RecordsReviewSource.Kept; i++) ids.Add(await SeedAsync(5));
        foreach (var id in ids) await source.LoadAsync(id);

        await source.LoadAsync(ids[^1]);
        Assert.Equal(ids.Count, source.Builds);
        await source.LoadAsync(ids[0]);
        Assert.Equal(ids.Count + 1, source.Builds);
    }

    [Fact]
    public async Task LoadAsync_SaysWhatToDo_WhenTheStoredInventoryCannotBeRead()
    {
        var id = await SeedAsync();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var m = await db.Migrations.SingleAsync(x => x.Id == id);
            db.Entry(m).Property(x => x.InventoryJson).CurrentValue = "[{\"N\":\"two..dots.example.\",\"T\":\"A\",\"L\":60,\"D\":\"192.0.2.1\"}]";
            await db.SaveChangesAsync();
        }

        var load = (await NewSource().LoadAsync(id))!;

        Assert.Null(load.Review);
        Assert.Contains("Run the Inventory step again", load.Error);
    }
}
