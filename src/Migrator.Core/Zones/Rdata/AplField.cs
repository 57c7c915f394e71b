using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// APL (RFC 3123) as BIND 9 reads and prints it: zero or more <c>[!]family:address/prefix</c> items, families 1 (IPv4)
/// and 2 (IPv6) only; the address is stored without its trailing zero octets.
/// </summary>
internal static class AplField
{
    public static bool TryParse(IReadOnlyList<RdataToken> tokens, ref int t, List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        for (; t < tokens.Count; t++)
        {
            var text = tokens[t].Text.AsSpan();
            errorToken = t;
            if (tokens[t].Quoted) { error = $"quoted text \"{tokens[t].Text}\" where an APL item is expected"; return false; }
            var negated = text.StartsWith("!");
            if (negated) text = text[1..];
            var colon = text.IndexOf(':');
            if (colon <= 0 || !ushort.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var family))
            { error = $"'{tokens[t].Text}' is not an APL item ([!]family:address/prefix)"; return false; }
            var rest = text[(colon + 1)..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || !byte.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            { error = $"'{tokens[t].Text}' is not an APL item ([!]family:address/prefix)"; return false; }
            byte[] address;
            switch (family)
            {
                case 1:
                    if (!RdataCodec.TryParseIPv4(rest[..slash], out address)) { error = $"'{rest[..slash]}' is not a valid IPv4 address"; return false; }
                    if (prefix > 32) { error = $"APL prefix {prefix} is out of range (0–32)"; return false; }
                    break;
                case 2:
                    if (!RdataCodec.TryParseIPv6(rest[..slash].ToString(), out address)) { error = $"'{rest[..slash]}' is not a valid IPv6 address"; return false; }
                    if (prefix > 128) { error = $"APL prefix {prefix} is out of range (0–128)"; return false; }
                    break;
                default:
                    error = $"APL address family {family} is not implemented (1 and 2 are)";
                    return false;
            }
            var length = address.Length;
            while (length > 0 && address[length - 1] == 0) length--;
            RdataCodec.AddU16(buf, family);
            buf.Add(prefix);
            buf.Add((byte)(length | (negated ? 0x80 : 0)));
            buf.AddRange(address.AsSpan(0, length));
        }
        errorToken = -1;
        return true;
    }

    public static bool TryFormat(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        var first = true;
        while (p < w.Length)
        {
            if (p + 4 > w.Length) { error = "APL item is truncated"; return false; }
            var family = BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p));
            var prefix = w[p + 2];
            var length = w[p + 3] & 0x7F;
            var negated = (w[p + 3] & 0x80) != 0;
            p += 4;
            if (p + length > w.Length) { error = "APL item is truncated"; return false; }
            var size = family switch { 1 => 4, 2 => 16, _ => -1 };
            if (size < 0) { error = $"APL address family {family} is not implemented"; return false; }
            if (prefix > size * 8 || length > size) { error = $"APL item for family {family} is out of range"; return false; }
            if (length > 0 && w[p + length - 1] == 0) { error = "APL address has trailing zero octets"; return false; }
            var address = new byte[size];
            w.AsSpan(p, length).CopyTo(address);
            p += length;
            if (!first) sb.Append(' ');
            first = false;
            if (negated) sb.Append('!');
            sb.Append(family.ToString(CultureInfo.InvariantCulture)).Append(':');
            if (family == 1) sb.Append(address[0]).Append('.').Append(address[1]).Append('.').Append(address[2]).Append('.').Append(address[3]);
            else sb.Append(RdataCodec.FormatIPv6(address));
            sb.Append('/').Append(prefix.ToString(CultureInfo.InvariantCulture));
        }
        return true;
    }
}
