namespace Migrator.Core.Zones.Rdata;

/// <summary>Numbers BIND also accepts by name: DNSSEC algorithms, DS digest types, CERT types (RFC 4398).</summary>
internal static class Mnemonics
{
    public static readonly (string Name, int Value)[] Algorithms =
    [
        ("RSAMD5", 1), ("DH", 2), ("DSA", 3), ("ECC", 4), ("RSASHA1", 5), ("NSEC3DSA", 6), ("DSA-NSEC3-SHA1", 6),
        ("NSEC3RSASHA1", 7), ("RSASHA1-NSEC3-SHA1", 7), ("RSASHA256", 8), ("RSASHA512", 10), ("ECCGOST", 12),
        ("ECDSAP256SHA256", 13), ("ECDSAP384SHA384", 14), ("ED25519", 15), ("ED448", 16), ("INDIRECT", 252),
        ("PRIVATEDNS", 253), ("PRIVATEOID", 254),
    ];

    public static readonly (string Name, int Value)[] DigestTypes =
        [("SHA-1", 1), ("SHA1", 1), ("SHA-256", 2), ("SHA256", 2), ("GOST", 3), ("SHA-384", 4), ("SHA384", 4)];

    public static readonly (string Name, int Value)[] CertTypes =
    [
        ("PKIX", 1), ("SPKI", 2), ("PGP", 3), ("IPKIX", 4), ("ISPKI", 5), ("IPGP", 6), ("ACPKIX", 7), ("IACPKIX", 8),
        ("URI", 253), ("OID", 254),
    ];

    public static bool TryParse((string Name, int Value)[] table, string text, int max, out int value)
    {
        value = 0;
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value <= max;
        foreach (var (name, v) in table)
            if (name.Equals(text, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        return false;
    }

    public static string Format((string Name, int Value)[] table, int value)
    {
        foreach (var (name, v) in table) if (v == value) return name;
        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
