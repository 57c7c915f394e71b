using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>What every page of the dashboard must pass in a real browser: axe, no console or page errors, screenshots for people.</summary>
public static class PageChecks
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>artifacts/screenshots/ at the repository root (ignored by git), created on first use.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Migrator.sln"))) dir = dir.Parent;
            var root = dir?.FullName ?? Path.GetTempPath();
            return Directory.CreateDirectory(Path.Combine(root, "artifacts", "screenshots")).FullName;
        }
    }

    public static async Task SignInAsync(IPage page, string email, string password, string landingHeading = "Migrations")
    {
        await page.GotoAsync("/account/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = landingHeading, Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync(page);
    }

    /// <summary>Until the page's circuit runs (MainLayout marks it): before that, clicks reach prerendered HTML only.</summary>
    public static async Task WaitInteractiveAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"\S"));
    }

    /// <summary>Collects console errors and uncaught page errors from now on; assert with <see cref="ErrorLog.AssertNone"/>.</summary>
    public static ErrorLog WatchErrors(IPage page)
    {
        var log = new ErrorLog();
        page.Console += (_, message) => { if (message.Type == "error") log.Add($"console: {message.Text} ({message.Location} on {page.Url})"); };
        page.PageError += (_, error) => log.Add($"page error: {error}");
        return log;
    }

    /// <summary>The visible text of each element with one of these test ids, one line each, for a failure message.</summary>
    public static async Task<string> DescribeAsync(IPage page, IEnumerable<string> testIds)
    {
        var lines = new List<string> { $"url: {page.Url}" };
        foreach (var id in testIds)
        {
            try
            {
                foreach (var text in await page.GetByTestId(id).AllInnerTextsAsync())
                    lines.Add($"{id}: {string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))}");
            }
            catch (PlaywrightException e) { lines.Add($"{id}: (unreadable: {e.Message.Split('\n')[0]})"); }
        }
        return string.Join("\n", lines);
    }

    /// <summary>The last <paramref name="count"/> lines of an app's log that are warnings, errors or exceptions.</summary>
    public static string LogTail(string output, int count)
    {
        var lines = output.Split('\n').Where(l => l.Contains("WRN") || l.Contains("ERR") || l.Contains("FTL") || l.Contains("fail:")
            || l.Contains("warn:") || l.Contains("Exception") || l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        return lines.Count == 0 ? "(none)" : string.Join("\n", lines.TakeLast(count));
    }

    /// <summary>Runs axe on the page as it is now; fails on any serious or critical violation, listing each with its nodes.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: axe found {bad.Count} serious/critical violation(s):\n" + string.Join("\n", bad.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"- {v.Id} ({v.Impact}): {v.Help}\n" + string.Join("\n", v.Nodes.Take(5).Select(n =>
            $"    {n.Target}: {n.Html} — {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}"));

    /// <summary>Full-page screenshots at 1280×800 and 390 px wide, named artifacts/screenshots/{name}-{width}.png.</summary>
    public static async Task ScreenshotBothSizesAsync(IPage page, string name)
    {
        foreach (var size in new[] { Desktop, Phone })
        {
            await ResizeAsync(page, size);
            if (size == Phone) await AssertNoSidewaysScrollAsync(page, name);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, $"{name}-{size.Width}.png"), FullPage = true });
        }
        await ResizeAsync(page, Desktop);
    }

    /// <summary>
    /// On a phone the page must fit its width: nothing pushes it sideways (a wide table scrolls inside its own box).
    /// Names the outermost elements that stick out, if any.
    /// </summary>
    public static async Task AssertNoSidewaysScrollAsync(IPage page, string name)
    {
        var wide = await page.EvaluateAsync<string[]>("""
            () => {
              const limit = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth <= limit) return [];
              const out = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > limit + 1
                && !(e.parentElement && e.parentElement.getBoundingClientRect().right > limit + 1));
              return out.slice(0, 5).map(e => `${Math.round(e.getBoundingClientRect().right)}px: ${e.outerHTML.slice(0, 160)}`);
            }
            """);
        Assert.True(wide.Length == 0, $"{name}: the page is wider than the {Phone.Width}px phone; sticking out:\n" + string.Join("\n", wide));
    }

    /// <summary>
    /// Sets the viewport and waits until the layout has followed: MudBlazor hears the resize in the browser (throttled),
    /// tells the server, and the server opens or closes the responsive drawer (open from the Md breakpoint, 960 px, up),
    /// which then slides with a CSS transition that moves the whole page. A click or a screenshot before that lands on
    /// a page still moving under it (a click right after the screenshots was lost twice in CI).
    /// </summary>
    public static async Task ResizeAsync(IPage page, ViewportSize size)
    {
        await page.SetViewportSizeAsync(size.Width, size.Height);
        await page.WaitForFunctionAsync("""
            width => {
              if (window.innerWidth !== width) return false;
              const drawer = document.querySelector('.mud-drawer');
              if (drawer && drawer.classList.contains('mud-drawer--open') !== (width >= 960)) return false;
              return document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running');
            }
            """, size.Width);
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    }
}

public sealed class ErrorLog
{
    private readonly List<string> errors = [];

    public void Add(string error) { lock (errors) errors.Add(error); }

    public void AssertNone(string where)
    {
        lock (errors) Assert.True(errors.Count == 0, $"{where}: {string.Join("\n", errors)}");
    }
}
