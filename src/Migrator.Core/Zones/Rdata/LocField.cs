using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>LOC (RFC 1876) as BIND 9 reads and prints it, including its truncating size encoding (1.5m reads as 1m).</summary>
internal static class LocField
{
    private static readonly uint[] PowerOfTen = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
    private const uint Equator = 0x80000000;
    private const uint AltitudeBase = 10000000;

    public static bool TryParse(IReadOnlyList<RdataToken> tokens, ref int t, List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        if (!TryAngle(tokens, ref t, 90, "NS", out var lat, out error, out errorToken)) return false;
        if (!TryAngle(tokens, ref t, 180, "EW", out var lon, out error, out errorToken)) return false;
        if (t >= tokens.Count) { error = "unexpected end of input (altitude missing)"; return false; }
        if (!TryMeters(tokens[t].Text, allowNegative: true, out var altCm) || altCm < -10000000 || altCm > 4284967295L)
        { error = $"'{tokens[t].Text}' is not a valid altitude"; errorToken = t; return false; }
        t++;
        byte[] precision = [0x12, 0x16, 0x13]; // 1m, 10000m, 10m
        for (var k = 0; k < 3 && t < tokens.Count; k++, t++)
        {
            if (!TryMeters(tokens[t].Text, allowNegative: false, out var cm) || cm > 9000000000L)
            { error = $"'{tokens[t].Text}' is not a valid size or precision"; errorToken = t; return false; }
            precision[k] = Encode(cm);
        }
        buf.Add(0);
        buf.AddRange(precision);
        RdataCodec.AddU32(buf, lat);
        RdataCodec.AddU32(buf, lon);
        RdataCodec.AddU32(buf, (uint)(altCm + AltitudeBase));
        return true;
    }

    private static bool TryAngle(IReadOnlyList<RdataToken> tokens, ref int t, int maxDegrees, string hemispheres, out uint value, out string error, out int errorToken)
    {
        value = 0; error = ""; errorToken = -1;
        long d = 0, m = 0, ms = 0;
        var part = 0;
        while (true)
        {
            if (t >= tokens.Count) { error = "unexpected end of input in LOC coordinates"; return false; }
            var text = tokens[t].Text;
            if (text.Length == 1 && hemispheres.Contains(char.ToUpperInvariant(text[0])) && part > 0)
            {
                var total = ((d * 60 + m) * 60) * 1000 + ms;
                if (d > maxDegrees || total > maxDegrees * 3600000L) { error = $"LOC coordinate beyond {maxDegrees} degrees"; errorToken = t; return false; }
                value = char.ToUpperInvariant(text[0]) == hemispheres[0] ? (uint)(Equator + total) : (uint)(Equator - total);
                t++;
                return true;
            }
            switch (part)
            {
                case 0 when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out d) && d <= maxDegrees: break;
                case 1 when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out m) && m < 60: break;
                case 2 when TrySeconds(text, out ms): break;
                default: error = $"'{text}' is not valid in LOC coordinates"; errorToken = t; return false;
            }
            part++;
            t++;
        }
    }

    private static bool TrySeconds(string text, out long ms)
    {
        ms = 0;
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var frac = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 || frac.Length > 3 || (dot >= 0 && frac.Length == 0)) return false;
        if (!long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s > 59) return false;
        if (frac.Length > 0 && !frac.All(char.IsAsciiDigit)) return false;
        ms = s * 1000 + (frac.Length == 0 ? 0 : long.Parse(frac.PadRight(3, '0'), CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Meters with up to two decimals and an optional 'm', in centimetres.</summary>
    private static bool TryMeters(string text, bool allowNegative, out long cm)
    {
        cm = 0;
        if (text.EndsWith('m') || text.EndsWith('M')) text = text[..^1];
        var negative = allowNegative && text.StartsWith('-');
        if (negative) text = text[1..];
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var frac = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 || whole.Length > 10 || frac.Length > 2 || (dot >= 0 && frac.Length == 0)) return false;
        if (!whole.All(char.IsAsciiDigit) || !frac.All(char.IsAsciiDigit)) return false;
        cm = long.Parse(whole, CultureInfo.InvariantCulture) * 100 + (frac.Length == 0 ? 0 : long.Parse(frac.PadRight(2, '0'), CultureInfo.InvariantCulture));
        if (negative) cm = -cm;
        return true;
    }

    /// <summary>BIND's encoding: the leading digit of the metres (or centimetres) and a power of ten; lower digits are dropped.</summary>
    private static byte Encode(long cm)
    {
        long m = cm / 100, c = cm % 100;
        int man, exp;
        if (m > 0)
        {
            for (exp = 0; exp < 7; exp++) if (m < PowerOfTen[exp + 1]) break;
            man = (int)(m / PowerOfTen[exp]);
            exp += 2;
        }
        else if (c >= 10) { man = (int)(c / 10); exp = 1; }
        else { man = (int)c; exp = 0; }
        return (byte)(man << 4 | exp);
    }

    public static bool TryFormat(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        if (p + 16 > w.Length) { error = "RDATA is truncated"; return false; }
        if (w[p] != 0) { error = $"LOC version {w[p]} is not supported"; return false; }
        var sizes = new string[3];
        for (var i = 0; i < 3; i++)
        {
            int b = w[p + 1 + i], man = b >> 4, exp = b & 0xF;
            if (man > 9 || exp > 9) { error = "bad LOC size or precision"; return false; }
            sizes[i] = exp > 1
                ? $"{man * (long)PowerOfTen[exp - 2]}m"
                : $"0.{man * PowerOfTen[exp]:D2}m";
        }
        var lat = BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(p + 4));
        var lon = BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(p + 8));
        var alt = BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(p + 12));
        if (!Angle(lat, 90, 'N', 'S', sb, out error)) return false;
        sb.Append(' ');
        if (!Angle(lon, 180, 'E', 'W', sb, out error)) return false;
        var below = alt < AltitudeBase;
        var a = below ? AltitudeBase - alt : alt - AltitudeBase;
        sb.Append(' ').Append(below ? "-" : "").Append(a / 100).Append('.').Append((a % 100).ToString("D2", CultureInfo.InvariantCulture)).Append('m');
        sb.Append(' ').Append(sizes[0]).Append(' ').Append(sizes[1]).Append(' ').Append(sizes[2]);
        p += 16;
        return true;
    }

    private static bool Angle(uint v, int maxDegrees, char positive, char negative, StringBuilder sb, out string error)
    {
        error = "";
        var north = v >= Equator;
        long x = north ? v - Equator : Equator - (long)v;
        if (x > maxDegrees * 3600000L) { error = "LOC coordinate out of range"; return false; }
        var ms = x % 1000; x /= 1000;
        var s = x % 60; x /= 60;
        var m = x % 60; x /= 60;
        sb.Append(x).Append(' ').Append(m).Append(' ').Append(s).Append('.').Append(ms.ToString("D3", CultureInfo.InvariantCulture)).Append(' ').Append(north ? positive : negative);
        return true;
    }
}
