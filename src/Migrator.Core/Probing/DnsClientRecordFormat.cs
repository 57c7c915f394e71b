using System.Globalization;
using System.Text;
using DnsClient.Protocol;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Probing;

/// <summary>
/// Turns DnsClient's parsed records into <see cref="ResourceRecord"/> with RDATA in presentation form as BIND prints it
/// (names absolute with a trailing dot, character-strings quoted, hex upper case, unknown types as RFC 3597 \#).
/// </summary>
internal static class DnsClientRecordFormat
{
    public static ResourceRecord? ToResourceRecord(DnsResourceRecord record)
    {
        if (record.RecordClass != DnsClient.QueryClass.IN) return null;
        var type = new RecordType((ushort)record.RecordType);
        if (type.Code == 41) return null; // OPT pseudo-record
        if (!DomainName.TryParse(record.DomainName.Value, null, out var name, out _)) return null;
        var ttl = new Ttl((uint)Math.Clamp(record.InitialTimeToLive, 0, int.MaxValue));
        var data = Format(record);
        // one canonical form with the zone-file reader (e.g. how long hex and base64 fields are split)
        if (RdataFormat.TryCanonicalize(type, data, DomainName.Root, out var canonical, out _)) data = canonical;
        return new ResourceRecord(name, type, ttl, data);
    }

    public static string Format(DnsResourceRecord record) => record switch
    {
        ARecord a => a.Address.ToString(),
        AaaaRecord a => a.Address.ToString(),
        NsRecord ns => Name(ns.NSDName),
        CNameRecord c => Name(c.CanonicalName),
        PtrRecord p => Name(p.PtrDomainName),
        MxRecord mx => $"{mx.Preference.ToString(CultureInfo.InvariantCulture)} {Name(mx.Exchange)}",
        TxtRecord t => string.Join(' ', t.Text.Select(Quote)),
        SrvRecord s => string.Create(CultureInfo.InvariantCulture, $"{s.Priority} {s.Weight} {s.Port} {Name(s.Target)}"),
        SoaRecord s => string.Create(CultureInfo.InvariantCulture,
            $"{Name(s.MName)} {Name(s.RName)} {s.Serial} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}"),
        CaaRecord c => string.Create(CultureInfo.InvariantCulture, $"{c.Flags} {c.Tag} {Quote(c.Value)}"),
        DsRecord d => string.Create(CultureInfo.InvariantCulture, $"{d.KeyTag} {(int)d.Algorithm} {(int)d.DigestType} {Convert.ToHexString(d.Digest.ToArray())}"),
        DnsKeyRecord k => string.Create(CultureInfo.InvariantCulture, $"{k.Flags} {k.Protocol} {(int)k.Algorithm} {Convert.ToBase64String(k.PublicKey.ToArray())}"),
        HInfoRecord h => $"{Quote(h.Cpu)} {Quote(h.OS)}",
        SshfpRecord s => string.Create(CultureInfo.InvariantCulture, $"{(int)s.Algorithm} {(int)s.FingerprintType} {s.Fingerprint.ToUpperInvariant()}"),
        TlsaRecord t => string.Create(CultureInfo.InvariantCulture,
            $"{(int)t.CertificateUsage} {(int)t.Selector} {(int)t.MatchingType} {Convert.ToHexString(t.CertificateAssociationData.ToArray())}"),
        NAPtrRecord n => string.Create(CultureInfo.InvariantCulture,
            $"{n.Order} {n.Preference} {Quote(n.Flags)} {Quote(n.Services)} {Quote(n.RegularExpression)} {Name(n.Replacement)}"),
        UnknownRecord u => Unknown(u.Data.ToArray()),
        _ => Fallback(record),
    };

    private static string Name(DnsClient.DnsString s)
    {
        var v = s.Value;
        return v.EndsWith('.') ? v : v + ".";
    }

    /// <summary>A character-string quoted as BIND prints it: '"' and '\' escaped, other non-printables as \DDD.</summary>
    internal static string Quote(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (var b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\') sb.Append('\\').Append((char)b);
            else if (b < 0x20 || b >= 0x7F) sb.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        return sb.Append('"').ToString();
    }

    private static string Unknown(byte[] data) =>
        data.Length == 0 ? @"\# 0" : $@"\# {data.Length.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexString(data)}";

    private static string Fallback(DnsResourceRecord record)
    {
        // ToString prints "owner ttl class type rdata"; keep the rdata.
        var text = record.ToString();
        var parts = text.Split((char[]?)null, 5, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 5 ? parts[4] : text;
    }
}
