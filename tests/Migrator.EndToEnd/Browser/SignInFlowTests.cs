using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>One sandbox app process shared by the browser flows of a test class.</summary>
public sealed class SandboxAppFixture : IAsyncLifetime
{
    public WebAppProcess App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await WebAppProcess.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class SignInFlowTests(SandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<SandboxAppFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Operator_SignsInWithDemoAccountAndDraftsMigration_OnMigrationsPage()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress);
        try
        {
            await page.GotoAsync("/migrations");
            Assert.EndsWith("/account/signin?ReturnUrl=%2Fmigrations", page.Url);
            await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToContainTextAsync("Sandbox mode");

            // Credentials as a newcomer finds them: in the demo accounts table of the sign-in page.
            var operatorRow = page.GetByTestId("demo-accounts").Locator("tr", new() { HasText = "Operator" });
            var email = await operatorRow.Locator("td").Nth(1).InnerTextAsync();
            var password = await operatorRow.Locator("td").Nth(2).InnerTextAsync();
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/migrations");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Migrations", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("operator@sandbox.local");
            await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("migrations-empty")).ToContainTextAsync("No migrations yet");

            // Through the interactive (SignalR) circuit: type a zone, press the button, see the row.
            await page.Locator("#zone-name").FillAsync("browser-flow.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("draft-message")).ToContainTextAsync("Drafted a migration for browser-flow.example.");
            var row = page.GetByTestId("migrations-table").Locator("tr", new() { HasText = "browser-flow.example." });
            await Assertions.Expect(row).ToContainTextAsync("Drafted");
            await Assertions.Expect(row).ToContainTextAsync("operator@sandbox.local");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "migrator-signin-flow-failure.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Admin_ReachesEveryPageThroughNavigation_WithoutCircuitErrors()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress);
        try
        {
            await page.GotoAsync("/account/signin");
            await page.GetByLabel("Email").FillAsync("admin@sandbox.local");
            await page.GetByLabel("Password").FillAsync("Admin-sandbox-1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Migrations", Level = 1 })).ToBeVisibleAsync();

            foreach (var (link, heading) in new[] { ("Zones", "Zones"), ("Approvals", "Approvals"), ("Audit", "Audit log"), ("Settings", "Settings"), ("Migrations", "Migrations") })
            {
                await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();
            }

            await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("settings-mode")).ToHaveTextAsync("Sandbox");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "migrator-settings.png"), FullPage = true });
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "migrator-admin-nav-failure.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
