using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// Schema-driven RDATA codec: each supported type is a sequence of fields; presentation is parsed to wire and
/// wire is printed the way BIND 9.18 prints it (hex/base64 in groups of 56 characters, strings always quoted).
/// </summary>
internal static class RdataCodec
{
    private enum F
    {
        U8, U16, U32, Period, Name, IPv4, IPv6, CharString, CharStrings, Base64, Hex, CaaTag, CaaValue, SvcParams,
        TypeCovered, SigTime, TypeBitmap, Salt, NextHashed, UriTarget, Eui48, Eui64, Loc,
        Algorithm, DigestType, CertType, CertAlgorithm, Apl, IpsecGateway, Hip,
    }

    private static readonly Dictionary<ushort, F[]> Schemas = new()
    {
        [RecordType.A.Code] = [F.IPv4],
        [RecordType.NS.Code] = [F.Name],
        [RecordType.CNAME.Code] = [F.Name],
        [RecordType.DNAME.Code] = [F.Name],
        [RecordType.PTR.Code] = [F.Name],
        [RecordType.SOA.Code] = [F.Name, F.Name, F.U32, F.Period, F.Period, F.Period, F.Period],
        [RecordType.HINFO.Code] = [F.CharString, F.CharString],
        [RecordType.MX.Code] = [F.U16, F.Name],
        [RecordType.TXT.Code] = [F.CharStrings],
        [RecordType.SPF.Code] = [F.CharStrings],
        [RecordType.RP.Code] = [F.Name, F.Name],
        [RecordType.AFSDB.Code] = [F.U16, F.Name],
        [RecordType.AAAA.Code] = [F.IPv6],
        [RecordType.SRV.Code] = [F.U16, F.U16, F.U16, F.Name],
        [RecordType.NAPTR.Code] = [F.U16, F.U16, F.CharString, F.CharString, F.CharString, F.Name],
        [RecordType.KX.Code] = [F.U16, F.Name],
        [RecordType.DS.Code] = [F.U16, F.Algorithm, F.DigestType, F.Hex],
        [RecordType.CDS.Code] = [F.U16, F.Algorithm, F.DigestType, F.Hex],
        [RecordType.CERT.Code] = [F.CertType, F.U16, F.CertAlgorithm, F.Base64],
        [RecordType.SSHFP.Code] = [F.U8, F.U8, F.Hex],
        [RecordType.DNSKEY.Code] = [F.U16, F.U8, F.Algorithm, F.Base64],
        [RecordType.CDNSKEY.Code] = [F.U16, F.U8, F.Algorithm, F.Base64],
        [RecordType.TLSA.Code] = [F.U8, F.U8, F.U8, F.Hex],
        [RecordType.SMIMEA.Code] = [F.U8, F.U8, F.U8, F.Hex],
        [RecordType.OPENPGPKEY.Code] = [F.Base64],
        [RecordType.SVCB.Code] = [F.U16, F.Name, F.SvcParams],
        [RecordType.HTTPS.Code] = [F.U16, F.Name, F.SvcParams],
        [RecordType.CAA.Code] = [F.U8, F.CaaTag, F.CaaValue],
        [RecordType.RRSIG.Code] = [F.TypeCovered, F.Algorithm, F.U8, F.U32, F.SigTime, F.SigTime, F.U16, F.Name, F.Base64],
        [RecordType.NSEC.Code] = [F.Name, F.TypeBitmap],
        [RecordType.NSEC3.Code] = [F.U8, F.U8, F.U16, F.Salt, F.NextHashed, F.TypeBitmap],
        [RecordType.NSEC3PARAM.Code] = [F.U8, F.U8, F.U16, F.Salt],
        [RecordType.URI.Code] = [F.U16, F.U16, F.UriTarget],
        [RecordType.EUI48.Code] = [F.Eui48],
        [RecordType.EUI64.Code] = [F.Eui64],
        [RecordType.DHCID.Code] = [F.Base64],
        [RecordType.ZONEMD.Code] = [F.U32, F.U8, F.U8, F.Hex],
        [RecordType.CSYNC.Code] = [F.U32, F.U16, F.TypeBitmap],
        [RecordType.LOC.Code] = [F.Loc],
        [RecordType.APL.Code] = [F.Apl],
        [RecordType.IPSECKEY.Code] = [F.U8, F.U8, F.U8, F.IpsecGateway, F.Base64],
        [RecordType.HIP.Code] = [F.Hip],
    };

