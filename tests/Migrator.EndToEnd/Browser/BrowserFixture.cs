using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>
/// Headless Debian Chromium (/usr/bin/chromium, installed by scripts/setup.d/web.apt) driven by Playwright;
/// no `playwright install`, no network beyond loopback. Tests open their own context per flow.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new FileNotFoundException($"Chromium is required at {ChromiumPath} (apt-get install chromium; scripts/setup.d/web.apt lists it).", ChromiumPath);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh context (own cookies) that fails fast instead of waiting Playwright's default 30 s.</summary>
    public Task<IPage> NewPageAsync(Uri baseAddress) => NewPageAsync(baseAddress, new BrowserNewContextOptions());

    /// <summary>As above with the caller's viewport, time zone and so on; the base address is always set.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, BrowserNewContextOptions options)
    {
        options.BaseURL = baseAddress.ToString();
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}
