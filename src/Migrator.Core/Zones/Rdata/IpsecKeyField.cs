using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// IPSECKEY (RFC 4025) as BIND 9 reads and prints it: precedence, gateway type (0 none as ".", 1 IPv4, 2 IPv6, 3 a name),
/// algorithm, gateway, then the public key in base64 (BIND requires one).
/// </summary>
internal static class IpsecKeyField
{
    public static bool TryParseGateway(IReadOnlyList<RdataToken> tokens, ref int t, DomainName origin, List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        // The precedence, gateway type and algorithm are already in buf; the gateway type decides the gateway's form.
        var gatewayType = buf[^2];
        if (gatewayType > 3) { error = $"IPSECKEY gateway type {gatewayType} is out of range (0–3)"; errorToken = t - 2; return false; }
        if (t >= tokens.Count) { error = "unexpected end of input"; return false; }
        var text = tokens[t].Text;
        errorToken = t;
        switch (gatewayType)
        {
            case 0:
                if (text != ".") { error = "IPSECKEY gateway type 0 needs '.' as its gateway"; return false; }
                break;
            case 1:
                if (!RdataCodec.TryParseIPv4(text, out var v4)) { error = $"'{text}' is not a valid IPv4 address"; return false; }
                buf.AddRange(v4);
                break;
            case 2:
                if (!RdataCodec.TryParseIPv6(text, out var v6)) { error = $"'{text}' is not a valid IPv6 address"; return false; }
                buf.AddRange(v6);
                break;
            default:
                if (tokens[t].Quoted) { error = $"quoted text \"{text}\" where a domain name is expected"; return false; }
                if (!DomainName.TryParse(text, origin, out var name, out error)) return false;
                RdataCodec.AddName(buf, name);
                break;
        }
        t++;
        errorToken = -1;
        return true;
    }

    public static bool TryFormatGateway(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        var gatewayType = w[1];
        switch (gatewayType)
        {
            case 0:
                sb.Append('.');
                return true;
            case 1:
                if (p + 4 > w.Length) { error = "RDATA is truncated"; return false; }
                sb.Append(w[p]).Append('.').Append(w[p + 1]).Append('.').Append(w[p + 2]).Append('.').Append(w[p + 3]);
                p += 4;
                return true;
            case 2:
                if (p + 16 > w.Length) { error = "RDATA is truncated"; return false; }
                sb.Append(RdataCodec.FormatIPv6(w.AsSpan(p, 16)));
                p += 16;
                return true;
            case 3:
                return RdataCodec.TryFormatName(w, ref p, sb, out error);
            default:
                error = $"IPSECKEY gateway type {gatewayType} is not implemented";
                return false;
        }
    }
}
