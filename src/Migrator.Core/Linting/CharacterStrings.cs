namespace Migrator.Core.Linting;

/// <summary>Splits presentation-form RDATA of TXT/SPF into its character-strings and measures each in octets.</summary>
internal static class CharacterStrings
{
    /// <summary>Octet length of each character-string in <paramref name="data"/> (quoted or bare tokens, RFC 1035 escapes).</summary>
    public static List<int> OctetLengths(string data)
    {
        var lengths = new List<int>();
        var i = 0;
        while (i < data.Length)
        {
            if (char.IsWhiteSpace(data[i])) { i++; continue; }
            var quoted = data[i] == '"';
            if (quoted) i++;
            var octets = 0;
            while (i < data.Length)
            {
                var c = data[i];
                if (quoted ? c == '"' : char.IsWhiteSpace(c)) break;
                if (c == '\\' && i + 1 < data.Length)
                {
                    var isDecimal = i + 3 < data.Length && char.IsAsciiDigit(data[i + 1]) && char.IsAsciiDigit(data[i + 2]) && char.IsAsciiDigit(data[i + 3]);
                    i += isDecimal ? 4 : 2;
                    octets++;
                    continue;
                }
                octets += c < 0x80 ? 1 : System.Text.Encoding.UTF8.GetByteCount(data.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < data.Length ? 2 : 1));
                i += char.IsHighSurrogate(c) ? 2 : 1;
            }
            if (quoted && i < data.Length) i++; // closing quote
            lengths.Add(octets);
        }
        return lengths;
    }
}
