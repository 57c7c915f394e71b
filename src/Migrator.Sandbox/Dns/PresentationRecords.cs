using System.Globalization;
using System.Net;
using System.Text;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Dns;

/// <summary>Turns a Route 53 value (presentation string) into a wire record for the DNS listener.</summary>
public static class PresentationRecords
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    public static DomainName ToDomainName(R53Name name) => new(name.Labels.Select(l => Latin1.GetString(l)).ToArray());

    public static DomainName ParseName(string value) =>
        R53Name.TryParse(value, out var n, out var error) ? ToDomainName(n) : throw new FormatException(error);

    public static RecordType ToRecordType(string type) => type switch
    {
        "A" => RecordType.A, "AAAA" => RecordType.Aaaa, "CNAME" => RecordType.CName, "NS" => RecordType.Ns, "MX" => RecordType.Mx,
        "TXT" => RecordType.Txt, "SPF" => (RecordType)99, "SRV" => RecordType.Srv, "CAA" => RecordType.CAA, "PTR" => RecordType.Ptr,
        "NAPTR" => RecordType.Naptr, "DS" => RecordType.Ds, "SSHFP" => RecordType.SshFp, "TLSA" => RecordType.Tlsa, "SOA" => RecordType.Soa,
        "SVCB" => RecordType.SvcB, "HTTPS" => RecordType.Https,
        _ => Core.Zones.RecordType.TryParse(type, out var t) ? (RecordType)t.Code : RecordType.Invalid,
    };

    public static DnsRecordBase Create(DomainName owner, string type, int ttl, string value)
    {
        var f = value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return type switch
        {
            "A" => new ARecord(owner, ttl, IPAddress.Parse(value)),
            "AAAA" => new AaaaRecord(owner, ttl, IPAddress.Parse(value)),
            "CNAME" => new CNameRecord(owner, ttl, ParseName(value)),
            "NS" => new NsRecord(owner, ttl, ParseName(value)),
            "PTR" => new PtrRecord(owner, ttl, ParseName(value)),
            "MX" => new MxRecord(owner, ttl, U16(f[0]), ParseName(f[1])),
            "SRV" => new SrvRecord(owner, ttl, U16(f[0]), U16(f[1]), U16(f[2]), ParseName(f[3])),
            "TXT" => Raw(owner, RecordType.Txt, ttl, CharacterStringsWire(value)),
            "SPF" => Raw(owner, (RecordType)99, ttl, CharacterStringsWire(value)),
            "SOA" => new SoaRecord(owner, ttl, ParseName(f[0]), ParseName(f[1]), uint.Parse(f[2], CultureInfo.InvariantCulture),
                I32(f[3]), I32(f[4]), I32(f[5]), I32(f[6])),
            "DS" => new DsRecord(owner, RecordClass.INet, ttl, U16(f[0]), (DnsSecAlgorithm)byte.Parse(f[1], CultureInfo.InvariantCulture),
                (DnsSecDigestType)byte.Parse(f[2], CultureInfo.InvariantCulture), Convert.FromHexString(string.Concat(f.Skip(3)))),
            "SSHFP" => new SshFpRecord(owner, ttl, (SshFpRecord.SshFpAlgorithm)byte.Parse(f[0], CultureInfo.InvariantCulture),
                (SshFpRecord.SshFpFingerPrintType)byte.Parse(f[1], CultureInfo.InvariantCulture), Convert.FromHexString(string.Concat(f.Skip(2)))),
            "TLSA" => new TlsaRecord(owner, ttl, (TlsaRecord.TlsaCertificateUsage)byte.Parse(f[0], CultureInfo.InvariantCulture),
                (TlsaRecord.TlsaSelector)byte.Parse(f[1], CultureInfo.InvariantCulture), (TlsaRecord.TlsaMatchingType)byte.Parse(f[2], CultureInfo.InvariantCulture),
                Convert.FromHexString(string.Concat(f.Skip(3)))),
            "CAA" => Raw(owner, RecordType.CAA, ttl, Caa(value)),
            "NAPTR" => Naptr(owner, ttl, value),
            "SVCB" => Raw(owner, RecordType.SvcB, ttl, Svcb(f)),
            "HTTPS" => Raw(owner, RecordType.Https, ttl, Svcb(f)),
            _ => Generic(owner, type, ttl, value),
        };
    }

    /// <summary>Types Route 53 does not serve but the sandbox world's old provider does (DNAME, HINFO, DNSKEY, RRSIG ...): Core's codec.</summary>
    private static UnknownRecord Generic(DomainName owner, string type, int ttl, string value)
    {
        if (!Core.Zones.RecordType.TryParse(type, out var t)) throw new FormatException($"unsupported type {type}");
        var rdata = Core.Zones.Rdata.Rdata.Parse(t, value, Core.Zones.DomainName.Root);
        return Raw(owner, (RecordType)t.Code, ttl, rdata.ToWire());
    }

    private static ushort U16(string s) => ushort.Parse(s, CultureInfo.InvariantCulture);
    private static int I32(string s) => (int)uint.Parse(s, CultureInfo.InvariantCulture);

    private static UnknownRecord Raw(DomainName owner, RecordType type, int ttl, byte[] rdata) => new(owner, type, RecordClass.INet, ttl, rdata);

    private static byte[] CharacterStringsWire(string value) =>
        (RecordValueRules.TryParseCharacterStrings(value, out _) ?? throw new FormatException("bad character strings"))
            .SelectMany(b => (byte[])[(byte)b.Length, .. b]).ToArray();

    private static List<string> Strings(string value) =>
        (RecordValueRules.TryParseCharacterStrings(value, out _) ?? throw new FormatException("bad character strings")).Select(b => Latin1.GetString(b)).ToList();

    private static byte[] Caa(string value)
    {
        var f = value.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        var tag = Encoding.ASCII.GetBytes(f[1]);
        var data = RecordValueRules.TryParseCharacterStrings(f[2], out _)?.FirstOrDefault() ?? Encoding.ASCII.GetBytes(f[2]);
        return [byte.Parse(f[0], CultureInfo.InvariantCulture), (byte)tag.Length, .. tag, .. data];
    }

    private static DnsRecordBase Naptr(DomainName owner, int ttl, string value)
    {
        var f = value.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        var rest = f[2];
        var lastSpace = rest.LastIndexOfAny([' ', '\t']);
        var strings = RecordValueRules.TryParseCharacterStrings(rest[..lastSpace], out _) ?? throw new FormatException("bad NAPTR");
        return new NaptrRecord(owner, ttl, U16(f[0]), U16(f[1]), Latin1.GetString(strings[0]), Latin1.GetString(strings[1]),
            Latin1.GetString(strings[2]), ParseName(rest[(lastSpace + 1)..].Trim()));
    }

    /// <summary>SVCB/HTTPS RDATA (RFC 9460) for the common keys; unknown keys are dropped.</summary>
    private static byte[] Svcb(string[] f)
    {
        using var ms = new MemoryStream();
        var priority = U16(f[0]);
        ms.WriteByte((byte)(priority >> 8)); ms.WriteByte((byte)priority);
        WireName(ms, f[1] == "." ? [] : R53Name.Parse(f[1]).Labels);
        var parameters = new SortedDictionary<ushort, byte[]>();
        foreach (var p in f.Skip(2))
        {
            var eq = p.IndexOf('=');
            var key = eq < 0 ? p : p[..eq];
            var val = eq < 0 ? "" : p[(eq + 1)..].Trim('"');
            switch (key)
            {
                case "alpn":
                    parameters[1] = val.Split(',').SelectMany(a => (byte[])[(byte)a.Length, .. Encoding.ASCII.GetBytes(a)]).ToArray();
                    break;
                case "no-default-alpn": parameters[2] = []; break;
                case "port": var port = U16(val); parameters[3] = [(byte)(port >> 8), (byte)port]; break;
                case "ipv4hint": parameters[4] = val.Split(',').SelectMany(a => IPAddress.Parse(a).GetAddressBytes()).ToArray(); break;
                case "ipv6hint": parameters[6] = val.Split(',').SelectMany(a => IPAddress.Parse(a).GetAddressBytes()).ToArray(); break;
            }
        }
        foreach (var (k, v) in parameters)
        {
            ms.WriteByte((byte)(k >> 8)); ms.WriteByte((byte)k);
            ms.WriteByte((byte)(v.Length >> 8)); ms.WriteByte((byte)v.Length);
            ms.Write(v);
        }
        return ms.ToArray();
    }

    private static void WireName(Stream s, byte[][] labels)
    {
        foreach (var l in labels) { s.WriteByte((byte)l.Length); s.Write(l); }
        s.WriteByte(0);
    }
}
