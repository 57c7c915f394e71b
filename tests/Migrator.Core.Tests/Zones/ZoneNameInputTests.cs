namespace Migrator.Core.Tests.Zones;

/// <summary>Finding 8: names from people are checked before any work, converted to A-labels, never echoed at length.</summary>
public sealed class ZoneNameInputTests
{
    [Theory]
    [InlineData("bücher.de", "xn--bcher-kva.de", "bücher.de")]
    [InlineData("BÜCHER.de.", "xn--bcher-kva.de", "bücher.de")]
    [InlineData("Example.COM", "example.com", "example.com")]
    [InlineData("_dmarc-ok.example", "_dmarc-ok.example", "_dmarc-ok.example")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de", "bücher.de")]
    public void TryCheck_GivesALabelAndUnicodeForms_WhenNameValid(string input, string ascii, string unicode)
    {
        Assert.True(Migrator.Core.Zones.ZoneNameInput.TryCheck(input, out var check, out var error), error);
        Assert.Equal(ascii, check!.Ascii);
        Assert.Equal(unicode, check.Unicode);
        Assert.Equal(ascii + ".", check.Name.ToLowerString());
    }

    [Theory]
    [InlineData("a.*.example.com", "'*'")]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("bad\u0000name.example", "U+0000")]
    [InlineData("evil\u202Emoc.example", "U+202E")]
    [InlineData("zero\u200Bwidth.example", "U+200B")]
    [InlineData("two..dots.example", "empty label")]
    [InlineData("esc\\046aped.example", "backslash")]
    [InlineData("", "required")]
    [InlineData(".", "root")]
    public void TryCheck_RefusesWithClearMessage_WhenNameBad(string input, string expected)
    {
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(input, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryCheck_RefusesWithoutEchoingIt_WhenNameIsMegabytes()
    {
        var huge = new string('a', 20 * 1024 * 1024);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(huge, out _, out var error));
        Assert.True(error.Length < 200, error.Length > 200 ? error[..200] : error);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(new string('b', 64) + ".example", out _, out error));
        Assert.Contains("limit is 63", error);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(string.Join('.', Enumerable.Repeat(new string('c', 60), 5)), out _, out error));
        Assert.Contains("at most 253", error);
        Assert.True(error.Length < 300);
    }
}
