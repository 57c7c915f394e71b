using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>
/// The app in sandbox mode with the world's TTLs in single seconds, so a whole migration and a rollback take a couple
/// of minutes of real time (the same world as `dotnet run`, only faster clocks in its zones).
/// </summary>
public sealed class FastSandboxAppFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["Migrator__Sandbox__World__DelegationTtl"] = "4",
        ["Migrator__Sandbox__World__RecordTtl"] = "3",
        ["Migrator__Sandbox__World__NegativeTtl"] = "2",
        ["Migrator__Sandbox__World__IspTtlFloor"] = "6",
    };

    public WebAppProcess App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await WebAppProcess.StartAsync(environment: Environment);

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The browser flow, as people do it: an Operator drafts shop.example, confirms the prefilled plan, imports it,
/// accepts the findings, lowers the TTLs and asks for approval (and cannot approve it); an Approver approves; the
/// Operator cuts over and the page follows live; the propagation chart fills with measured points; the Operator rolls
/// back and the page shows the old delegation verified. Axe and screenshots at every page on the way.
/// </summary>
public sealed class MigrationFlowTests(FastSandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<FastSandboxAppFixture>, IClassFixture<BrowserFixture>
{
    // Generous: a loaded machine can take many seconds to open a Blazor circuit; the condition, not the clock, ends each wait.

    /// <summary>Background steps and timed waits (5 × a few seconds, Hangfire's 1 s polling) on a shared machine.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 180_000 };

    [Fact]
    public async Task ShopExample_MigratesAndRollsBack_ThroughTheBrowserWithoutAccessibilityViolations()
    {
        var clock = Stopwatch.StartNew();
        var operatorPage = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var approverPage = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var operatorErrors = PageChecks.WatchErrors(operatorPage);
        var approverErrors = PageChecks.WatchErrors(approverPage);
        var page = operatorPage;
        try
        {
            // Operator: draft shop.example from the Migrations page and open it.
            await PageChecks.SignInAsync(page, "operator@sandbox.local", "Operator-sandbox-1");
            await page.Locator("#zone-name").FillAsync("shop.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "shop.example." }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "shop.example.", Level = 1 })).ToBeVisibleAsync();
            await PageChecks.WaitInteractiveAsync(page);
            var detailUrl = page.Url;
            await Checkpoint(page, "flow-1-drafted-plan-form");

            // The plan is prefilled for the sandbox world: confirm it.
            await Assertions.Expect(page.GetByTestId("plan-prefilled")).ToContainTextAsync("sandbox world");
            await page.GetByTestId("plan-save").ClickAsync();
            await ExpectState(page, "Planned");

            // Import: Inventory reads the old zone by AXFR; findings are reviewed and accepted with a reason.
            await RunNextStep(page, "Inventory", "Inventoried");
            var accept = page.GetByTestId("findings").GetByRole(AriaRole.Button, new() { Name = "Accept" });
            if (await accept.CountAsync() > 0)
            {
                await Checkpoint(page, "flow-2-findings");
                await page.Locator("#finding-reason").FillAsync("Reviewed for the demo: served the same by Route 53");
                while (await accept.CountAsync() > 0)
                {
                    var before = await accept.CountAsync();
                    await accept.First.ClickAsync();
                    await Assertions.Expect(accept).ToHaveCountAsync(before - 1);
                }
            }
            await Checkpoint(page, "flow-2-inventoried");

            await RunNextStep(page, "Rehearse", "Rehearsed");
            await RunNextStep(page, "LowerTtls", "TtlLowered");
            await Checkpoint(page, "flow-3-ttl-lowered-waiting");
            await ExpectState(page, "Waited", Slow);

            // Request approval; the requester is told why they cannot approve.
            await page.GetByRole(AriaRole.Button, new() { Name = "Request approval" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("why-not-approve")).ToContainTextAsync("You requested this approval");
            await Assertions.Expect(page.GetByTestId("approve")).ToHaveCountAsync(0);
            await Checkpoint(page, "flow-4-approval-requested");

            // Approver: the inbox lists it; the migration page offers Approve.
            page = approverPage;
            await PageChecks.SignInAsync(page, "approver@sandbox.local", "Approver-sandbox-1");
            await page.GotoAsync("/approvals");
            await PageChecks.WaitInteractiveAsync(page);
            await Checkpoint(page, "flow-5-approvals-inbox");
            // The inbox links to the migration's page. It is opened by that address rather than by a click: once in CI a
            // click right after the screenshots' viewport changes was lost, and the page stayed on the inbox for 60 s.
            // Likely the early-click race EarlyClickTests now pins down (fixed by starting Blazor without enhanced
            // navigation); what this flow checks is the link's target and the approver's page.
            var inboxLink = page.GetByTestId("approvals-table").GetByRole(AriaRole.Link, new() { Name = "shop.example." });
            await Assertions.Expect(inboxLink).ToBeVisibleAsync();
            var href = Assert.IsType<string>(await inboxLink.GetAttributeAsync("href"));
            Assert.Equal(detailUrl, new Uri(new Uri(page.Url), href).ToString());
            await page.GotoAsync(href);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "shop.example.", Level = 1 })).ToBeVisibleAsync();
            await PageChecks.WaitInteractiveAsync(page);
            Assert.Equal(detailUrl, page.Url);
            await Checkpoint(page, "flow-5-approver-detail");
            await page.GetByTestId("approve").ClickAsync();
            await ExpectState(page, "Approved");

            // Operator: their open page follows the approval live, then cuts over and watches it.
            page = operatorPage;
            await ExpectState(page, "Approved");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cut over now" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("detail-state")).ToHaveTextAsync(new Regex("^(Approved|CutOver|Verified|Soaked)$"));
            await ExpectState(page, new Regex("^(CutOver|Verified|Soaked)$"), Slow);
            await Checkpoint(page, "flow-6-cut-over");

            // The propagation chart shows measured points (the verification's and the soak's samples).
            await Assertions.Expect(page.GetByTestId("chart-measured").First).ToBeVisibleAsync(new() { Timeout = 180_000 });
            await Assertions.Expect(page.GetByTestId("chart-expected")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("propagation-summary")).ToContainTextAsync("of the parent's servers showed the new delegation");
            await Checkpoint(page, "flow-7-propagation");

            // Rollback: the reason, the confirmation, then the old delegation verified on the page.
            await page.Locator("#rollback-reason").FillAsync("Demo: putting the old provider back");
            await page.GetByTestId("rollback-start").ClickAsync();
            await page.GetByTestId("rollback-confirm").ClickAsync();
            await ExpectState(page, "RolledBack", Slow);
            await Assertions.Expect(page.GetByTestId("rollback-verification")).ToContainTextAsync("Old delegation verified", new() { Timeout = 180_000 });
            await Assertions.Expect(page.GetByTestId("parent-now")).ToContainTextAsync("ns1.oldhost.example.");
            await Checkpoint(page, "flow-8-rolled-back");

            await page.GotoAsync("/audit");
            await PageChecks.WaitInteractiveAsync(page);
            await Checkpoint(page, "flow-9-audit");

            operatorErrors.AssertNone("operator's flow");
            approverErrors.AssertNone("approver's flow");
            Console.WriteLine($"browser flow: shop.example drafted → rolled back and verified in {clock.Elapsed.TotalSeconds:0} s");
        }
        catch (Exception failure)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDirectory, "failure-migration-flow.png"), FullPage = true });
            // What the person would have read on the page (the blocker, the last command's answer, a running step) and
            // what the app logged: a CI log keeps only text, so the reason must be in the failure message itself.
            throw new Exception($"{failure.Message}\n--- the page said:\n{await PageChecks.DescribeAsync(page, DiagnosticTestIds)}\n"
                + $"--- the app's last warnings and errors:\n{PageChecks.LogTail(sandbox.App.Output, 40)}", failure);
        }
        finally
        {
            await operatorPage.Context.CloseAsync();
            await approverPage.Context.CloseAsync();
        }
    }

    private static readonly string[] DiagnosticTestIds = ["detail-state", "blocker", "action-result", "page-error", "running", "live-progress", "drift"];

    private static async Task Checkpoint(IPage page, string name)
    {
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await PageChecks.AssertAccessibleAsync(page, name);
        await PageChecks.ScreenshotBothSizesAsync(page, name);
    }

    private static Task ExpectState(IPage page, string state, LocatorAssertionsToHaveTextOptions? options = null) =>
        Assertions.Expect(page.GetByTestId("detail-state")).ToHaveTextAsync(state, options);

    private static Task ExpectState(IPage page, Regex state, LocatorAssertionsToHaveTextOptions? options = null) =>
        Assertions.Expect(page.GetByTestId("detail-state")).ToHaveTextAsync(state, options);

    private static async Task RunNextStep(IPage page, string step, string reached)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Run next step: {step}" }).ClickAsync();
        await ExpectState(page, reached, Slow);
    }
}
