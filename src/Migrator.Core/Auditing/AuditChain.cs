using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Core.Auditing;

/// <summary>What verification found: the first row that breaks the chain, or none.</summary>
public sealed record AuditChainReport(long RowsChecked, long LegacyRows, AuditChainBreak? FirstBreak, string? HeadHash)
{
    public bool Intact => FirstBreak is null;
}

public enum AuditChainBreakKind { Changed, Removed, Inserted }

/// <summary>Where the chain breaks: <see cref="RowId"/> is the first row that no longer follows from the rows before it.</summary>
public sealed record AuditChainBreak(AuditChainBreakKind Kind, long RowId, long? Sequence, string Message);

/// <summary>
/// The audit log's tamper evidence. Every row carries Sequence = previous + 1 and
/// Hash = SHA-256(previous hash ‖ sequence ‖ time (ms) ‖ actor ‖ action ‖ target ‖ details), each field length-prefixed.
/// Changing a row breaks its own hash; removing one leaves a gap in the sequence; inserting one duplicates a sequence
/// number or carries no hash. Exported JSON lines keep the hashes, so a copy kept elsewhere pins the head.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first row.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(string previousHash, long sequence, AuditEvent e)
    {
        using var buffer = new MemoryStream();
        Field(buffer, previousHash);
        Field(buffer, sequence.ToString(CultureInfo.InvariantCulture));
        // Milliseconds: the database keeps times to 0.1 ms (EF's DateTimeOffset-to-binary conversion), so full ticks would not survive a round trip.
        Field(buffer, (e.At.UtcTicks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture));
        Field(buffer, e.Actor);
        Field(buffer, e.Action);
        Field(buffer, e.Target);
        Field(buffer, e.Details);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void Field(Stream s, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            s.Write(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        s.Write(length);
        s.Write(bytes);
    }

    /// <summary>
    /// Seals the audit events being added in <paramref name="db"/> onto the end of the chain. Call inside a write
    /// transaction (SQLite: BEGIN IMMEDIATE), so no other writer can read the same head.
    /// </summary>
    internal static async Task SealAddedAsync(MigratorDbContext db, IReadOnlyList<AuditEvent> added, CancellationToken cancellationToken)
    {
        var head = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null)
            .OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        var sequence = head?.Sequence ?? 0;
        var hash = head?.Hash ?? Genesis;
        foreach (var e in added)
        {
            sequence++;
            hash = ComputeHash(hash, sequence, e);
            e.Seal(sequence, hash);
        }
    }

    /// <summary>Walks the whole log in chain order and reports the first row that was changed, removed or inserted.</summary>
    public static async Task<AuditChainReport> VerifyAsync(MigratorDbContext db, CancellationToken cancellationToken = default)
    {
        var firstSealedId = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).MinAsync(e => (long?)e.Id, cancellationToken);
        var rows = db.AuditEvents.AsNoTracking()
            .OrderBy(e => e.Sequence == null ? 0 : 1).ThenBy(e => e.Sequence).ThenBy(e => e.Id)
            .AsAsyncEnumerable();
        return await VerifyAsync(rows, firstSealedId, cancellationToken);
    }

    /// <summary>
    /// Same walk over rows already ordered: unsealed rows first by id, then by sequence. Unsealed rows are accepted
    /// only below <paramref name="firstSealedId"/> (written before the chain existed).
    /// </summary>
    public static async Task<AuditChainReport> VerifyAsync(IAsyncEnumerable<AuditEvent> ordered, long? firstSealedId, CancellationToken cancellationToken = default)
    {
        long checkedRows = 0, legacy = 0, expected = 1;
        var previous = Genesis;
        var seenSealed = false;
        await foreach (var e in ordered.WithCancellation(cancellationToken))
        {
            checkedRows++;
            if (e.Sequence is null || e.Hash is null)
            {
                if (e.Sequence is not null || e.Hash is not null)
                    return Report(new AuditChainBreak(AuditChainBreakKind.Changed, e.Id, e.Sequence, $"row {e.Id} has a sequence or a hash but not both"));
                if (firstSealedId is { } first && e.Id > first)
                    return Report(new AuditChainBreak(AuditChainBreakKind.Inserted, e.Id, null, $"row {e.Id} carries no hash but comes after the chain began: it was inserted"));
                legacy++;
                continue;
            }
            seenSealed = true;
            var sequence = e.Sequence.Value;
            if (sequence < expected)
                return Report(new AuditChainBreak(AuditChainBreakKind.Inserted, e.Id, sequence,
                    $"row {e.Id} repeats sequence number {sequence}: a row was inserted into the chain"));
            if (sequence > expected)
                return Report(new AuditChainBreak(AuditChainBreakKind.Removed, e.Id, sequence,
                    $"sequence {expected}{(sequence - 1 > expected ? $"–{sequence - 1}" : "")} is missing before row {e.Id}: {(sequence - expected == 1 ? "a row was" : $"{sequence - expected} rows were")} removed"));
            var recomputed = ComputeHash(previous, sequence, e);
            if (!string.Equals(recomputed, e.Hash, StringComparison.Ordinal))
                return Report(new AuditChainBreak(AuditChainBreakKind.Changed, e.Id, sequence,
                    $"row {e.Id} (sequence {sequence}) does not match its hash: it was changed"));
            previous = e.Hash;
            expected++;
        }
        return new AuditChainReport(checkedRows, legacy, null, seenSealed ? previous : null);

        AuditChainReport Report(AuditChainBreak b) => new(checkedRows, legacy, b, null);
    }
}
