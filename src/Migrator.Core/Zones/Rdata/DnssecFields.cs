using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>DNSSEC presentation pieces: signature times, NSEC type bitmaps (RFC 4034 §4.1.2), base32hex (RFC 4648 §7).</summary>
internal static class DnssecFields
{
    private const string Base32HexAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

    /// <summary>YYYYMMDDHHmmSS (UTC) or a plain number of seconds since the epoch, as BIND accepts.</summary>
    public static bool TryParseTime(string text, out uint value)
    {
        value = 0;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit)) return false;
        if (text.Length == 14)
        {
            if (!DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt)) return false;
            var seconds = (long)(dt - DateTime.UnixEpoch).TotalSeconds;
            value = unchecked((uint)seconds); // serial-number arithmetic (RFC 4034 §3.1.5)
            return true;
        }
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string FormatTime(uint value) =>
        DateTime.UnixEpoch.AddSeconds(value).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public static void AddTypeBitmap(List<byte> buf, SortedSet<ushort> types)
    {
        foreach (var window in types.GroupBy(t => t >> 8))
        {
            var bits = new byte[32];
            var max = 0;
            foreach (var t in window)
            {
                var low = t & 0xFF;
                bits[low / 8] |= (byte)(0x80 >> (low % 8));
                max = Math.Max(max, low / 8 + 1);
            }
            buf.Add((byte)window.Key);
            buf.Add((byte)max);
            buf.AddRange(bits.AsSpan(0, max).ToArray());
        }
    }

    public static bool TryReadTypeBitmap(ReadOnlySpan<byte> w, out List<ushort> types)
    {
        types = new List<ushort>();
        var previousWindow = -1;
        while (w.Length > 0)
        {
            if (w.Length < 2) return false;
            int window = w[0], len = w[1];
            if (window <= previousWindow || len is 0 or > 32 || w.Length < 2 + len) return false;
            previousWindow = window;
            for (var i = 0; i < len; i++)
                for (var b = 0; b < 8; b++)
                    if ((w[2 + i] & (0x80 >> b)) != 0) types.Add((ushort)(window << 8 | i * 8 + b));
            w = w[(2 + len)..];
        }
        return true;
    }

    public static bool TryBase32Hex(string text, out byte[] bytes)
    {
        bytes = [];
        var list = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            var v = Base32HexAlphabet.IndexOf(char.ToUpperInvariant(c));
            if (v < 0) return false;
            buffer = (buffer << 5) | v; bits += 5;
            if (bits >= 8) { bits -= 8; list.Add((byte)(buffer >> bits)); buffer &= (1 << bits) - 1; }
        }
        if (bits >= 5 || buffer != 0) return false;
        bytes = list.ToArray();
        return true;
    }

    public static string ToBase32Hex(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b; bits += 8;
            while (bits >= 5) { bits -= 5; sb.Append(Base32HexAlphabet[(buffer >> bits) & 31]); }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) sb.Append(Base32HexAlphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }
}
