using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>
/// A link followed before the page's Blazor circuit is up must stay followed. Two CI runs failed because such a click
/// was undone: blazor.web.js's enhanced navigation fetched and showed the new page, then the circuit that had been
/// starting for the old address came up and rendered the old page over it. A person on a slow connection sees the same
/// jump back. The test makes the race certain instead of likely: it holds the circuit's negotiation until the click
/// has been followed, then lets it through.
/// </summary>
public sealed class EarlyClickTests(SandboxAppFixture sandbox, BrowserFixture browser) : IClassFixture<SandboxAppFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task LinkClickedBeforeTheCircuitStarts_StaysOnTheNewPage_WhenTheCircuitComesUp()
    {
        var page = await browser.NewPageAsync(sandbox.App.BaseAddress, new() { ViewportSize = PageChecks.Desktop });
        var errors = PageChecks.WatchErrors(page);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        try
        {
            await PageChecks.SignInAsync(page, "operator@sandbox.local", "Operator-sandbox-1");

            // From here on the circuit's websocket goes through the test: the client's StartCircuit reaches the server
            // at once, but what the server sends back (the first render, the router's interception) waits for the click.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), ws =>
            {
                // Each socket holds its own frames: the page load the click causes opens a second circuit socket, and its
                // frames must be released to it, not to the first page's socket.
                var queued = new List<IWebSocketFrame>();
                var holding = true;
                var server = ws.ConnectToServer();
                var fromServer = 0;
                ws.OnMessage(frame =>
                {
                    if (Contains(frame, "StartCircuit")) started.TrySetResult();
                    Forward(server, frame);
                });
                server.OnMessage(frame =>
                {
                    lock (queued)
                    {
                        // The first answer is SignalR's handshake; everything after it is held while holding.
                        if (holding && fromServer++ > 0) { queued.Add(frame); Interlocked.Increment(ref held); return; }
                    }
                    Forward(ws, frame);
                });
                _ = release.Task.ContinueWith(_ =>
                {
                    lock (queued)
                    {
                        holding = false;
                        foreach (var frame in queued) Forward(ws, frame);
                        queued.Clear();
                    }
                }, TaskScheduler.Default);
            });
            await page.GotoAsync("/zones");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Zones", Level = 1 })).ToBeVisibleAsync();
            await started.Task.WaitAsync(TimeSpan.FromMilliseconds(BrowserFixture.WaitMilliseconds));
            Assert.Equal(0, await page.Locator("[data-interactive=true]").CountAsync());

            await page.GetByRole(AriaRole.Link, new() { Name = "Approvals", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals", Level = 1 })).ToBeVisibleAsync();
            Assert.True(Volatile.Read(ref held) > 0, "no message of the circuit was held, so this test did not race anything");

            release.SetResult();
            await PageChecks.WaitInteractiveAsync(page);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Zones", Level = 1 })).ToHaveCountAsync(0);
            Assert.EndsWith("/approvals", new Uri(page.Url).AbsolutePath);

            // And the circuit that came up works: the next click is handled by the interactive router.
            await page.GetByRole(AriaRole.Link, new() { Name = "Zones", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Zones", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            errors.AssertNone("early click");
        }
        catch
        {
            release.TrySetResult();
            await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDirectory, "failure-early-click.png"), FullPage = true });
            throw;
        }
        finally
        {
            release.TrySetResult();
            await page.Context.CloseAsync();
        }
    }

    private static bool Contains(IWebSocketFrame frame, string text) =>
        frame.Text?.Contains(text, StringComparison.Ordinal) == true
        || (frame.Binary is { } bytes && System.Text.Encoding.ASCII.GetString(bytes).Contains(text, StringComparison.Ordinal));

    private static void Forward(IWebSocketRoute to, IWebSocketFrame frame)
    {
        if (frame.Binary is { } bytes) to.Send(bytes);
        else to.Send(frame.Text ?? "");
    }
}
