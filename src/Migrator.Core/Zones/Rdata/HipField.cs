using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// HIP (RFC 8005) as BIND 9 reads and prints it: algorithm, HIT in hex (printed upper case), public key in base64 (one
/// token, printed unsplit), then zero or more rendezvous server names. Wire: HIT length, algorithm, key length, HIT, key, names.
/// </summary>
internal static class HipField
{
    public static bool TryParse(IReadOnlyList<RdataToken> tokens, ref int t, DomainName origin, List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        if (t + 3 > tokens.Count) { error = "unexpected end of input"; return false; }
        if (tokens[t].Quoted || !byte.TryParse(tokens[t].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var algorithm))
        { error = $"'{tokens[t].Text}' is not a valid number (0–255)"; errorToken = t; return false; }
        if (!RdataCodec.TryHex(tokens[t + 1].Text, out var hit) || hit.Length == 0)
        { error = "bad hex encoding of the HIT"; errorToken = t + 1; return false; }
        if (hit.Length > 255) { error = $"HIT of {hit.Length} octets is out of range (at most 255)"; errorToken = t + 1; return false; }
        var keyText = tokens[t + 2].Text;
        var key = new byte[keyText.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(keyText, key, out var keyLength) || keyLength == 0)
        { error = "bad base64 encoding of the public key"; errorToken = t + 2; return false; }
        buf.Add((byte)hit.Length);
        buf.Add(algorithm);
        RdataCodec.AddU16(buf, (ushort)keyLength);
        buf.AddRange(hit);
        buf.AddRange(key.AsSpan(0, keyLength));
        for (t += 3; t < tokens.Count; t++)
        {
            if (tokens[t].Quoted) { error = $"quoted text \"{tokens[t].Text}\" where a domain name is expected"; errorToken = t; return false; }
            if (!DomainName.TryParse(tokens[t].Text, origin, out var server, out error)) { errorToken = t; return false; }
            RdataCodec.AddName(buf, server);
        }
        return true;
    }

    public static bool TryFormat(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        if (w.Length - p < 4) { error = "RDATA is truncated"; return false; }
        var hitLength = w[p];
        var algorithm = w[p + 1];
        var keyLength = BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p + 2));
        if (hitLength == 0 || keyLength == 0) { error = "HIP needs a HIT and a public key"; return false; }
        p += 4;
        if (p + hitLength + keyLength > w.Length) { error = "RDATA is truncated"; return false; }
        sb.Append(algorithm.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Convert.ToHexString(w, p, hitLength)).Append(' ')
            .Append(Convert.ToBase64String(w, p + hitLength, keyLength));
        p += hitLength + keyLength;
        while (p < w.Length)
        {
            sb.Append(' ');
            if (!RdataCodec.TryFormatName(w, ref p, sb, out error)) return false;
        }
        return true;
    }
}
