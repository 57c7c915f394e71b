using System.Globalization;

namespace Migrator.Core.Probing;

/// <summary>RFC 4034 Appendix B key tag of a DNSKEY given in presentation form ("flags protocol algorithm base64").</summary>
public static class DnssecKeyTag
{
    public static ushort? FromPresentation(string dnskey)
    {
        var parts = dnskey.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4
            || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var flags)
            || !byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var protocol)
            || !byte.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var algorithm))
            return null;
        byte[] key;
        try { key = Convert.FromBase64String(string.Concat(parts[3].Where(c => !char.IsWhiteSpace(c)))); }
        catch (FormatException) { return null; }
        var rdata = new byte[4 + key.Length];
        rdata[0] = (byte)(flags >> 8); rdata[1] = (byte)flags; rdata[2] = protocol; rdata[3] = algorithm;
        key.CopyTo(rdata, 4);
        return Compute(rdata);
    }

    public static ushort Compute(ReadOnlySpan<byte> rdata)
    {
        uint ac = 0;
        for (var i = 0; i < rdata.Length; i++) ac += (i & 1) == 1 ? rdata[i] : (uint)rdata[i] << 8;
        ac += (ac >> 16) & 0xFFFF;
        return (ushort)(ac & 0xFFFF);
    }
}
