using System.Collections.Frozen;
using System.Globalization;

namespace Migrator.Core.Zones;

/// <summary>A DNS RR type code. Invariant: 0–65535; the mnemonic is used where one is known, otherwise TYPEnnn (RFC 3597).</summary>
public readonly record struct RecordType(ushort Code) : IComparable<RecordType>
{
    public static readonly RecordType A = new(1), NS = new(2), CNAME = new(5), SOA = new(6), PTR = new(12),
        HINFO = new(13), MX = new(15), TXT = new(16), RP = new(17), AFSDB = new(18), AAAA = new(28), LOC = new(29),
        SRV = new(33), NAPTR = new(35), KX = new(36), CERT = new(37), DNAME = new(39), APL = new(42), DS = new(43),
        SSHFP = new(44), IPSECKEY = new(45), RRSIG = new(46), NSEC = new(47), DNSKEY = new(48), DHCID = new(49),
        NSEC3 = new(50), NSEC3PARAM = new(51), TLSA = new(52), SMIMEA = new(53), HIP = new(55), CDS = new(59), CDNSKEY = new(60),
        OPENPGPKEY = new(61), CSYNC = new(62), ZONEMD = new(63), SVCB = new(64), HTTPS = new(65), SPF = new(99),
        EUI48 = new(108), EUI64 = new(109), TKEY = new(249), TSIG = new(250), IXFR = new(251), AXFR = new(252),
        ANY = new(255), URI = new(256), CAA = new(257);

    private static readonly FrozenDictionary<string, ushort> ByName = new Dictionary<string, ushort>(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 1, ["NS"] = 2, ["MD"] = 3, ["MF"] = 4, ["CNAME"] = 5, ["SOA"] = 6, ["MB"] = 7, ["MG"] = 8, ["MR"] = 9,
        ["NULL"] = 10, ["WKS"] = 11, ["PTR"] = 12, ["HINFO"] = 13, ["MINFO"] = 14, ["MX"] = 15, ["TXT"] = 16, ["RP"] = 17,
        ["AFSDB"] = 18, ["X25"] = 19, ["ISDN"] = 20, ["RT"] = 21, ["NSAP"] = 22, ["NSAP-PTR"] = 23, ["SIG"] = 24,
        ["KEY"] = 25, ["PX"] = 26, ["GPOS"] = 27, ["AAAA"] = 28, ["LOC"] = 29, ["NXT"] = 30, ["EID"] = 31, ["NIMLOC"] = 32,
        ["SRV"] = 33, ["ATMA"] = 34, ["NAPTR"] = 35, ["KX"] = 36, ["CERT"] = 37, ["A6"] = 38, ["DNAME"] = 39, ["SINK"] = 40,
        ["OPT"] = 41, ["APL"] = 42, ["DS"] = 43, ["SSHFP"] = 44, ["IPSECKEY"] = 45, ["RRSIG"] = 46, ["NSEC"] = 47,
        ["DNSKEY"] = 48, ["DHCID"] = 49, ["NSEC3"] = 50, ["NSEC3PARAM"] = 51, ["TLSA"] = 52, ["SMIMEA"] = 53, ["HIP"] = 55,
        ["NINFO"] = 56, ["RKEY"] = 57, ["TALINK"] = 58, ["CDS"] = 59, ["CDNSKEY"] = 60, ["OPENPGPKEY"] = 61, ["CSYNC"] = 62,
        ["ZONEMD"] = 63, ["SVCB"] = 64, ["HTTPS"] = 65, ["SPF"] = 99, ["NID"] = 104, ["L32"] = 105, ["L64"] = 106, ["LP"] = 107,
        ["EUI48"] = 108, ["EUI64"] = 109, ["TKEY"] = 249, ["TSIG"] = 250, ["IXFR"] = 251, ["AXFR"] = 252, ["MAILB"] = 253,
        ["MAILA"] = 254, ["ANY"] = 255, ["URI"] = 256, ["CAA"] = 257, ["AVC"] = 258, ["DOA"] = 259, ["AMTRELAY"] = 260,
        ["RESINFO"] = 261, ["WALLET"] = 262, ["TA"] = 32768, ["DLV"] = 32769,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<ushort, string> ByCode =
        ByName.GroupBy(kv => kv.Value).ToFrozenDictionary(g => g.Key, g => g.First().Key);

    /// <summary>The mnemonic for this type, if one is known.</summary>
    public string? Mnemonic => ByCode.TryGetValue(Code, out var n) ? n : null;

    public static bool TryParse(ReadOnlySpan<char> text, out RecordType type)
    {
        type = default;
        var lookup = ByName.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var code)) { type = new RecordType(code); return true; }
        if (text.Length > 4 && text[..4].Equals("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        { type = new RecordType(n); return true; }
        return false;
    }

    public static RecordType Parse(string text) =>
        TryParse(text, out var t) ? t : throw new FormatException($"unknown record type '{text}'");

    public override string ToString() => Mnemonic ?? $"TYPE{Code}";
    public int CompareTo(RecordType other) => Code.CompareTo(other.Code);
}
