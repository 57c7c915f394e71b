using Migrator.Core.Tsig;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneTransfer;

/// <summary>
/// Verifies the TSIG signatures of every message of a zone transfer (RFC 8945 §5.3.1): the first against the
/// request's MAC, each later signed message against the previous MAC and all messages since, at most 99 unsigned
/// messages in a row, and the last message signed. ARSoft checks only the first message, so a forged later message
/// would otherwise go unnoticed.
/// </summary>
internal static class TsigVerifier
{
    private const ushort TsigType = 250;
    private const int MaxUnsignedRun = 99;

    public static bool TryVerify(byte[] request, IReadOnlyList<byte[]> messages, TsigKey key, DateTimeOffset now, out string error)
    {
        if (!TryFindTsig(request, out var requestTsig, out error) || requestTsig is null)
            throw new InvalidOperationException($"the signed query carries no readable TSIG: {error}");
        var requestMac = requestTsig.Value.Mac;
        using var hmac = key.CreateHmac();
        if (hmac is null) { error = ""; return true; } // no .NET HMAC for this algorithm: ARSoft's first-message check stands
        var previousMac = requestMac;
        var pending = new List<byte[]>();
        var first = true;
        for (var m = 0; m < messages.Count; m++)
        {
            if (!TryFindTsig(messages[m], out var tsig, out error)) { error = $"message {m + 1}: {error}"; return false; }
            if (tsig is null)
            {
                if (first) { error = "message 1 is not signed"; return false; }
                pending.Add(messages[m]);
                if (pending.Count > MaxUnsignedRun) { error = $"more than {MaxUnsignedRun} unsigned messages in a row (RFC 8945 §5.3.1)"; return false; }
                continue;
            }
            var t = tsig.Value;
            if (!t.KeyName.Equals(key.Name)) { error = $"message {m + 1} is signed with key {t.KeyName}, not {key.Name}"; return false; }

            var digest = new List<byte>(messages[m].Length + 256);
            AppendUInt16(digest, (ushort)previousMac.Length);
            digest.AddRange(previousMac);
            foreach (var p in pending) digest.AddRange(p);
            digest.AddRange(StripTsig(messages[m], t));
            if (first)
            {
                AppendName(digest, t.KeyName);
                AppendUInt16(digest, 255); // class ANY
                digest.AddRange(new byte[4]); // TTL 0
                digest.AddRange(t.AlgorithmWire);
                digest.AddRange(messages[m].AsSpan(t.TimeOffset, 8).ToArray()); // time signed, fudge
                digest.AddRange(messages[m].AsSpan(t.ErrorOffset, 4 + t.OtherLength).ToArray()); // error, other len, other data
            }
            else digest.AddRange(messages[m].AsSpan(t.TimeOffset, 8).ToArray()); // RFC 8945 §5.3.1: timers only

            var expected = hmac.ComputeHash([.. digest]);
            if (t.Mac.Length < 10 || t.Mac.Length > expected.Length
                || !CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, t.Mac.Length), t.Mac))
            { error = $"the signature of message {m + 1} does not verify (forged or altered in transit)"; return false; }
            var signed = DateTimeOffset.FromUnixTimeSeconds(t.TimeSigned);
            if ((now - signed).Duration() > TimeSpan.FromSeconds(t.Fudge))
            { error = $"message {m + 1} was signed at {signed:u}, outside the {t.Fudge} s fudge of this clock ({now:u})"; return false; }

            previousMac = t.Mac;
            pending.Clear();
            first = false;
        }
        if (pending.Count > 0) { error = "the last message of the transfer is not signed"; return false; }
        error = "";
        return true;
    }

    private readonly record struct TsigInfo(DomainName KeyName, byte[] AlgorithmWire, int RecordStart, int TimeOffset, long TimeSigned,
        ushort Fudge, byte[] Mac, ushort OriginalId, int ErrorOffset, int OtherLength);

    /// <summary>Finds the TSIG record (last in the additional section), or null when the message is unsigned.</summary>
    private static bool TryFindTsig(byte[] message, out TsigInfo? tsig, out string error)
    {
        tsig = null; error = "";
        if (message.Length < 12) { error = "shorter than a DNS header"; return false; }
        int qd = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4)), an = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)),
            ns = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(8)), ar = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10));
        var pos = 12;
        for (var i = 0; i < qd; i++)
        {
            if (!AxfrMessageReader.TryReadName(message, ref pos, out _, out error)) return false;
            pos += 4;
        }
        for (var i = 0; i < an + ns + ar; i++)
        {
            var start = pos;
            if (!AxfrMessageReader.TryReadName(message, ref pos, out var owner, out error)) return false;
            if (pos + 10 > message.Length) { error = "truncated record"; return false; }
            var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(pos));
            var rdlength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(pos + 8));
            var rdata = pos + 10;
            pos = rdata + rdlength;
            if (pos > message.Length) { error = "truncated RDATA"; return false; }
            if (type != TsigType) continue;
            if (i != an + ns + ar - 1) { error = "TSIG is not the last record"; return false; }

            var p = rdata;
            if (!AxfrMessageReader.TryReadName(message, ref p, out var algorithm, out error)) return false;
            var algorithmWire = ToCanonicalWire(algorithm);
            var timeOffset = p;
            var timeSigned = ((long)BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(p)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(p + 2));
            var fudge = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(p + 6));
            var macSize = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(p + 8));
            var mac = message.AsSpan(p + 10, macSize).ToArray();
            p += 10 + macSize;
            var originalId = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(p));
            var errorOffset = p + 2;
            var otherLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(p + 4));
            tsig = new TsigInfo(owner, algorithmWire, start, timeOffset, timeSigned, fudge, mac, originalId, errorOffset, otherLength);
        }
        return true;
    }

    /// <summary>The message as it was before signing: TSIG removed, ARCOUNT one less, the original ID restored.</summary>
    private static byte[] StripTsig(byte[] message, TsigInfo tsig)
    {
        var copy = message.AsSpan(0, tsig.RecordStart).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(copy, tsig.OriginalId);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(10)) - 1));
        return copy;
    }

    private static byte[] ToCanonicalWire(DomainName name)
    {
        var bytes = new List<byte>();
        AppendName(bytes, name);
        return [.. bytes];
    }

    /// <summary>Canonical wire form (RFC 4034 §6.2): uncompressed, ASCII letters lower-cased.</summary>
    private static void AppendName(List<byte> bytes, DomainName name)
    {
        for (var i = 0; i < name.LabelCount; i++)
        {
            var label = name.Label(i);
            bytes.Add((byte)label.Length);
            foreach (var b in label) bytes.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
        }
        bytes.Add(0);
    }

    private static void AppendUInt16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
