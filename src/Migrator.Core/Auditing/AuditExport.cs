using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Core.Auditing;

/// <summary>The audit log as JSON lines in chain order, hashes included, for keeping a copy off the machine.</summary>
public static class AuditExport
{
    public static async Task WriteJsonLinesAsync(MigratorDbContext db, Stream output, CancellationToken cancellationToken = default)
    {
        var newline = "\n"u8.ToArray();
        var rows = db.AuditEvents.AsNoTracking()
            .OrderBy(e => e.Sequence == null ? 0 : 1).ThenBy(e => e.Sequence).ThenBy(e => e.Id)
            .AsAsyncEnumerable();
        await foreach (var e in rows.WithCancellation(cancellationToken))
        {
            await using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", e.Id);
                if (e.Sequence is { } seq) writer.WriteNumber("sequence", seq); else writer.WriteNull("sequence");
                writer.WriteString("at", e.At);
                writer.WriteString("actor", e.Actor);
                writer.WriteString("action", e.Action);
                writer.WriteString("target", e.Target);
                writer.WriteString("details", e.Details);
                writer.WriteString("hash", e.Hash);
                writer.WriteEndObject();
            }
            await output.WriteAsync(newline, cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
    }
}
