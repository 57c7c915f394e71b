using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>How a <c>\NNN</c> escape in a character-string is read: decimal (RFC 1035 §5.1, BIND) or octal (Route 53 values).</summary>
public enum EscapeBase
{
    /// <summary><c>\DDD</c>, three decimal digits, at most 255: zone files and the canonical form.</summary>
    Decimal = 10,

    /// <summary><c>\ooo</c>, three octal digits, at most 377: the values Route 53 takes and returns.</summary>
    Octal = 8,
}

/// <summary>
/// The one reader and writer of character-strings (RFC 1035 §3.3 and §5.1) in presentation form: quoted or bare strings
/// separated by blanks, <c>\X</c> taking X literally, <c>\NNN</c> an octet in the given <see cref="EscapeBase"/>, other
/// characters their UTF-8 octets. Invariant: <see cref="Format"/> writes what <see cref="TryParse"/> reads back to the
/// same octets, in either base.
/// </summary>
public static class CharacterStrings
{
    /// <summary>Splits <paramref name="text"/> into its character-strings, escapes decoded. False (with the reason) for
    /// unbalanced quotes or a malformed escape, as BIND refuses them.</summary>
    public static bool TryParse(string text, EscapeBase escapes, out List<byte[]> strings, out string error)
    {
        strings = [];
        if (!RdataTokenizer.TryTokenize(text, out var tokens, out error)) return false;
        foreach (var token in tokens)
        {
            if (!TryUnescape(token.Text, escapes, out var bytes, out error)) return false;
            strings.Add(bytes);
        }
        return true;
    }

    /// <summary><see cref="TryParse"/> for text known to be well formed; throws <see cref="FormatException"/> otherwise.</summary>
    public static List<byte[]> Parse(string text, EscapeBase escapes) =>
        TryParse(text, escapes, out var strings, out var error) ? strings : throw new FormatException($"bad character-strings '{text}': {error}");

    /// <summary>Each string quoted, split into pieces of at most 255 octets, <c>"</c> and <c>\</c> escaped, octets outside
    /// 0x20–0x7E as <c>\NNN</c> in the given base.</summary>
    public static string Format(IEnumerable<byte[]> strings, EscapeBase escapes)
    {
        var sb = new StringBuilder();
        foreach (var s in strings)
        {
            var offset = 0;
            do
            {
                var n = Math.Min(255, s.Length - offset);
                if (sb.Length > 0) sb.Append(' ');
                AppendQuoted(sb, s.AsSpan(offset, n), escapes);
                offset += n;
            } while (offset < s.Length);
        }
        return sb.ToString();
    }

    /// <summary>One quoted character-string as BIND prints it (or Route 53, with octal escapes).</summary>
    internal static void AppendQuoted(StringBuilder sb, ReadOnlySpan<byte> s, EscapeBase escapes = EscapeBase.Decimal)
    {
        sb.Append('"');
        foreach (var b in s)
        {
            if (b is (byte)'"' or (byte)'\\') sb.Append('\\').Append((char)b);
            else if (b < 0x20 || b >= 0x7F)
                sb.Append('\\').Append(escapes == EscapeBase.Octal
                    ? Convert.ToString(b, 8).PadLeft(3, '0')
                    : ((int)b).ToString("D3", CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        sb.Append('"');
    }

    /// <summary>Interprets <c>\NNN</c> and <c>\X</c> escapes of one token; other characters are taken as their UTF-8 octets.</summary>
    public static bool TryUnescape(string text, EscapeBase escapes, out byte[] bytes, out string error)
    {
        error = "";
        var simple = true;
        foreach (var c in text) if (c == '\\' || c > 0x7F) { simple = false; break; }
        if (simple) { bytes = Encoding.ASCII.GetBytes(text); return true; }
        var radix = (int)escapes;
        var list = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length) { bytes = []; error = "dangling escape '\\' at the end of a string"; return false; }
                var n = text[i + 1];
                if (char.IsAsciiDigit(n))
                {
                    if (i + 3 >= text.Length || !IsDigit(text[i + 1], radix) || !IsDigit(text[i + 2], radix) || !IsDigit(text[i + 3], radix))
                    {
                        bytes = [];
                        error = radix == 8 ? "bad escape: \\ooo needs three octal digits" : "bad escape: \\DDD needs three digits";
                        return false;
                    }
                    var v = ((n - '0') * radix + (text[i + 2] - '0')) * radix + (text[i + 3] - '0');
                    if (v > 255) { bytes = []; error = $"bad escape: \\{text.AsSpan(i + 1, 3)} is above 255"; return false; }
                    list.Add((byte)v); i += 3;
                    continue;
                }
                i++;
                c = text[i];
            }
            if (c <= 0x7F) { list.Add((byte)c); continue; }
            var rune = char.IsSurrogatePair(text, i) ? new Rune(text[i], text[i + 1]) : new Rune(char.IsSurrogate(c) ? '\uFFFD' : c);
            if (rune.Utf16SequenceLength == 2) i++;
            var k = rune.EncodeToUtf8(utf8);
            for (var j = 0; j < k; j++) list.Add(utf8[j]);
        }
        bytes = list.ToArray();
        return true;
    }

    private static bool IsDigit(char c, int radix) => c >= '0' && c < '0' + radix;
}
