using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Web.Components.Shared;
using Migrator.Web.Display;

namespace Migrator.Web.Tests.Dashboard;

public sealed class TimeTextTests
{
    private static readonly DateTimeOffset Due = new(2026, 12, 2, 10, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Split_FindsTheInstant_WhenCoreWroteItInTheUniversalSortableFormat()
    {
        var parts = TimeText.Split($"waiting until {Due:u} (caches of the old TTL expire)");

        Assert.Equal([new TimeTextPart("waiting until ", null), new TimeTextPart(null, Due), new TimeTextPart(" (caches of the old TTL expire)", null)], parts);
    }

    [Fact]
    public void Split_FindsEveryInstant_WhenWrittenAsIso8601WithAnOffsetOrFraction()
    {
        var expires = new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var parts = TimeText.Split($"'ci' …ab12, expires {expires:O}, made at {Due:u}");

        Assert.Equal([expires, Due], parts.Where(p => p.At is not null).Select(p => p.At!.Value));
        Assert.Equal("'ci' …ab12, expires , made at ", string.Concat(parts.Select(p => p.Text)));
    }

    [Fact]
    public void Split_FindsTheInstant_WhenAColonFollowsIt()
    {
        var parts = TimeText.Split($"old and new differ (drift check at {Due:u}: 2 of 23 differ)");

        Assert.Equal([new TimeTextPart("old and new differ (drift check at ", null), new TimeTextPart(null, Due), new TimeTextPart(": 2 of 23 differ)", null)], parts);
    }

    [Theory]
    [InlineData("no time here")]
    [InlineData("serial 2026120101, plan abcdef012345")]
    [InlineData("a date alone: 2026-12-02, a clock alone: 10:15:00")]
    [InlineData("a time without a zone 2026-12-02 10:15:00 is not read as UTC")]
    public void Split_LeavesTheMessageWhole_WhenItHoldsNoUtcInstant(string message) =>
        Assert.Equal([new TimeTextPart(message, null)], TimeText.Split(message));

    [Fact]
    public async Task TimedText_ShowsTheInstantInTheViewersZoneWithUtcOnHover_WhenTheBrowserToldItsZone()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddScoped<ViewerTimeZone>();
        ctx.JSInterop.Setup<string?>("migrator.timeZone").SetResult("Asia/Tokyo");

        var cut = ctx.Render<TimedText>(p => p.Add(c => c.Text, $"verification is due at {Due:u}; then the soak"));

        cut.WaitForAssertion(() => Assert.Equal("verification is due at 2026-12-02 19:15; then the soak", cut.Markup.Contains("<time", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(cut.Markup, "<[^>]+>", "") : ""), TimeSpan.FromSeconds(10));
        var time = cut.Find("time");
        Assert.Equal("2026-12-02 10:15:00 UTC (shown in Asia/Tokyo)", time.GetAttribute("title"));
        Assert.Equal("2026-12-02T10:15:00Z", time.GetAttribute("datetime"));
    }
}
