using System.Text;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Tests.Zones;

/// <summary>The one character-string reader and writer (RFC 1035 §5.1), in BIND's decimal and Route 53's octal escapes.</summary>
public sealed class CharacterStringsTests
{
    private static string[] Text(string text, EscapeBase escapes) =>
        CharacterStrings.Parse(text, escapes).Select(b => Encoding.UTF8.GetString(b)).ToArray();

    [Theory]
    [InlineData("\"a b\" \"c\"", new[] { "a b", "c" })]
    [InlineData("\"say \\\"hi\\\"\"", new[] { "say \"hi\"" })]
    [InlineData("\"semi\\059colon\"", new[] { "semi;colon" })]
    [InlineData("plain bare", new[] { "plain", "bare" })]
    [InlineData("\"\"", new[] { "" })]
    public void Parse_DecodesQuotedStringsAndDecimalEscapes_WhenBaseIsDecimal(string text, string[] expected) =>
        Assert.Equal(expected, Text(text, EscapeBase.Decimal));

    [Fact]
    public void Parse_ReadsOctalEscapes_WhenBaseIsOctal()
    {
        Assert.Equal(["semi;colon"], Text("\"semi\\073colon\"", EscapeBase.Octal));
        Assert.Equal([0xFF], CharacterStrings.Parse("\"\\377\"", EscapeBase.Octal)[0]);
    }

    [Theory]
    [InlineData("\"\\1\"", EscapeBase.Decimal)]     // BIND: \DDD needs three digits
    [InlineData("\"\\256\"", EscapeBase.Decimal)]   // above 255
    [InlineData("\"\\089\"", EscapeBase.Octal)]     // 8 and 9 are not octal
    [InlineData("\"\\400\"", EscapeBase.Octal)]     // above 0377
    [InlineData("\"open", EscapeBase.Decimal)]      // unbalanced quotes
    public void TryParse_Fails_WhenEscapeOrQuotingIsMalformed(string text, EscapeBase escapes) =>
        Assert.False(CharacterStrings.TryParse(text, escapes, out _, out _));

    [Fact]
    public void Format_SplitsAt255OctetsAndEscapesInTheGivenBase()
    {
        var bytes = new byte[300];
        Array.Fill(bytes, (byte)'x');
        bytes[0] = 0x07;
        var decimalForm = CharacterStrings.Format([bytes], EscapeBase.Decimal);
        Assert.StartsWith("\"\\007xx", decimalForm);
        Assert.Equal(2, CharacterStrings.Parse(decimalForm, EscapeBase.Decimal).Count);
        Assert.Equal([255, 45], CharacterStrings.Parse(decimalForm, EscapeBase.Decimal).Select(s => s.Length));
        Assert.StartsWith("\"\\007xx", CharacterStrings.Format([bytes], EscapeBase.Octal));
        Assert.StartsWith("\"\\011\"", CharacterStrings.Format([[9]], EscapeBase.Octal));
        Assert.StartsWith("\"\\009\"", CharacterStrings.Format([[9]], EscapeBase.Decimal));
    }

    [Fact]
    public void Route53Values_ConvertsDecimalToOctalAndBack_ForTxt()
    {
        var canonical = "\"tab\\009here\" \"quote\\\"d\"";
        var route53 = Route53Values.ToRoute53(RecordType.TXT, canonical);
        Assert.Equal("\"tab\\011here\" \"quote\\\"d\"", route53);
        Assert.Equal(canonical, Route53Values.FromRoute53(RecordType.TXT, route53));
    }
}
