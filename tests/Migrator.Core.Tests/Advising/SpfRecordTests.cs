using Migrator.Core.Advising;

namespace Migrator.Core.Tests.Advising;

public class SpfRecordTests
{
    [Theory]
    [InlineData("v=spf1 -all", 0)]
    [InlineData("v=spf1 mx a:mail.example.com/24//64 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all", 3)]
    [InlineData("v=spf1 exists:%{i}._spf.%{d} redirect=_spf.example.com", 2)]
    [InlineData("V=SPF1 MX -ALL", 1)]
    public void Parse_AcceptsValidRecords_AndCountsQueryingTerms(string text, int lookups)
    {
        var spf = SpfRecord.Parse(text);

        Assert.Empty(spf.Errors);
        Assert.Equal(lookups, spf.LocalLookupCount);
    }

    [Theory]
    [InlineData("v=spf1 ipv4:192.0.2.1 -all", "not a known mechanism")]
    [InlineData("v=spf1 ip4:192.0.2.300 -all", "not an IPv4 address")]
    [InlineData("v=spf1 ip4:192.0.2.0/33 -all", "prefix length")]
    [InlineData("v=spf1 ip6:192.0.2.1 -all", "not an IPv6 address")]
    [InlineData("v=spf1 include: -all", "empty domain")]
    [InlineData("v=spf1 include -all", "needs ':domain'")]
    [InlineData("v=spf1 a:example.com/40 -all", "bad IPv4 CIDR")]
    [InlineData("v=spf1 exists:%{z}.example.com -all", "unknown macro letter")]
    [InlineData("v=spf1 redirect=a.example.com redirect=b.example.com", "more than once")]
    [InlineData("v=spf1 include:localhost -all", "fully qualified")]
    public void Parse_ReportsTheProblem_WhenATermIsMalformed(string text, string expected)
    {
        var spf = SpfRecord.Parse(text);

        Assert.Contains(spf.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("v=spf1", true)]
    [InlineData("v=spf1 -all", true)]
    [InlineData("v=spf10 -all", false)]
    [InlineData("spf2.0/pra -all", false)]
    public void IsSpf_ChecksTheVersionSection(string text, bool expected) => Assert.Equal(expected, SpfRecord.IsSpf(text));

    [Fact]
    public void TxtText_ConcatenatesCharacterStringsAndDecodesEscapes()
    {
        Assert.Equal("v=spf1 ip4:192.0.2.1 -all", SecurityRecordsAdvisor.TxtText("\"v=spf1 ip4:192.0.2.1\" \" -all\""));
        Assert.Equal("say \"hi\";", SecurityRecordsAdvisor.TxtText("\"say \\\"hi\\\"\\059\""));
    }

    [Fact]
    public void TagValueList_ParsesInOrder_AndRejectsEmptyTags()
    {
        var t = TagValueList.Parse("v=DMARC1; p=reject ; rua=mailto:a@b.example;");
        Assert.Null(t.Error);
        Assert.Equal("v", t.First);
        Assert.Equal("reject", t["P"]);
        Assert.NotNull(TagValueList.Parse("v=DMARC1;; p=reject").Error);
        Assert.NotNull(TagValueList.Parse("v=DMARC1; reject").Error);
    }
}
