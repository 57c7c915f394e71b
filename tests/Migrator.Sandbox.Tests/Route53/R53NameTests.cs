using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Tests.Route53;

public sealed class R53NameTests
{
    [Theory]
    [InlineData("WWW.Example.COM", "www.example.com.")]
    [InlineData("*.example.com.", "\\052.example.com.")]
    [InlineData("\\052.example.com", "\\052.example.com.")]
    [InlineData("under_score-dash.example.com", "under_score-dash.example.com.")]
    [InlineData("a\\.b.example.com", "a\\056b.example.com.")]
    [InlineData("a\\@b.example.com", "a\\100b.example.com.")]
    public void Text_IsLowercaseAbsoluteAndOctalEscaped(string input, string expected) =>
        Assert.Equal(expected, R53Name.Parse(input).Text);

    [Fact]
    public void SortKey_OrdersDashBeforeDot_LikeRoute53()
    {
        var names = new[] { "a.example.com", "a-b.example.com", "example.com", "b.a.example.com", "aa.example.com" }
            .Select(R53Name.Parse).OrderBy(n => n.SortKey, StringComparer.Ordinal).Select(n => n.Text);
        Assert.Equal(["example.com.", "a-b.example.com.", "a.example.com.", "b.a.example.com.", "aa.example.com."], names);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("has space.example.com")]
    [InlineData("")]
    public void TryParse_Fails_WhenNameIsMalformed(string input) => Assert.False(R53Name.TryParse(input, out _, out _));

    [Fact]
    public void TryParse_Fails_WhenLabelExceeds63Octets() => Assert.False(R53Name.TryParse(new string('a', 64) + ".com", out _, out _));

    [Fact]
    public void IsSubdomainOf_IsLabelWise_NotSuffixWise()
    {
        Assert.True(R53Name.Parse("www.example.com").IsSubdomainOf(R53Name.Parse("example.com")));
        Assert.True(R53Name.Parse("example.com").IsSubdomainOf(R53Name.Parse("example.com")));
        Assert.False(R53Name.Parse("www.badexample.com").IsSubdomainOf(R53Name.Parse("example.com")));
    }
}
