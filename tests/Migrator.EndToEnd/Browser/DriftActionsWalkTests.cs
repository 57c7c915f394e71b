using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Tests.Pages;

namespace Migrator.EndToEnd.Browser;

/// <summary>
/// The buttons for drift during the wait (re-sync, accept, check again, withdraw the approval request) and the Settings
/// page in Chromium at 1280 and 390 px: axe, no console error, screenshots. The migration is put into the app's database
/// in the state the page is about (Waited, an approval requested, the latest drift check failed), as the page tests do.
/// </summary>
public sealed class DriftActionsWalkTests(SandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<SandboxAppFixture>, IClassFixture<BrowserFixture>
{
    private DbContextOptions<MigratorDbContext> Database => new DbContextOptionsBuilder<MigratorDbContext>()
        .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(sandbox.App.DataDirectory, "migrator.db"))).Options;

    private sealed class AppDatabase(DbContextOptions<MigratorDbContext> options) : IDbContextFactory<MigratorDbContext>
    {
        public MigratorDbContext CreateDbContext() => new(options);
    }

    private async Task<Guid> WaitedWithDriftAsync(string zone)
    {
        var contexts = new AppDatabase(Database);
        var inventory = MigrationSeed.Zone(zone, 20);
        var plan = MigrationSeed.PlanOf(zone, inventory, MigrationSeed.Route53After(zone, inventory, 300), 300);
        var id = await MigrationSeed.AddAsync(contexts, zone, MigrationState.Waited, DateTimeOffset.UtcNow, inventory, plan, approvalRequestedBy: "operator@sandbox.local");
        await using var db = contexts.CreateDbContext();
        db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.Drift, DateTimeOffset.UtcNow, false,
            $"2 of 23 differ: host4.{zone} A Differ (only old: [198.51.0.5]; only new: [198.51.0.99]); host8.{zone} A MissingOnNew", "[]"));
        await db.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task DriftButtons_AreAccessibleAndWork_AtBothSizes()
    {
        var id = await WaitedWithDriftAsync("drift-walk.example.");
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var errors = PageChecks.WatchErrors(page);
        try
        {
            await PageChecks.SignInAsync(page, "operator@sandbox.local", "Operator-sandbox-1");
            await page.GotoAsync($"/migrations/{id}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "drift-walk.example.", Level = 1 })).ToBeVisibleAsync();
            await PageChecks.WaitInteractiveAsync(page);

            var drift = page.GetByTestId("drift");
            await Assertions.Expect(drift).ToContainTextAsync("2 of 23 differ");
            await Assertions.Expect(drift.GetByTestId("resync")).ToBeVisibleAsync();
            await Assertions.Expect(drift.GetByTestId("drift-accept")).ToBeDisabledAsync();
            await Assertions.Expect(page.GetByTestId("withdraw-approval")).ToHaveTextAsync("Withdraw my approval request");
            await PageChecks.AssertAccessibleAsync(page, "drift buttons");
            await PageChecks.ScreenshotBothSizesAsync(page, "drift-buttons");

            // Re-sync would void the open approval request: the page asks first and names it.
            await drift.GetByTestId("resync").ClickAsync();
            var confirmation = page.GetByTestId("resync-confirmation");
            await Assertions.Expect(confirmation).ToContainTextAsync("the approval request operator@sandbox.local opened");
            await PageChecks.AssertAccessibleAsync(page, "re-sync confirmation");
            await PageChecks.ScreenshotBothSizesAsync(page, "drift-resync-confirmation");

            await page.GetByTestId("resync-confirm").ClickAsync();
            await Assertions.Expect(page.GetByTestId("action-result")).ToContainTextAsync("Resync started in the background");
            // The seeded migration has no hosted zone: the job stops with a reason the page shows live, not an error page.
            await Assertions.Expect(page.GetByTestId("running").Or(page.GetByTestId("blocker")).First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            errors.AssertNone("drift buttons");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDirectory, "failure-drift-buttons.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task SettingsPage_IsAccessibleWithoutConsoleErrors_AtBothSizes()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var errors = PageChecks.WatchErrors(page);
        try
        {
            await PageChecks.SignInAsync(page, "admin@sandbox.local", "Admin-sandbox-1");
            await page.GotoAsync("/settings");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Level = 1 })).ToBeVisibleAsync();
            await PageChecks.WaitInteractiveAsync(page);
            await PageChecks.AssertAccessibleAsync(page, "settings");
            await PageChecks.ScreenshotBothSizesAsync(page, "settings-walk");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            errors.AssertNone("settings");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDirectory, "failure-settings-walk.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
