using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

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
        if (type == RecordType.TXT || type == RecordType.SPF) return CharacterStrings.Format(CharacterStrings.Parse(data, EscapeBase.Decimal), EscapeBase.Octal);
        return data;
    }

    /// <summary>A Route 53 value → canonical presentation form (names get a trailing dot, strings BIND escapes).</summary>
    public static string FromRoute53(RecordType type, string value)
    {
        if (type == RecordType.TXT || type == RecordType.SPF) return CharacterStrings.Format(CharacterStrings.Parse(value, EscapeBase.Octal), EscapeBase.Decimal);
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
}
