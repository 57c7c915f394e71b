using System.Buffers.Binary;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Probing;

/// <summary>
/// Minimal DNS message codec for the multiplexed probe: builds one-question queries with EDNS and reads responses,
/// decompressing names (also inside the RDATA of the RFC 1035 types that may be compressed) and formatting RDATA with
/// <see cref="RdataFormat"/>. Malformed input yields false, never an exception.
/// </summary>
internal static class DnsWire
{
    public const int HeaderLength = 12;

    public static byte[] BuildQuery(ushort id, DomainName name, RecordType type, bool recursion, ushort ednsSize)
    {
        var buf = new byte[HeaderLength + name.WireLength + 4 + 11];
        BinaryPrimitives.WriteUInt16BigEndian(buf, id);
        buf[2] = recursion ? (byte)0x01 : (byte)0x00;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(4), 1); // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(10), 1); // ARCOUNT (OPT)
        var p = HeaderLength;
        for (var i = 0; i < name.LabelCount; i++)
        {
            var label = name.Label(i);
            buf[p++] = (byte)label.Length;
            label.CopyTo(buf.AsSpan(p));
            p += label.Length;
        }
        buf[p++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(p), type.Code); p += 2;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(p), 1); p += 2;
        // OPT: root owner, type 41, class = UDP payload size, TTL 0, no options
        buf[p++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(p), 41); p += 2;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(p), ednsSize); p += 2;
        p += 4;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(p), 0);
        return buf;
    }

    public sealed record Parsed(ushort Id, int Rcode, bool Authoritative, bool Truncated, DomainName? QuestionName, RecordType QuestionType,
        IReadOnlyList<ResourceRecord> Answers, IReadOnlyList<ResourceRecord> Authorities, IReadOnlyList<ResourceRecord> Additionals);

    /// <param name="answersOnly">Skip the authority and additional sections when the answer section is not empty
    /// (bulk comparisons need only the answer; referrals and negative answers are still read whole).</param>
    public static bool TryParse(ReadOnlySpan<byte> msg, out Parsed parsed, bool answersOnly = false) =>
        TryParse(msg, null, out parsed, answersOnly);

    /// <summary>
    /// Reads <paramref name="msg"/> as the answer to <paramref name="query"/> (built by <see cref="BuildQuery"/> for
    /// <paramref name="name"/> and <paramref name="type"/>): false when it is malformed or asks another question (name
    /// compared case-insensitively, type exactly). When the question comes back byte for byte, names that point at it
    /// are <paramref name="name"/> itself rather than copies.
    /// </summary>
    public static bool TryParseAnswerTo(ReadOnlySpan<byte> msg, ReadOnlySpan<byte> query, DomainName name, RecordType type, bool answersOnly,
        out Parsed parsed)
    {
        var questionEnd = HeaderLength + name.WireLength + 4;
        if (msg.Length >= questionEnd && BinaryPrimitives.ReadUInt16BigEndian(msg[4..]) >= 1
            && msg[HeaderLength..questionEnd].SequenceEqual(query[HeaderLength..questionEnd]))
            return TryParse(msg, name, out parsed, answersOnly);
        // the question differs in case, class or encoding: read it and compare as names compare
        return TryParse(msg, null, out parsed, answersOnly) && parsed.QuestionName is { } q && q.Equals(name) && parsed.QuestionType == type;
    }

    /// <param name="question">When not null, the first question is known to be exactly this name's wire form (it is
    /// skipped, and a pointer to it reads as this object).</param>
    private static bool TryParse(ReadOnlySpan<byte> msg, DomainName? question, out Parsed parsed, bool answersOnly)
    {
        parsed = null!;
        if (msg.Length < HeaderLength) return false;
        var id = BinaryPrimitives.ReadUInt16BigEndian(msg);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(msg[2..]);
        if ((flags & 0x8000) == 0) return false; // not a response
        int qd = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(msg[6..]),
            ns = BinaryPrimitives.ReadUInt16BigEndian(msg[8..]), ar = BinaryPrimitives.ReadUInt16BigEndian(msg[10..]);
        var rcode = flags & 0x000F;
        var pos = HeaderLength;
        DomainName? qname = null;
        var qtype = default(RecordType);
        for (var i = 0; i < qd; i++)
        {
            DomainName n;
            if (i == 0 && question is not null) { n = question; pos += question.WireLength; }
            else if (!TryReadName(msg, ref pos, out n)) return false;
            if (pos + 4 > msg.Length) return false;
            if (i == 0) { qname = n; qtype = new RecordType(BinaryPrimitives.ReadUInt16BigEndian(msg[pos..])); }
            pos += 4;
        }
        if (!TryReadSection(msg, ref pos, an, question, ref rcode, out var answers)) return false;
        IReadOnlyList<ResourceRecord> authorities = [], additionals = [];
        if (!(answersOnly && answers.Count > 0)
            && (!TryReadSection(msg, ref pos, ns, question, ref rcode, out authorities) || !TryReadSection(msg, ref pos, ar, question, ref rcode, out additionals)))
            return false;
        parsed = new Parsed(id, rcode, (flags & 0x0400) != 0, (flags & 0x0200) != 0, qname, qtype, answers, authorities, additionals);
        return true;
    }

    private static bool TryReadSection(ReadOnlySpan<byte> msg, ref int pos, int count, DomainName? question, ref int rcode,
        out IReadOnlyList<ResourceRecord> records)
    {
        records = [];
        if (count == 0) return true;
        var into = new ResourceRecord[count];
        var filled = 0;
        for (var i = 0; i < count; i++)
        {
            DomainName owner;
            if (question is not null && pos + 1 < msg.Length && msg[pos] == 0xC0 && msg[pos + 1] == HeaderLength) { owner = question; pos += 2; }
            else if (!TryReadName(msg, ref pos, out owner)) return false;
            if (pos + 10 > msg.Length) return false;
            var type = new RecordType(BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]));
            var cls = BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(msg[(pos + 4)..]);
            var rdlen = BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 8)..]);
            pos += 10;
            if (pos + rdlen > msg.Length) return false;
            var rdataStart = pos;
            pos += rdlen;
            if (type.Code == 41) { rcode |= (int)((ttl >> 24) & 0xFF) << 4; continue; } // OPT: extended rcode
            if (cls != 1) continue;
            if (!TryRdata(msg, rdataStart, rdlen, type, out var data)) return false;
            into[filled++] = new ResourceRecord(owner, type, new Ttl(Math.Min(ttl, Ttl.Max)), data);
        }
        if (filled < count) Array.Resize(ref into, filled);
        records = into;
        return true;
    }

    /// <summary>RDATA to canonical text; names inside RFC 1035 types are decompressed first.</summary>
    private static bool TryRdata(ReadOnlySpan<byte> msg, int start, int length, RecordType type, out string text)
    {
        text = "";
        var rdata = msg.Slice(start, length);
        byte[]? uncompressed = null;
        var code = type.Code;
        if (code == 1 && length == 4) { text = RdataCodec.FormatIPv4(rdata); return true; }
        if (code == 28 && length == 16) { text = new System.Net.IPAddress(rdata).ToString(); return true; }
        if (code is 2 or 3 or 4 or 5 or 7 or 8 or 9 or 12 or 14 or 15 or 6)
        {
            var w = new List<byte>(length + 32);
            var p = start;
            var end = start + length;
            bool Name(ReadOnlySpan<byte> m, ref int q)
            {
                if (!TryReadName(m, ref q, out var n)) return false;
                for (var i = 0; i < n.LabelCount; i++) { var l = n.Label(i); w.Add((byte)l.Length); foreach (var b in l) w.Add(b); }
                w.Add(0);
                return true;
            }
            switch (code)
            {
                case 15: // MX: preference, exchange
                    if (length < 3) return false;
                    w.Add(msg[p]); w.Add(msg[p + 1]); p += 2;
                    if (!Name(msg, ref p)) return false;
                    break;
                case 6: // SOA: mname, rname, 5 × 32 bit
                case 14: // MINFO: two names
                    if (!Name(msg, ref p) || !Name(msg, ref p)) return false;
                    if (code == 6)
                    {
                        if (p + 20 > end) return false;
                        for (var i = 0; i < 20; i++) w.Add(msg[p + i]);
                        p += 20;
                    }
                    break;
                default:
                    if (!Name(msg, ref p)) return false;
                    break;
            }
            if (p != end) return false;
            uncompressed = w.ToArray();
        }
        if (!Rdata.TryFromWire(type, uncompressed ?? rdata, out var parsed, out _)) return false;
        text = parsed.ToString();
        return true;
    }

    public static bool TryReadName(ReadOnlySpan<byte> msg, ref int pos, out DomainName name)
    {
        name = DomainName.Root;
        var labels = new List<byte[]>(6);
        var p = pos;
        var jumped = false;
        var hops = 0;
        while (true)
        {
            if (p >= msg.Length) return false;
            var len = msg[p];
            if (len == 0) { p++; break; }
            if ((len & 0xC0) == 0xC0)
            {
                if (p + 1 >= msg.Length || ++hops > 64) return false;
                var target = ((len & 0x3F) << 8) | msg[p + 1];
                if (!jumped) { pos = p + 2; jumped = true; }
                if (target >= msg.Length) return false;
                p = target;
                continue;
            }
            if ((len & 0xC0) != 0 || p + 1 + len > msg.Length) return false;
            labels.Add(msg.Slice(p + 1, len).ToArray());
            p += 1 + len;
        }
        if (!jumped) pos = p;
        try { name = DomainName.FromLabels(labels); }
        catch (FormatException) { return false; }
        return true;
    }
}
