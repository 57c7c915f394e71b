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

    /// <summary>
    /// How long any page wait or expectation may take. CI runs every test project at once on two cores, where a
    /// Blazor page that renders in 0.3 s alone has taken over 15 s; a generous bound costs nothing when all is well.
    /// Set here, once, because Playwright's expect timeout is process-wide: per-class settings raced each other.
    /// </summary>
    public const int WaitMilliseconds = 60_000;

    /// <summary>
    /// The network rule holds for the browser too. Chromium asks Google's services on its own (form field predictions
    /// from content-autofill.googleapis.com when a test fills a form, accounts.google.com, update.googleapis.com):
    /// captured on the system resolver during clean-clone CI runs, 1,000 queries in five minutes, although background
    /// networking and component updates were off. Every host name now resolves to "not found" inside Chromium, so it
    /// asks no resolver at all; the app is reached by its loopback address, which is never looked up.
    /// </summary>
    public static readonly string[] LaunchArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-domain-reliability", "--no-pings",
        "--disable-client-side-phishing-detection", "--disable-default-apps",
        "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate,DnsOverHttps",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ];

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(WaitMilliseconds);
        if (!File.Exists(ChromiumPath))
            throw new FileNotFoundException($"Chromium is required at {ChromiumPath} (apt-get install chromium; scripts/setup.d/web.apt lists it).", ChromiumPath);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = LaunchArgs,
        });
    }

    /// <summary>A fresh context (own cookies) whose waits are bounded by <see cref="WaitMilliseconds"/>.</summary>
    public Task<IPage> NewPageAsync(Uri baseAddress) => NewPageAsync(baseAddress, new BrowserNewContextOptions());

    /// <summary>As above with the caller's viewport, time zone and so on; the base address is always set.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, BrowserNewContextOptions options)
    {
        options.BaseURL = baseAddress.ToString();
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(WaitMilliseconds);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}
