using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// SHA-256 over a canonical serialisation of a plan. Every field is length-prefixed (so no value can forge a field
/// boundary), names are lower-cased, and values are sorted ordinally, so the hash depends only on what the plan does.
/// </summary>
internal static class PlanHasher
{
    private const string FormatTag = "migrator-plan-v1";

    public static string Compute(DomainName zone, int existingSetCount, IReadOnlyList<RecordChange> changes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(4096);
        WriteString(buffer, FormatTag);
        WriteString(buffer, zone.ToLowerString());
        WriteInt(buffer, existingSetCount);
        WriteInt(buffer, changes.Count);
        foreach (var c in changes)
        {
            WriteInt(buffer, (int)c.Kind);
            WriteString(buffer, c.Key.Name.ToLowerString());
            WriteInt(buffer, c.Key.Type.Code);
            WriteString(buffer, c.Key.SetIdentifier);
            WriteSet(buffer, c.Existing);
            WriteSet(buffer, c.Desired);
            if (buffer.WrittenCount > 64 * 1024) Flush(hash, buffer);
        }
        Flush(hash, buffer);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Flush(IncrementalHash hash, ArrayBufferWriter<byte> buffer)
    {
        hash.AppendData(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
    }

    private static void WriteSet(ArrayBufferWriter<byte> buffer, RecordSet? set)
    {
        if (set is null) { WriteInt(buffer, -1); return; }
        WriteInt(buffer, unchecked((int)set.Ttl.Seconds));
        var values = set.Values.ToArray();
        Array.Sort(values, StringComparer.Ordinal);
        WriteInt(buffer, values.Length);
        foreach (var v in values) WriteString(buffer, v);
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null) { WriteInt(buffer, -1); return; }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt(buffer, count);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(count));
        buffer.Advance(count);
    }
}
