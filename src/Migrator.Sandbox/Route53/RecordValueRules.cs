using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Migrator.Sandbox.Route53;

/// <summary>
/// Route 53's per-type checks of record values (presentation strings). A failure yields the whole
/// "Invalid Resource Record: 'FATAL problem: Code (text) encountered with 'value''" message.
/// </summary>
public static partial class RecordValueRules
{
    public static readonly IReadOnlySet<string> SupportedTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS",
    };

    public const int MaxValueLength = 4000;

    public static string? Validate(string type, string value)
    {
        if (value.Length > MaxValueLength) return Fatal("ValueTooLong", "Value is too long", value);
        var fields = Fields(value);
        return type switch
        {
            "A" => IsIPv4(value) ? null : Fatal("ARRDATAIllegalIPv4Address", "Value is not a valid IPv4 address", value),
            "AAAA" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? null : Fatal("AAAARDATAIllegalIPv6Address", "Value is not a valid IPv6 address", value),
            "CNAME" or "NS" or "PTR" => fields.Length == 1 && IsHostName(value) ? null : Fatal("InvalidDomainName", "Domain name is invalid", value),
            "MX" => fields.Length == 2 && IsUInt(fields[0], 65535) && IsHostName(fields[1]) ? null
                : Fatal("MXRDATANotTwoFields", "MX value must be priority and mail server", value),
            "SRV" => fields.Length == 4 && IsUInt(fields[0], 65535) && IsUInt(fields[1], 65535) && IsUInt(fields[2], 65535) && IsHostName(fields[3])
                ? null : Fatal("SRVRDATAIllegal", "SRV value must be priority weight port target", value),
            "TXT" or "SPF" => ValidateCharacterStrings(value),
            "CAA" => CaaPattern().IsMatch(value) && IsUInt(fields[0], 255) ? ValidateQuotedTail(value)
                : Fatal("CAARDATAIllegal", "CAA value must be flags tag \"value\"", value),
            "DS" => fields.Length == 4 && IsUInt(fields[0], 65535) && IsUInt(fields[1], 255) && IsUInt(fields[2], 255) && IsHex(fields[3])
                ? null : Fatal("DSRDATAIllegal", "DS value must be key-tag algorithm digest-type digest", value),
            "SSHFP" => fields.Length == 3 && IsUInt(fields[0], 255) && IsUInt(fields[1], 255) && IsHex(fields[2])
                ? null : Fatal("SSHFPRDATAIllegal", "SSHFP value must be algorithm type fingerprint", value),
            "TLSA" => fields.Length == 4 && IsUInt(fields[0], 255) && IsUInt(fields[1], 255) && IsUInt(fields[2], 255) && IsHex(fields[3])
                ? null : Fatal("TLSARDATAIllegal", "TLSA value must be usage selector matching-type data", value),
            "SOA" => fields.Length == 7 && IsHostName(fields[0]) && IsHostName(fields[1]) && fields.Skip(2).All(f => IsUInt(f, uint.MaxValue))
                ? null : Fatal("SOARDATAIllegal", "SOA value must be mname rname serial refresh retry expire minimum", value),
            "NAPTR" => NaptrPattern().IsMatch(value) ? null
                : Fatal("NAPTRRDATAIllegal", "NAPTR value must be order preference \"flags\" \"services\" \"regexp\" replacement", value),
            "SVCB" or "HTTPS" => fields.Length >= 2 && IsUInt(fields[0], 65535) && (fields[1] == "." || IsHostName(fields[1]))
                ? null : Fatal("SVCBRDATAIllegal", "SVCB value must be priority target [params]", value),
            _ => null,
        };
    }

    private static string Fatal(string code, string text, string value) =>
        $"Invalid Resource Record: 'FATAL problem: {code} ({text}) encountered with '{value}''";

    private static string[] Fields(string value) => value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static bool IsIPv4(string s)
    {
        var parts = s.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsUInt(string s, ulong max) =>
        s.Length > 0 && s.All(char.IsAsciiDigit) && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= max;

    private static bool IsHex(string s) => s.Length > 0 && s.All(char.IsAsciiHexDigit);

    private static bool IsHostName(string s) => s != "." && R53Name.TryParse(s, out _, out _);

    /// <summary>Every TXT string must be quoted and at most 255 octets once unescaped.</summary>
    public static string? ValidateCharacterStrings(string value)
    {
        var strings = TryParseCharacterStrings(value, out var problem);
        if (strings is null) return Fatal(problem!, problem == "InvalidCharacterString" ? "Value should be enclosed in quotation marks" : "Value is not valid", value);
        if (strings.Any(s => s.Length > 255)) return Fatal("CharacterStringTooLong", "Value is too long", value);
        return null;
    }

    private static string? ValidateQuotedTail(string value)
    {
        var q = value.IndexOf('"');
        var strings = TryParseCharacterStrings(value[q..], out _);
        if (strings is null || strings.Count != 1) return Fatal("CAARDATAIllegal", "CAA value must be flags tag \"value\"", value);
        return strings[0].Length > 255 ? Fatal("CharacterStringTooLong", "Value is too long", value) : null;
    }

    /// <summary>Splits <c>"a" "b\"c"</c> into unescaped byte strings; null when a string is unquoted or unterminated.</summary>
    public static List<byte[]>? TryParseCharacterStrings(string value, out string? problem)
    {
        problem = null;
        var result = new List<byte[]>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && value[i] is ' ' or '\t') i++;
            if (i >= value.Length) break;
            if (value[i] != '"') { problem = "InvalidCharacterString"; return null; }
            i++;
            var bytes = new List<byte>();
            var closed = false;
            while (i < value.Length)
            {
                var c = value[i];
                if (c == '"') { closed = true; i++; break; }
                if (c == '\\' && i + 1 < value.Length)
                {
                    if (i + 3 < value.Length && value[i + 1] is >= '0' and <= '7' && value[i + 2] is >= '0' and <= '7' && value[i + 3] is >= '0' and <= '7')
                    {
                        bytes.Add((byte)((value[i + 1] - '0') * 64 + (value[i + 2] - '0') * 8 + (value[i + 3] - '0')));
                        i += 4; continue;
                    }
                    bytes.Add((byte)value[i + 1]); i += 2; continue;
                }
                if (c > 0xff) foreach (var b in System.Text.Encoding.UTF8.GetBytes(c.ToString())) bytes.Add(b);
                else bytes.Add((byte)c);
                i++;
            }
            if (!closed) { problem = "InvalidCharacterString"; return null; }
            result.Add(bytes.ToArray());
        }
        if (result.Count == 0) { problem = "InvalidCharacterString"; return null; }
        return result;
    }

    [GeneratedRegex("""^\d{1,3}\s+[A-Za-z0-9]+\s+".*"$""")]
    private static partial Regex CaaPattern();

    [GeneratedRegex("""^\d+\s+\d+\s+"[^"]*"\s+"[^"]*"\s+"(?:[^"\\]|\\.)*"\s+\S+$""")]
    private static partial Regex NaptrPattern();
}
