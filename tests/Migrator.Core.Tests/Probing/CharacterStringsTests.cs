using Migrator.Core.DynamicUpdate;

namespace Migrator.Core.Tests.Probing;

public sealed class CharacterStringsTests
{
    [Theory]
    [InlineData("\"a b\" \"c\"", new[] { "a b", "c" })]
    [InlineData("\"say \\\"hi\\\"\"", new[] { "say \"hi\"" })]
    [InlineData("\"semi\\059colon\"", new[] { "semi;colon" })]
    [InlineData("plain", new[] { "plain" })]
    public void Parse_DecodesQuotedStringsAndEscapes(string text, string[] expected) =>
        Assert.Equal(expected, CharacterStrings.Parse(text));
}
