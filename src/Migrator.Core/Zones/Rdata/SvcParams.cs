using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>SVCB/HTTPS SvcParams (RFC 9460) in the forms BIND 9.18 reads and prints (keys sorted, alpn quoted).</summary>
internal static class SvcParams
{
    private static readonly string[] Names = ["mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"];

    private static bool TryKey(string name, out ushort key)
    {
        key = 0;
        var i = Array.FindIndex(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i >= 0) { key = (ushort)i; return true; }
        if (name.Equals("dohpath", StringComparison.OrdinalIgnoreCase)) { key = 7; return true; }
        if (name.Length > 3 && name.StartsWith("key", StringComparison.OrdinalIgnoreCase)
            && name[3..].All(char.IsAsciiDigit)
            && ushort.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out key) && key != 65535)
            return true;
        return false;
    }

    private static string KeyName(ushort key) => key < Names.Length ? Names[key] : $"key{key}";

    public static bool TryParse(IReadOnlyList<RdataToken> tokens, ref int t, List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        var pars = new SortedDictionary<ushort, byte[]>();
        for (; t < tokens.Count; t++)
        {
            var tok = tokens[t];
            var at = t;
            if (tok.Quoted) { error = $"quoted text \"{tok.Text}\" where an SvcParam key is expected"; errorToken = t; return false; }
            var eq = tok.Text.IndexOf('=');
            var name = eq < 0 ? tok.Text : tok.Text[..eq];
            string? rawValue = eq < 0 ? null : tok.Text[(eq + 1)..];
            if (rawValue is "" && t + 1 < tokens.Count && tokens[t + 1].Quoted) { rawValue = tokens[t + 1].Text; t++; }
            if (!TryKey(name, out var key)) { error = $"unknown SvcParam key '{name}'"; errorToken = at; return false; }
            if (pars.ContainsKey(key)) { error = $"duplicate SvcParam key '{name}'"; errorToken = at; return false; }
            byte[] value = [];
            if (rawValue is not null && !CharacterStrings.TryUnescape(rawValue, EscapeBase.Decimal, out value, out error)) { errorToken = at; return false; }
            if (!TryEncodeValue(key, rawValue is null ? null : value, out var wire, out error))
            { error = $"SvcParam {name}: {error}"; errorToken = at; return false; }
            pars[key] = wire;
        }
        if (pars.TryGetValue(0, out var mandatory))
        {
            for (var i = 0; i < mandatory.Length; i += 2)
            {
                var k = BinaryPrimitives.ReadUInt16BigEndian(mandatory.AsSpan(i));
                if (k == 0) { error = "mandatory may not list itself"; return false; }
                if (!pars.ContainsKey(k)) { error = $"mandatory key {KeyName(k)} is missing"; return false; }
            }
        }
        foreach (var (key, value) in pars)
        {
            RdataCodec.AddU16(buf, key);
            RdataCodec.AddU16(buf, (ushort)value.Length);
            buf.AddRange(value);
        }
        return true;
    }

    private static bool TryEncodeValue(ushort key, byte[]? value, out byte[] wire, out string error)
    {
        wire = []; error = "";
        var text = value is null ? null : Encoding.Latin1.GetString(value);
        switch (key)
        {
            case 0:
            {
                if (string.IsNullOrEmpty(text)) { error = "needs a value"; return false; }
                var keys = new SortedSet<ushort>();
                foreach (var part in text.Split(','))
                {
                    if (!TryKey(part, out var k)) { error = $"unknown key '{part}'"; return false; }
                    if (!keys.Add(k)) { error = $"duplicate key '{part}'"; return false; }
                }
                var list = new List<byte>();
                foreach (var k in keys) RdataCodec.AddU16(list, k);
                wire = list.ToArray();
                return true;
            }
            case 1:
            {
                if (value is null || value.Length == 0) { error = "needs a value"; return false; }
                var list = new List<byte>();
                var current = new List<byte>();
                for (var i = 0; i <= value.Length; i++)
                {
                    if (i == value.Length || value[i] == (byte)',')
                    {
                        if (current.Count is 0 or > 255) { error = "empty or too long ALPN id"; return false; }
                        list.Add((byte)current.Count); list.AddRange(current); current.Clear();
                        continue;
                    }
                    if (value[i] == (byte)'\\' && i + 1 < value.Length) i++;
                    current.Add(value[i]);
                }
                wire = list.ToArray();
                return true;
            }
            case 2:
                if (value is { Length: > 0 }) { error = "takes no value"; return false; }
                return true;
            case 3:
                if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port)) { error = "needs a port number"; return false; }
                wire = [(byte)(port >> 8), (byte)port];
                return true;
            case 4:
            case 6:
            {
                if (string.IsNullOrEmpty(text)) { error = "needs a value"; return false; }
                var list = new List<byte>();
                foreach (var part in text.Split(','))
                {
                    byte[] addr;
                    if (key == 4 ? !RdataCodec.TryParseIPv4(part, out addr) : !RdataCodec.TryParseIPv6(part, out addr))
                    { error = $"bad address '{part}'"; return false; }
                    list.AddRange(addr);
                }
                wire = list.ToArray();
                return true;
            }
            case 5:
            {
                if (string.IsNullOrEmpty(text)) { error = "needs a value"; return false; }
                var bytes = new byte[text.Length];
                if (!Convert.TryFromBase64String(text, bytes, out var n)) { error = "bad base64"; return false; }
                wire = bytes[..n];
                return true;
            }
            default:
                wire = value ?? [];
                return true;
        }
    }

    public static bool TryFormat(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        var first = true;
        var previous = -1;
        while (p < w.Length)
        {
            if (p + 4 > w.Length) { error = "RDATA is truncated"; return false; }
            var key = BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p));
            var len = BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p + 2));
            if (key <= previous) { error = "SvcParam keys out of order"; return false; }
            previous = key;
            if (p + 4 + len > w.Length) { error = "RDATA is truncated"; return false; }
            var v = w.AsSpan(p + 4, len);
            p += 4 + len;
            if (!first) sb.Append(' ');
            first = false;
            if (!FormatValue(key, v, sb, out error)) return false;
        }
        return true;
    }

    private static bool FormatValue(ushort key, ReadOnlySpan<byte> v, StringBuilder sb, out string error)
    {
        error = "";
        switch (key)
        {
            case 0:
                if (v.Length == 0 || v.Length % 2 != 0) { error = "bad mandatory list"; return false; }
                sb.Append("mandatory=");
                for (var i = 0; i < v.Length; i += 2)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(KeyName(BinaryPrimitives.ReadUInt16BigEndian(v[i..])));
                }
                return true;
            case 1:
            {
                if (v.Length == 0) { error = "empty alpn"; return false; }
                sb.Append("alpn=\"");
                var i = 0;
                var firstId = true;
                while (i < v.Length)
                {
                    int n = v[i];
                    if (n == 0 || i + 1 + n > v.Length) { error = "bad alpn"; return false; }
                    if (!firstId) sb.Append(',');
                    firstId = false;
                    foreach (var b in v.Slice(i + 1, n))
                    {
                        if (b is (byte)',' or (byte)'\\') sb.Append("\\\\").Append((char)b);
                        else if (b == (byte)'"') sb.Append("\\\"");
                        else if (b < 0x20 || b >= 0x7F) sb.Append('\\').Append(((int)b).ToString("D3", CultureInfo.InvariantCulture));
                        else sb.Append((char)b);
                    }
                    i += 1 + n;
                }
                sb.Append('"');
                return true;
            }
            case 2:
                if (v.Length != 0) { error = "no-default-alpn with a value"; return false; }
                sb.Append("no-default-alpn");
                return true;
            case 3:
                if (v.Length != 2) { error = "bad port"; return false; }
                sb.Append("port=").Append(BinaryPrimitives.ReadUInt16BigEndian(v));
                return true;
            case 4:
            case 6:
            {
                var size = key == 4 ? 4 : 16;
                if (v.Length == 0 || v.Length % size != 0) { error = "bad address hint"; return false; }
                sb.Append(key == 4 ? "ipv4hint=" : "ipv6hint=");
                for (var i = 0; i < v.Length; i += size)
                {
                    if (i > 0) sb.Append(',');
                    if (key == 4) sb.Append(v[i]).Append('.').Append(v[i + 1]).Append('.').Append(v[i + 2]).Append('.').Append(v[i + 3]);
                    else sb.Append(RdataCodec.FormatIPv6(v.Slice(i, 16)));
                }
                return true;
            }
            case 5:
                sb.Append("ech=").Append(Convert.ToBase64String(v));
                return true;
            default:
                sb.Append("key").Append(key.ToString(CultureInfo.InvariantCulture));
                if (v.Length > 0)
                {
                    sb.Append('=');
                    CharacterStrings.AppendQuoted(sb, v);
                }
                return true;
        }
    }
}
