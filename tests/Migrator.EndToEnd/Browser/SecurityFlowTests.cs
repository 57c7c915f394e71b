using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>Findings 6 and 10 against the real process and Chromium: pages work under the CSP; logs appear from any working directory.</summary>
public sealed class SecurityFlowTests(SandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<SandboxAppFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Pages_WorkWithoutCspViolations_WhenAdminSignsInAndUsesTheCircuit()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                lock (violations) violations.Add(message.Text);
        };
        try
        {
            var response = await page.GotoAsync("/account/signin");
            Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"]);
            await page.GetByLabel("Email").FillAsync("admin@sandbox.local");
            await page.GetByLabel("Password").FillAsync("Admin-sandbox-1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

            await page.GotoAsync("/migrations");
            await PageChecks.WaitInteractiveAsync(page); // text typed into the prerendered field is gone once the circuit renders it
            await page.Locator("#zone-name").FillAsync("csp-check.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("draft-message")).ToContainTextAsync("csp-check.example");

            foreach (var path in new[] { "/zones", "/audit", "/settings", "/hangfire" })
            {
                var answer = await page.GotoAsync(path);
                Assert.True(answer!.Ok, $"{path} answered {answer.Status}");
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            }
            lock (violations) Assert.True(violations.Count == 0, string.Join("\n", violations));
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "migrator-csp-failure.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Start_WritesSerilogLines_WhenStartedFromAnotherWorkingDirectory()
    {
        var elsewhere = Directory.CreateTempSubdirectory("migrator-cwd-").FullName;
        try
        {
            await using var app = await WebAppProcess.StartAsync(workingDirectory: elsewhere);
            Assert.Matches(new Regex(@"\[\d\d:\d\d:\d\d INF\] \S+: ", RegexOptions.Multiline), app.Output);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