    // Reused per thread: parsing and printing millions of records should not allocate a buffer for each.
    [ThreadStatic] private static List<byte>? t_parseBuffer;
    [ThreadStatic] private static StringBuilder? t_formatBuilder;

    public static bool HasSchema(RecordType type) => Schemas.ContainsKey(type.Code);

    /// <summary>Types BIND knows by name but whose presentation form we do not implement: refused with a clear message.</summary>
    private static bool IsKnownButUnsupported(RecordType type) => type.Mnemonic is not null && !HasSchema(type);

    public static bool TryParse(RecordType type, IReadOnlyList<RdataToken> tokens, DomainName origin,
        out Rdata rdata, out string error, out int errorToken)
    {
        rdata = null!;
        errorToken = -1;
        if (type.Code is 0 or 41 or >= 249 and <= 255)
        { error = $"type {type} cannot appear in a zone file"; errorToken = -1; return false; }

        if (tokens.Count > 0 && !tokens[0].Quoted && tokens[0].Text == "\\#")
        {
            if (!TryParseGeneric(tokens, out var wire, out error, out errorToken)) return false;
            if (IsKnownButUnsupported(type)) { error = UnsupportedMessage(type); errorToken = 0; return false; }
            if (HasSchema(type) && !TryFormat(type, wire, out _, out var why))
            { error = $"generic data is not valid {type} data: {why}"; errorToken = 0; return false; }
            rdata = new Rdata(type, wire);
            return true;
        }
        if (!Schemas.TryGetValue(type.Code, out var schema))
        {
            error = type.Mnemonic is null
                ? $"unknown type {type} must use the generic form '\\# length hex' (RFC 3597)"
                : UnsupportedMessage(type);
            errorToken = tokens.Count > 0 ? 0 : -1;
            return false;
        }
        var buf = t_parseBuffer ??= new List<byte>(256);
        buf.Clear();
        var t = 0;
        foreach (var field in schema)
        {
            if (!ParseField(type, field, tokens, ref t, origin, buf, out error, out errorToken)) return false;
        }
        if (t < tokens.Count) { error = $"extra input text '{tokens[t].Text}'"; errorToken = t; return false; }
        var bytes = buf.ToArray();
        if (!ValidateSemantics(type, bytes, out error)) { errorToken = 0; return false; }
        rdata = new Rdata(type, bytes);
        error = "";
        return true;
    }

    private static string UnsupportedMessage(RecordType type) =>
        $"{type} records are not supported by this reader yet";

