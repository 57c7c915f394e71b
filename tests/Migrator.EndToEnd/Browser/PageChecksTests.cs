using Microsoft.Playwright;

namespace Migrator.EndToEnd.Browser;

/// <summary>The checks every page goes through can fail: a page wider than the phone is named with what sticks out.</summary>
public sealed class PageChecksTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AssertNoSidewaysScroll_NamesTheElement_WhenAFieldIsWiderThanThePhone()
    {
        var page = await browser.NewPageAsync(new Uri("http://127.0.0.1/"), new() { ViewportSize = PageChecks.Phone });
        try
        {
            await page.SetContentAsync("<main><p>fits</p><div id='wide' style='min-width:28rem'>KMS key</div></main>");
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => PageChecks.AssertNoSidewaysScrollAsync(page, "crafted"));
            Assert.Contains("wider than the 390px phone", failure.Message);
            Assert.Contains("id=\"wide\"", failure.Message);

            await page.SetContentAsync("<main><p>fits</p><div style='min-width:min(28rem, 100%)'>KMS key</div></main>");
            await PageChecks.AssertNoSidewaysScrollAsync(page, "crafted");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
