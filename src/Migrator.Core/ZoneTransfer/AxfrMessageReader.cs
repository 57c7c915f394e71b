using System.Buffers.Binary;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.ZoneTransfer;

/// <summary>
/// Reads the answer records of raw AXFR messages straight from the wire: owner names and RDATA names decompressed,
/// RDATA printed by <see cref="RdataFormat.FromWire"/>. ARSoft's own record text loses data (an empty CAA value
/// disappears, for one), so the records are taken from the bytes and ARSoft only runs the exchange and TSIG.
/// </summary>
internal static class AxfrMessageReader
{
    /// <summary>Types whose RDATA may hold compressed names: RFC 1035's (RFC 3597 §4) and those BIND decompresses on input.</summary>
    private static readonly Dictionary<ushort, NameLayout> NameLayouts = new()
    {
        [2] = new(0, 1), [3] = new(0, 1), [4] = new(0, 1), [5] = new(0, 1), [7] = new(0, 1), [8] = new(0, 1),
        [9] = new(0, 1), [12] = new(0, 1), [39] = new(0, 1), // NS MD MF CNAME MB MG MR PTR DNAME
        [6] = new(0, 2),        // SOA: MNAME RNAME, then 20 octets
        [14] = new(0, 2),       // MINFO
        [17] = new(0, 2),       // RP
        [15] = new(2, 1), [18] = new(2, 1), [21] = new(2, 1), [36] = new(2, 1), // MX AFSDB RT KX
        [26] = new(2, 2),       // PX
        [33] = new(6, 1),       // SRV
    };

    private readonly record struct NameLayout(int Prefix, int Names);

    public static bool TryReadAnswers(byte[] message, List<ResourceRecord> records, out string error)
    {
        error = "";
        if (message.Length < 12) { error = "message shorter than a DNS header"; return false; }
        var qd = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4));
        var an = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6));
        var pos = 12;
        for (var i = 0; i < qd; i++)
        {
            if (!TryReadName(message, ref pos, out _, out error)) return false;
            pos += 4;
        }
        for (var i = 0; i < an; i++)
        {
            if (!TryReadName(message, ref pos, out var owner, out error)) return false;
            if (pos + 10 > message.Length) { error = "record header runs past the end of the message"; return false; }
            var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(pos));
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(pos + 4));
            var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(pos + 8));
            pos += 10;
            if (pos + length > message.Length) { error = "RDATA runs past the end of the message"; return false; }
            var rdata = message.AsSpan(pos, length);
            byte[] wire;
            if (NameLayouts.TryGetValue(type, out var layout))
            {
                if (!TryDecompress(message, pos, length, layout, out wire, out error)) return false;
            }
            else wire = rdata.ToArray();
            pos += length;

            var recordType = new RecordType(type);
            string data;
            try { data = RdataFormat.FromWire(recordType, wire); }
            catch (FormatException e) { error = $"{recordType} RDATA of {owner} is malformed: {e.Message}"; return false; }
            // RFC 2181 §8: a TTL with the top bit set is treated as zero.
            records.Add(new ResourceRecord(owner, recordType, new Ttl(ttl > Ttl.Max ? 0 : ttl), data));
        }
        return true;
    }

    private static bool TryDecompress(byte[] message, int start, int length, NameLayout layout, out byte[] wire, out string error)
    {
        wire = [];
        var end = start + length;
        if (length < layout.Prefix) { error = "RDATA too short"; return false; }
        var output = new List<byte>(length + 64);
        output.AddRange(message.AsSpan(start, layout.Prefix));
        var pos = start + layout.Prefix;
        for (var n = 0; n < layout.Names; n++)
        {
            if (!TryReadName(message, ref pos, out var name, out error)) return false;
            if (pos > end) { error = "a name in the RDATA runs past its length"; return false; }
            for (var i = 0; i < name.LabelCount; i++)
            {
                var label = name.Label(i);
                output.Add((byte)label.Length);
                output.AddRange(label);
            }
            output.Add(0);
        }
        output.AddRange(message.AsSpan(pos, end - pos));
        wire = [.. output];
        error = "";
        return true;
    }

    /// <summary>Reads a possibly compressed name at <paramref name="pos"/> and advances past its in-place part.</summary>
    internal static bool TryReadName(byte[] message, ref int pos, out DomainName name, out string error)
    {
        name = DomainName.Root; error = "";
        var labels = new List<byte[]>();
        var cursor = pos;
        var jumped = false;
        for (var jumps = 0; ;)
        {
            if (cursor >= message.Length) { error = "name runs past the end of the message"; return false; }
            var len = message[cursor];
            if (len == 0) { cursor++; break; }
            if ((len & 0xC0) == 0xC0)
            {
                if (cursor + 1 >= message.Length) { error = "truncated compression pointer"; return false; }
                if (++jumps > 127) { error = "compression pointer loop"; return false; }
                var target = ((len & 0x3F) << 8) | message[cursor + 1];
                if (!jumped) { pos = cursor + 2; jumped = true; }
                cursor = target;
                continue;
            }
            if ((len & 0xC0) != 0) { error = $"unsupported label type 0x{len:X2}"; return false; }
            if (cursor + 1 + len > message.Length) { error = "label runs past the end of the message"; return false; }
            labels.Add(message.AsSpan(cursor + 1, len).ToArray());
            cursor += 1 + len;
        }
        if (!jumped) pos = cursor;
        try { name = labels.Count == 0 ? DomainName.Root : DomainName.FromLabels(labels); }
        catch (FormatException e) { error = e.Message; return false; }
        return true;
    }
}