    private static bool TryParseGeneric(IReadOnlyList<RdataToken> tokens, out byte[] wire, out string error, out int errorToken)
    {
        wire = [];
        if (tokens.Count < 2) { error = "generic data '\\#' needs a length"; errorToken = -1; return false; }
        if (!int.TryParse(tokens[1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 65535)
        { error = $"bad length '{tokens[1].Text}' in generic data"; errorToken = 1; return false; }
        var hex = new StringBuilder();
        for (var i = 2; i < tokens.Count; i++)
        {
            if (tokens[i].Quoted) { error = "quoted text in generic data"; errorToken = i; return false; }
            hex.Append(tokens[i].Text);
        }
        if (!TryHex(hex.ToString(), out wire)) { error = "bad hex encoding in generic data"; errorToken = 2; return false; }
        if (wire.Length != length)
        { error = $"generic data length {length} does not match {wire.Length} octets of data"; errorToken = 1; return false; }
        error = ""; errorToken = -1;
        return true;
    }

    private static bool Need(IReadOnlyList<RdataToken> tokens, int t, out string error, out int errorToken)
    {
        if (t < tokens.Count) { error = ""; errorToken = -1; return true; }
        error = "unexpected end of input"; errorToken = -1; return false;
    }

    private static bool ParseField(RecordType type, F field, IReadOnlyList<RdataToken> tokens, ref int t, DomainName origin,
        List<byte> buf, out string error, out int errorToken)
    {
        error = ""; errorToken = -1;
        switch (field)
        {
            case F.U8:
            case F.U16:
            case F.U32:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (tok.Quoted || !ulong.TryParse(tok.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                { error = $"'{tok.Text}' is not a valid number"; errorToken = t; return false; }
                var max = field switch { F.U8 => 255UL, F.U16 => 65535UL, _ => uint.MaxValue };
                if (v > max) { error = $"{v} is out of range (0–{max})"; errorToken = t; return false; }
                if (field == F.U8) buf.Add((byte)v);
                else if (field == F.U16) AddU16(buf, (ushort)v);
                else AddU32(buf, (uint)v);
                t++;
                return true;
            }
            case F.Period:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (tok.Quoted || !TryParsePeriod(tok.Text, out var v))
                { error = $"'{tok.Text}' is not a valid number or time period"; errorToken = t; return false; }
                AddU32(buf, v);
                t++;
                return true;
            }
            case F.Name:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (tok.Quoted) { error = $"quoted text \"{tok.Text}\" where a domain name is expected"; errorToken = t; return false; }
                if (!DomainName.TryParse(tok.Text, origin, out var name, out var why)) { error = why; errorToken = t; return false; }
                AddName(buf, name);
                t++;
                return true;
            }
            case F.IPv4:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (tok.Quoted || !TryParseIPv4(tok.Text, out var bytes))
                { error = $"'{tok.Text}' is not a valid IPv4 address"; errorToken = t; return false; }
                buf.AddRange(bytes);
                t++;
                return true;
            }
            case F.IPv6:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (tok.Quoted || !TryParseIPv6(tok.Text, out var bytes))
                { error = $"'{tok.Text}' is not a valid IPv6 address"; errorToken = t; return false; }
                buf.AddRange(bytes);
                t++;
                return true;
            }
            case F.CharString:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!TryAddCharString(tokens[t], buf, out error)) { errorToken = t; return false; }
                t++;
                return true;
            }
            case F.CharStrings:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                for (; t < tokens.Count; t++)
                    if (!TryAddCharString(tokens[t], buf, out error)) { errorToken = t; return false; }
                return true;
            }
            case F.Base64:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var start = t;
                var sb = new StringBuilder();
                for (; t < tokens.Count; t++) sb.Append(tokens[t].Text);
                var text = sb.ToString();
                var bytes = new byte[text.Length * 3 / 4 + 3];
                if (!Convert.TryFromBase64String(text, bytes, out var n) || text.Contains(' '))
                { error = "bad base64 encoding"; errorToken = start; return false; }
                buf.AddRange(bytes.AsSpan(0, n).ToArray());
                return true;
            }
            case F.Hex:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var start = t;
                var sb = new StringBuilder();
                for (; t < tokens.Count; t++) sb.Append(tokens[t].Text);
                if (!TryHex(sb.ToString(), out var bytes) || bytes.Length == 0)
                { error = "bad hex encoding"; errorToken = start; return false; }
                buf.AddRange(bytes);
                return true;
            }
            case F.CaaTag:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var tok = tokens[t];
                if (!CharacterStrings.TryUnescape(tok.Text, EscapeBase.Decimal, out var tag, out error)) { errorToken = t; return false; }
                if (tag.Length is 0 or > 255 || tag.Any(b => !char.IsAsciiLetterOrDigit((char)b)))
                { error = $"CAA tag '{tok.Text}' must be 1–255 letters or digits"; errorToken = t; return false; }
                buf.Add((byte)tag.Length);
                buf.AddRange(tag);
                t++;
                return true;
            }
            case F.CaaValue:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!CharacterStrings.TryUnescape(tokens[t].Text, EscapeBase.Decimal, out var value, out error)) { errorToken = t; return false; }
                buf.AddRange(value);
                t++;
                return true;
            }
            case F.SvcParams:
                return SvcParams.TryParse(tokens, ref t, buf, out error, out errorToken);
            case F.TypeCovered:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!RecordType.TryParse(tokens[t].Text, out var covered)) { error = $"unknown type '{tokens[t].Text}'"; errorToken = t; return false; }
                AddU16(buf, covered.Code);
                t++;
                return true;
            }
            case F.SigTime:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!DnssecFields.TryParseTime(tokens[t].Text, out var v)) { error = $"'{tokens[t].Text}' is not a valid signature time (YYYYMMDDHHmmSS)"; errorToken = t; return false; }
                AddU32(buf, v);
                t++;
                return true;
            }
            case F.TypeBitmap:
            {
                var types = new SortedSet<ushort>();
                for (; t < tokens.Count; t++)
                {
                    if (tokens[t].Quoted || !RecordType.TryParse(tokens[t].Text, out var bt)) { error = $"unknown type '{tokens[t].Text}'"; errorToken = t; return false; }
                    types.Add(bt.Code);
                }
                DnssecFields.AddTypeBitmap(buf, types);
                return true;
            }
            case F.Salt:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var text = tokens[t].Text;
                if (text == "-") { buf.Add(0); t++; return true; }
                if (!TryHex(text, out var salt) || salt.Length > 255) { error = $"bad salt '{text}'"; errorToken = t; return false; }
                buf.Add((byte)salt.Length); buf.AddRange(salt);
                t++;
                return true;
            }
            case F.NextHashed:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!DnssecFields.TryBase32Hex(tokens[t].Text, out var hash) || hash.Length is 0 or > 255) { error = $"bad base32hex '{tokens[t].Text}'"; errorToken = t; return false; }
                buf.Add((byte)hash.Length); buf.AddRange(hash);
                t++;
                return true;
            }
            case F.UriTarget:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                if (!tokens[t].Quoted) { error = "URI target must be a quoted string"; errorToken = t; return false; }
                if (!CharacterStrings.TryUnescape(tokens[t].Text, EscapeBase.Decimal, out var target, out error)) { errorToken = t; return false; }
                if (target.Length == 0) { error = "URI target is empty"; errorToken = t; return false; }
                buf.AddRange(target);
                t++;
                return true;
            }
            case F.Eui48:
            case F.Eui64:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var n = field == F.Eui48 ? 6 : 8;
                var parts = tokens[t].Text.Split('-');
                if (parts.Length != n || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiHexDigit)))
                { error = $"'{tokens[t].Text}' is not a valid EUI{n * 8}"; errorToken = t; return false; }
                foreach (var p in parts) buf.Add(Convert.FromHexString(p)[0]);
                t++;
                return true;
            }
            case F.Loc:
                return LocField.TryParse(tokens, ref t, buf, out error, out errorToken);
            case F.Apl:
                return AplField.TryParse(tokens, ref t, buf, out error, out errorToken);
            case F.IpsecGateway:
                return IpsecKeyField.TryParseGateway(tokens, ref t, origin, buf, out error, out errorToken);
            case F.Hip:
                return HipField.TryParse(tokens, ref t, origin, buf, out error, out errorToken);
            case F.Algorithm:
            case F.DigestType:
            case F.CertType:
            case F.CertAlgorithm:
            {
                if (!Need(tokens, t, out error, out errorToken)) return false;
                var table = field switch { F.DigestType => Mnemonics.DigestTypes, F.CertType => Mnemonics.CertTypes, _ => Mnemonics.Algorithms };
                var max = field == F.CertType ? 65535 : 255;
                if (tokens[t].Quoted || !Mnemonics.TryParse(table, tokens[t].Text, max, out var v))
                { error = $"'{tokens[t].Text}' is not a valid number or mnemonic"; errorToken = t; return false; }
                if (field == F.CertType) AddU16(buf, (ushort)v); else buf.Add((byte)v);
                t++;
                return true;
            }
            default:
                throw new InvalidOperationException($"field {field} of {type}");
        }
    }

    /// <summary>Checks BIND applies beyond syntax (digest and fingerprint lengths of known algorithms).</summary>
    private static bool ValidateSemantics(RecordType type, byte[] wire, out string error)
    {
        error = "";
        if (type == RecordType.DS || type == RecordType.CDS)
        {
            var expected = wire[3] switch { 1 => 20, 2 => 32, 3 => 32, 4 => 48, _ => -1 };
            if (expected > 0 && wire.Length - 4 != expected)
            { error = $"DS digest type {wire[3]} needs {expected} octets, found {wire.Length - 4}"; return false; }
        }
        if (type == RecordType.RRSIG && wire.Length > 18)
        {
            // The labels field counts the owner's labels, and the owner is at or below the signer (BIND: out of range).
            var signerLabels = 0;
            for (var p = 18; p < wire.Length && wire[p] != 0; p += 1 + wire[p]) signerLabels++;
            if (wire[3] < signerLabels) { error = $"out of range: labels field {wire[3]} is below the signer's {signerLabels} labels"; return false; }
        }
        if (type == RecordType.NSEC)
        {
            var p = 0;
            while (p < wire.Length && wire[p] != 0) p += 1 + wire[p];
            if (p + 1 >= wire.Length) { error = "NSEC needs at least one type in its bitmap"; return false; }
        }
        if (type == RecordType.ZONEMD && wire.Length >= 6)
        {
            var expected = wire[5] switch { 1 => 48, 2 => 64, _ => -1 };
            if (wire[4] == 1 && expected > 0 && wire.Length - 6 != expected)
            { error = $"ZONEMD hash algorithm {wire[5]} needs {expected} octets, found {wire.Length - 6}"; return false; }
        }
        if (type == RecordType.SSHFP)
        {
            var expected = wire[1] switch { 1 => 20, 2 => 32, _ => -1 };
            if (expected > 0 && wire.Length - 2 != expected)
            { error = $"SSHFP fingerprint type {wire[1]} needs {expected} octets, found {wire.Length - 2}"; return false; }
        }
        return true;
    }

    // ---- formatting -------------------------------------------------------------------------------------------

    public static bool TryFormat(RecordType type, byte[] wire, out string text, out string error)
    {
        text = ""; error = "";
        if (!Schemas.TryGetValue(type.Code, out var schema))
        {
            if (IsKnownButUnsupported(type)) { error = UnsupportedMessage(type); return false; }
            text = FormatGeneric(wire);
            return true;
        }
        var sb = t_formatBuilder ??= new StringBuilder(256);
        sb.Clear();
        var p = 0;
        for (var i = 0; i < schema.Length; i++)
        {
            // Trailing lists (SvcParams, type bitmaps) may be empty: then no separator.
            if (i > 0 && !((schema[i] == F.SvcParams || schema[i] == F.TypeBitmap) && p == wire.Length)) sb.Append(' ');
            if (!FormatField(schema[i], wire, ref p, sb, out error)) return false;
        }
        if (p != wire.Length) { error = "trailing octets after the data"; return false; }
        if (!ValidateSemantics(type, wire, out error)) return false;
        text = sb.ToString();
        return true;
    }

    private static string FormatGeneric(byte[] wire)
    {
        if (wire.Length == 0) return "\\# 0";
        var sb = new StringBuilder(wire.Length * 2 + 10);
        sb.Append("\\# ").Append(wire.Length.ToString(CultureInfo.InvariantCulture)).Append(' ');
        AppendGrouped(sb, Convert.ToHexString(wire));
        return sb.ToString();
    }

    private static void AppendGrouped(StringBuilder sb, string s)
    {
        for (var i = 0; i < s.Length; i += 56)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(s, i, Math.Min(56, s.Length - i));
        }
    }

    private static bool FormatField(F field, byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        switch (field)
        {
            case F.U8:
                if (p + 1 > w.Length) return Truncated(out error);
                sb.Append(w[p].ToString(CultureInfo.InvariantCulture)); p += 1; return true;
            case F.U16:
                if (p + 2 > w.Length) return Truncated(out error);
                sb.Append(BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p)).ToString(CultureInfo.InvariantCulture)); p += 2; return true;
            case F.U32:
            case F.Period:
                if (p + 4 > w.Length) return Truncated(out error);
                sb.Append(BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(p)).ToString(CultureInfo.InvariantCulture)); p += 4; return true;
            case F.Name:
                return TryFormatName(w, ref p, sb, out error);
            case F.IPv4:
                if (p + 4 > w.Length) return Truncated(out error);
                Span<char> ipv4 = stackalloc char[15];
                sb.Append(ipv4[..FormatIPv4(w.AsSpan(p, 4), ipv4)]);
                p += 4; return true;
            case F.IPv6:
                if (p + 16 > w.Length) return Truncated(out error);
                sb.Append(FormatIPv6(w.AsSpan(p, 16))); p += 16; return true;
            case F.CharString:
                if (p + 1 > w.Length || p + 1 + w[p] > w.Length) return Truncated(out error);
                CharacterStrings.AppendQuoted(sb, w.AsSpan(p + 1, w[p])); p += 1 + w[p]; return true;
            case F.CharStrings:
            {
                if (p >= w.Length) return Truncated(out error);
                var first = true;
                while (p < w.Length)
                {
                    if (p + 1 + w[p] > w.Length) return Truncated(out error);
                    if (!first) sb.Append(' ');
                    CharacterStrings.AppendQuoted(sb, w.AsSpan(p + 1, w[p])); p += 1 + w[p]; first = false;
                }
                return true;
            }
            case F.Base64:
                if (p >= w.Length) return Truncated(out error);
                AppendGrouped(sb, Convert.ToBase64String(w, p, w.Length - p)); p = w.Length; return true;
            case F.Hex:
                if (p >= w.Length) return Truncated(out error);
                AppendGrouped(sb, Convert.ToHexString(w, p, w.Length - p)); p = w.Length; return true;
            case F.CaaTag:
            {
                if (p + 1 > w.Length || w[p] == 0 || p + 1 + w[p] > w.Length) return Truncated(out error);
                var tag = w.AsSpan(p + 1, w[p]);
                foreach (var b in tag)
                    if (!char.IsAsciiLetterOrDigit((char)b)) { error = "CAA tag must be letters or digits"; return false; }
                sb.Append(Encoding.ASCII.GetString(tag)); p += 1 + w[p]; return true;
            }
            case F.CaaValue:
                CharacterStrings.AppendQuoted(sb, w.AsSpan(p)); p = w.Length; return true;
            case F.SvcParams:
                return SvcParams.TryFormat(w, ref p, sb, out error);
            case F.TypeCovered:
                if (p + 2 > w.Length) return Truncated(out error);
                sb.Append(new RecordType(BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p))).ToString()); p += 2; return true;
            case F.SigTime:
                if (p + 4 > w.Length) return Truncated(out error);
                sb.Append(DnssecFields.FormatTime(BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(p)))); p += 4; return true;
            case F.TypeBitmap:
            {
                if (!DnssecFields.TryReadTypeBitmap(w.AsSpan(p), out var types)) { error = "bad type bitmap"; return false; }
                p = w.Length;
                if (types.Count > 0 && sb.Length > 0 && sb[^1] == ' ') sb.Length--;
                foreach (var code in types) sb.Append(' ').Append(new RecordType(code).ToString());
                return true;
            }
            case F.Salt:
            {
                if (p + 1 > w.Length || p + 1 + w[p] > w.Length) return Truncated(out error);
                sb.Append(w[p] == 0 ? "-" : Convert.ToHexString(w, p + 1, w[p])); p += 1 + w[p]; return true;
            }
            case F.NextHashed:
            {
                if (p + 1 > w.Length || w[p] == 0 || p + 1 + w[p] > w.Length) return Truncated(out error);
                sb.Append(DnssecFields.ToBase32Hex(w.AsSpan(p + 1, w[p]))); p += 1 + w[p]; return true;
            }
            case F.UriTarget:
                if (p >= w.Length) return Truncated(out error);
                CharacterStrings.AppendQuoted(sb, w.AsSpan(p)); p = w.Length; return true;
            case F.Eui48:
            case F.Eui64:
            {
                var n = field == F.Eui48 ? 6 : 8;
                if (p + n > w.Length) return Truncated(out error);
                sb.Append(string.Join('-', w.Skip(p).Take(n).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))); p += n; return true;
            }
            case F.Loc:
                return LocField.TryFormat(w, ref p, sb, out error);
            case F.Apl:
                return AplField.TryFormat(w, ref p, sb, out error);
            case F.IpsecGateway:
                return IpsecKeyField.TryFormatGateway(w, ref p, sb, out error);
            case F.Hip:
                return HipField.TryFormat(w, ref p, sb, out error);
            case F.Algorithm:
            case F.DigestType:
                return FormatField(F.U8, w, ref p, sb, out error);
            case F.CertType:
                if (p + 2 > w.Length) return Truncated(out error);
                sb.Append(Mnemonics.Format(Mnemonics.CertTypes, BinaryPrimitives.ReadUInt16BigEndian(w.AsSpan(p)))); p += 2; return true;
            case F.CertAlgorithm:
                if (p + 1 > w.Length) return Truncated(out error);
                sb.Append(Mnemonics.Format(Mnemonics.Algorithms, w[p])); p += 1; return true;
            default:
                throw new InvalidOperationException($"field {field}");
        }
    }

    private static bool Truncated(out string error) { error = "RDATA is truncated"; return false; }

    // ---- shared helpers ---------------------------------------------------------------------------------------

    internal static void AddU16(List<byte> buf, ushort v) { buf.Add((byte)(v >> 8)); buf.Add((byte)v); }
    internal static void AddU32(List<byte> buf, uint v) { buf.Add((byte)(v >> 24)); buf.Add((byte)(v >> 16)); buf.Add((byte)(v >> 8)); buf.Add((byte)v); }

    internal static void AddName(List<byte> buf, DomainName name)
    {
        for (var i = 0; i < name.LabelCount; i++)
        {
            var l = name.Label(i);
            buf.Add((byte)l.Length);
            foreach (var b in l) buf.Add(b);
        }
        buf.Add(0);
    }

    internal static bool TryFormatName(byte[] w, ref int p, StringBuilder sb, out string error)
    {
        error = "";
        var total = 0;
        var any = false;
        while (true)
        {
            if (p >= w.Length) return Truncated(out error);
            int len = w[p];
            if (len == 0) { p++; break; }
            if (len > 63) { error = "compressed or invalid label in RDATA name"; return false; }
            if (p + 1 + len > w.Length) return Truncated(out error);
            total += len + 1;
            if (total + 1 > DomainName.MaxWireLength) { error = "name in RDATA is longer than 255 octets"; return false; }
            DomainName.AppendLabel(sb, w.AsSpan(p + 1, len));
            sb.Append('.');
            p += 1 + len;
            any = true;
        }
        if (!any) sb.Append('.');
        return true;
    }

    private static bool TryAddCharString(RdataToken tok, List<byte> buf, out string error)
    {
        if (!CharacterStrings.TryUnescape(tok.Text, EscapeBase.Decimal, out var bytes, out error)) return false;
        if (bytes.Length > 255) { error = $"character string of {bytes.Length} octets exceeds 255 (split it into several quoted strings)"; return false; }
        buf.Add((byte)bytes.Length);
        buf.AddRange(bytes);
        return true;
    }

    internal static bool TryHex(string s, out byte[] bytes)
    {
        bytes = [];
        if (s.Length % 2 != 0) return false;
        foreach (var c in s) if (!char.IsAsciiHexDigit(c)) return false;
        bytes = Convert.FromHexString(s);
        return true;
    }

    /// <summary>Unsigned 32-bit number, or a BIND time period such as 1h30m (SOA timers).</summary>
    internal static bool TryParsePeriod(string text, out uint value)
    {
        value = 0;
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
            return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!Ttl.TryParseUnbounded(text, out var v)) return false;
        value = v;
        return true;
    }

    /// <summary>Dotted quad exactly as inet_pton accepts it: four decimal parts 0–255, no leading '+' or spaces.</summary>
    internal static bool TryParseIPv4(ReadOnlySpan<char> s, out byte[] bytes)
    {
        bytes = new byte[4];
        var part = 0; var value = 0; var digits = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                if (digits > 0 && value == 0) return false; // inet_pton refuses leading zeros such as "01"
                value = value * 10 + (c - '0'); digits++;
                if (value > 255) return false;
            }
            else if (c == '.')
            {
                if (digits == 0 || part == 3) return false;
                bytes[part++] = (byte)value; value = 0; digits = 0;
            }
            else return false;
        }
        if (digits == 0 || part != 3) return false;
        bytes[3] = (byte)value;
        return true;
    }

    internal static bool TryParseIPv6(string s, out byte[] bytes)
    {
        bytes = [];
        if (s.Length == 0 || s.Contains('%') || s.Contains('/') || s.Contains('[') || !s.Contains(':')) return false;
        if (!IPAddress.TryParse(s, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        // IPAddress accepts forms inet_pton refuses (e.g. more than 4 hex digits is refused by both; embedded IPv4 with
        // leading zeros is accepted by .NET): re-check the embedded dotted quad.
        var lastColon = s.LastIndexOf(':');
        var tail = s.AsSpan(lastColon + 1);
        if (tail.Contains('.') && !TryParseIPv4(tail, out _)) return false;
        foreach (var range in s.AsSpan().Split(':'))
        {
            var group = s.AsSpan(range);
            if (!group.Contains('.') && group.Length > 4) return false;
        }
        bytes = new byte[16];
        return ip.TryWriteBytes(bytes, out _);
    }

    /// <summary>RFC 5952 text as inet_ntop prints it (BIND uses inet_ntop).</summary>
    /// <summary>Dotted-decimal text of the 4 octets, as inet_ntop prints it.</summary>
    internal static string FormatIPv4(ReadOnlySpan<byte> b)
    {
        Span<char> text = stackalloc char[15];
        return new string(text[..FormatIPv4(b, text)]);
    }

    /// <summary>As <see cref="FormatIPv4(ReadOnlySpan{byte})"/>, into <paramref name="destination"/> (15 characters); returns the length.</summary>
    private static int FormatIPv4(ReadOnlySpan<byte> b, Span<char> destination)
    {
        var n = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) destination[n++] = '.';
            b[i].TryFormat(destination[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
        }
        return n;
    }

    internal static string FormatIPv6(ReadOnlySpan<byte> b)
    {
        // glibc inet_ntop: ::ffff:a.b.c.d for mapped addresses, ::a.b.c.d when only the last 32 bits are set and
        // the first of those 16-bit words is not zero.
        var zeros10 = true;
        for (var i = 0; i < 10; i++) if (b[i] != 0) { zeros10 = false; break; }
        if (zeros10 && b[10] == 0xFF && b[11] == 0xFF)
            return $"::ffff:{b[12]}.{b[13]}.{b[14]}.{b[15]}";
        if (zeros10 && b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0))
            return $"::{b[12]}.{b[13]}.{b[14]}.{b[15]}";
        Span<ushort> words = stackalloc ushort[8];
        for (var i = 0; i < 8; i++) words[i] = (ushort)(b[2 * i] << 8 | b[2 * i + 1]);
        int bestStart = -1, bestLen = 0;
        for (var i = 0; i < 8;)
        {
            if (words[i] != 0) { i++; continue; }
            var j = i;
            while (j < 8 && words[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        if (bestLen < 2) bestStart = -1;
        Span<char> text = stackalloc char[40];
        var n = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text[n++] = ':'; text[n++] = ':';
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && !(bestStart >= 0 && i == bestStart + bestLen)) text[n++] = ':';
            words[i].TryFormat(text[n..], out var written, "x", CultureInfo.InvariantCulture);
            n += written;
        }
        return new string(text[..n]);
    }
}
