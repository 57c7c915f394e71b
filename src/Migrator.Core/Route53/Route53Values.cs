using System.Globalization;
using System.Text;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// Converts RDATA between the canonical presentation form of <see cref="ResourceRecord.Data"/> (BIND: decimal
/// <c>\DDD</c> escapes, names absolute with a trailing dot) and Route 53 values (octal <c>\ooo</c> escapes in
/// character-strings, every TXT/SPF string quoted and at most 255 octets).
/// </summary>
public static class Route53Values
{
    /// <summary>Canonical presentation form → the value Route 53 accepts.</summary>
    public static string ToRoute53(RecordType type, string data)
    {
        if (type == RecordType.TXT || type == RecordType.SPF) return FormatStrings(ParseStrings(data, decimalEscapes: true));
        return data;
    }

    /// <summary>A Route 53 value → canonical presentation form (names get a trailing dot, strings BIND escapes).</summary>
    public static string FromRoute53(RecordType type, string value)
    {
        if (type == RecordType.TXT || type == RecordType.SPF) return FormatCanonicalStrings(ParseStrings(value, decimalEscapes: false));
        if (type == RecordType.CNAME || type == RecordType.NS || type == RecordType.PTR) return Absolute(value.Trim());
        if (type == RecordType.MX) return WithNameAt(value, 1);
        if (type == RecordType.SRV) return WithNameAt(value, 3);
        if (type == RecordType.SOA)
        {
            var f = Fields(value);
            if (f.Length == 7) { f[0] = Absolute(f[0]); f[1] = Absolute(f[1]); return string.Join(' ', f); }
        }
        if (type == RecordType.AAAA && System.Net.IPAddress.TryParse(value.Trim(), out var ip)) return ip.ToString();
        return value.Trim();
    }

    private static string[] Fields(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string WithNameAt(string value, int index)
    {
        var f = Fields(value);
        if (f.Length > index) f[index] = Absolute(f[index]);
        return string.Join(' ', f);
    }

    private static string Absolute(string name)
    {
        if (name.EndsWith('.') && !name.EndsWith("\\.", StringComparison.Ordinal)) return name.ToLowerInvariant();
        return (name + ".").ToLowerInvariant();
    }

    /// <summary>Splits a list of character-strings ("a" "b" or bare tokens) into raw octet strings.</summary>
    public static List<byte[]> ParseStrings(string text, bool decimalEscapes)
    {
        var result = new List<byte[]>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var quoted = text[i] == '"';
            if (quoted) i++;
            var bytes = new List<byte>();
            while (i < text.Length)
            {
                var c = text[i];
                if (quoted && c == '"') { i++; break; }
                if (!quoted && char.IsWhiteSpace(c)) break;
                if (c == '\\' && i + 1 < text.Length)
                {
                    if (i + 3 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]))
                    {
                        var v = decimalEscapes
                            ? (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0')
                            : (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
                        bytes.Add((byte)v); i += 4; continue;
                    }
                    bytes.AddRange(Encoding.UTF8.GetBytes(text[i + 1].ToString())); i += 2; continue;
                }
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString())); i++;
            }
            result.Add(bytes.ToArray());
        }
        return result;
    }

    /// <summary>Route 53 form: each string quoted, split at 255 octets, octal escapes for non-printables.</summary>
    public static string FormatStrings(IEnumerable<byte[]> strings) => Join(strings, octal: true);

    private static string FormatCanonicalStrings(IEnumerable<byte[]> strings) => Join(strings, octal: false);

    private static string Join(IEnumerable<byte[]> strings, bool octal)
    {
        var sb = new StringBuilder();
        foreach (var s in strings)
        {
            var offset = 0;
            do
            {
                var n = Math.Min(255, s.Length - offset);
                if (sb.Length > 0) sb.Append(' ');
                sb.Append('"');
                foreach (var b in s.AsSpan(offset, n))
                {
                    if (b == (byte)'"' || b == (byte)'\\') sb.Append('\\').Append((char)b);
                    else if (b is < 0x20 or >= 0x7F)
                        sb.Append('\\').Append(octal ? Convert.ToString(b, 8).PadLeft(3, '0') : b.ToString("D3", CultureInfo.InvariantCulture));
                    else sb.Append((char)b);
                }
                sb.Append('"');
                offset += n;
            } while (offset < s.Length);
        }
        return sb.ToString();
    }
}
