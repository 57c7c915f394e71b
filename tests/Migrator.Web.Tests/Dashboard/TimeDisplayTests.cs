using Migrator.Web.Display;

namespace Migrator.Web.Tests.Dashboard;

public sealed class TimeDisplayTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 23, 10, 31, TimeSpan.Zero);

    [Fact]
    public void Local_ShowsUtcWithLabel_WhenZoneUnknown() =>
        Assert.Equal("2026-12-01 23:10 UTC", TimeDisplay.Local(At, null));

    [Fact]
    public void Local_ConvertsToViewersZone_WhenZoneKnown() =>
        Assert.Equal("2026-12-02 08:10", TimeDisplay.Local(At, TimeDisplay.FindZone("Asia/Tokyo")));

    [Fact]
    public void UtcTitle_NamesExactUtcInstantAndZone_WhenZoneKnown() =>
        Assert.Equal("2026-12-01 23:10:31 UTC (shown in Europe/Berlin)", TimeDisplay.UtcTitle(At, TimeDisplay.FindZone("Europe/Berlin")));

    [Fact]
    public void FindZone_ReturnsNull_WhenBrowserSendsUnknownName() => Assert.Null(TimeDisplay.FindZone("Mars/Olympus_Mons"));

    [Theory]
    [InlineData(0.4, "due now")]
    [InlineData(42, "in 42 s")]
    [InlineData(245, "in 4 min 05 s")]
    [InlineData(7800, "in 2 h 10 min")]
    [InlineData(-90, "overdue by 1 min 30 s")]
    [InlineData(200_000, "in 2 d 7 h")]
    public void Until_ReadsAsCountdown_ForSecondsLeft(double seconds, string expected) =>
        Assert.Equal(expected, TimeDisplay.Until(At.AddSeconds(seconds), At));
}
