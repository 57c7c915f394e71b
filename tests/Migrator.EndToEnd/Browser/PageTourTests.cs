using System.Globalization;
using System.Net;
using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>Every page of the dashboard in Chromium: reachable, accessible (axe), free of console errors, screenshotted at both sizes.</summary>
public sealed class PageTourTests(SandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<SandboxAppFixture>, IClassFixture<BrowserFixture>
{

    private const string AdminEmail = "admin@sandbox.local";
    private const string AdminPassword = "Admin-sandbox-1";

    public static readonly (string Path, string Heading, string Name)[] AdminPages =
    [
        ("/migrations", "Migrations", "migrations"),
        ("/zones", "Zones", "zones"),
        ("/approvals", "Approvals", "approvals"),
        ("/audit", "Audit log", "audit"),
        ("/tokens", "API tokens", "tokens"),
        ("/users", "Users", "users"),
        ("/settings", "Settings", "settings"),
    ];

    [Fact]
    public async Task EveryPage_HasNoSeriousAccessibilityViolationOrConsoleError_AtBothSizes()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var errors = PageChecks.WatchErrors(page);
        try
        {
            await page.GotoAsync("/account/signin");
            await PageChecks.AssertAccessibleAsync(page, "sign-in");
            await PageChecks.ScreenshotBothSizesAsync(page, "signin");

            await PageChecks.SignInAsync(page, AdminEmail, AdminPassword);
            foreach (var (path, heading, name) in AdminPages)
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                await PageChecks.WaitInteractiveAsync(page);
                await PageChecks.AssertAccessibleAsync(page, name);
                await PageChecks.ScreenshotBothSizesAsync(page, name);
                await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            }
            // A migration's own page, reached as a newcomer would: draft one, open it from the list.
            await page.GotoAsync("/migrations");
            await PageChecks.WaitInteractiveAsync(page);
            await page.Locator("#zone-name").FillAsync("tour.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "tour.example." }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "tour.example.", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("detail-state")).ToHaveTextAsync("Drafted");
            await Assertions.Expect(page.GetByTestId("lifecycle").Locator("[aria-current=true]")).ToContainTextAsync("Drafted");
            await PageChecks.WaitInteractiveAsync(page);
            await PageChecks.AssertAccessibleAsync(page, "migration detail");
            await PageChecks.ScreenshotBothSizesAsync(page, "migration-detail");
            await page.GotoAsync("/migrations");
            await PageChecks.WaitInteractiveAsync(page);
            await PageChecks.AssertAccessibleAsync(page, "migrations with a row");
            await PageChecks.ScreenshotBothSizesAsync(page, "migrations-list");

            errors.AssertNone("admin page tour");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDirectory, "failure-page-tour.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Navigation_FocusesHeadingWithoutOutline_WhenLinkClicked()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        try
        {
            await PageChecks.SignInAsync(page, AdminEmail, AdminPassword);
            await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
            var heading = page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 });
            await Assertions.Expect(heading).ToBeFocusedAsync();
            Assert.Equal("none", await heading.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle"));

            // Keyboard users still move on from the heading into the page.
            await page.Keyboard.PressAsync("Tab");
            Assert.NotEqual("H1", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AuditTimes_ShowViewersTimeZoneWithUtcOnHover_InTokyo()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop, TimezoneId = "Asia/Tokyo" });
        try
        {
            await PageChecks.SignInAsync(page, AdminEmail, AdminPassword);
            // The pages loaded so far left the zone in a cookie, so the server renders the audit page in Tokyo time from
            // the start, before any circuit exists: the HTML as fetched, no script run, says so.
            var cookies = await page.Context.CookiesAsync();
            Assert.Contains(cookies, c => c.Name == "migrator-tz" && c.Value == "Asia/Tokyo");
            var prerendered = await (await page.Context.APIRequest.GetAsync("/audit")).TextAsync();
            Assert.Matches(@"title=""[0-9: -]+ UTC \(shown in Asia/Tokyo\)""", prerendered);

            await page.GotoAsync("/audit");
            await PageChecks.WaitInteractiveAsync(page);
            var first = page.GetByTestId("audit-table").Locator("time.when").First;
            // Once the circuit knows the zone the text loses its "UTC" label and the hover names the zone.
            await Assertions.Expect(first).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"UTC \(shown in Asia/Tokyo\)$"));
            var utc = DateTimeOffset.Parse(await first.GetAttributeAsync("datetime") ?? "", CultureInfo.InvariantCulture);
            var tokyo = utc.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            await Assertions.Expect(first).ToHaveTextAsync(tokyo);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AuditExport_ReturnsCsvOfFilteredEvents_ForSignedInUser()
    {
        var cookies = new CookieContainer();
        using var http = AppClient.Create(sandbox.App.BaseAddress, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/audit/export.csv")).StatusCode);

        await AppClient.SignInAsync(http, AdminEmail, AdminPassword);
        var response = await http.GetAsync($"/audit/export.csv?actor={Uri.EscapeDataString(AdminEmail)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at_utc,actor,action,target,details", lines[0]);
        Assert.Contains(lines, l => l.Contains(",admin@sandbox.local,sign-in succeeded,", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Contains(",admin@sandbox.local,", l));
    }
}
