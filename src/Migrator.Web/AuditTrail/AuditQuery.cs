using System.Globalization;
using CsvHelper;
using Migrator.Core.Auditing;

namespace Migrator.Web.AuditTrail;

public enum AuditPeriod { Any, LastHour, Last24Hours, Last7Days, Between }

/// <summary>
/// The audit page's filter as the viewer picks it (a migration, a person, a period in their own time zone), turned into
/// the <see cref="AuditFilter"/> the log understands and into the CSV link that exports exactly what is shown.
/// </summary>
public sealed record AuditQuery(Guid? MigrationId = null, string? Actor = null, AuditPeriod Period = AuditPeriod.Any, DateTime? FromDate = null, DateTime? ToDate = null)
{
    public const string ExportPath = "/audit/export.csv";

    /// <summary>Dates are calendar days in <paramref name="zone"/> (UTC when unknown); ToDate is included whole.</summary>
    public AuditFilter ToFilter(DateTimeOffset now, TimeZoneInfo? zone)
    {
        var (from, to) = Period switch
        {
            AuditPeriod.LastHour => (now.AddHours(-1), (DateTimeOffset?)null),
            AuditPeriod.Last24Hours => (now.AddDays(-1), null),
            AuditPeriod.Last7Days => (now.AddDays(-7), null),
            AuditPeriod.Between => (StartOfDay(FromDate, zone), StartOfDay(ToDate?.AddDays(1), zone)),
            _ => ((DateTimeOffset?)null, (DateTimeOffset?)null),
        };
        return new AuditFilter(MigrationId is { } id ? MigrationTarget(id) : null, string.IsNullOrWhiteSpace(Actor) ? null : Actor, from, to);
    }

    /// <summary>A period that cannot match anything says so instead of showing an empty table.</summary>
    public string? Problem => Period == AuditPeriod.Between && FromDate is { } f && ToDate is { } t && t < f
        ? "The end date is before the start date: pick an end date on or after the start date."
        : null;

    public static string MigrationTarget(Guid id) => $"migration:{id}";

    private static DateTimeOffset? StartOfDay(DateTime? date, TimeZoneInfo? zone)
    {
        if (date is not { } d) return null;
        var local = DateTime.SpecifyKind(d.Date, DateTimeKind.Unspecified);
        var z = zone ?? TimeZoneInfo.Utc;
        return new DateTimeOffset(local, z.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>Query string for <see cref="ExportPath"/>: the resolved UTC filter, so the file matches the screen.</summary>
    public static string ExportUrl(AuditFilter filter)
    {
        var parts = new List<string>();
        if (filter.Target is { } target) parts.Add("target=" + Uri.EscapeDataString(target));
        if (filter.Actor is { } actor) parts.Add("actor=" + Uri.EscapeDataString(actor));
        if (filter.From is { } from) parts.Add("from=" + Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        if (filter.To is { } to) parts.Add("to=" + Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        return parts.Count == 0 ? ExportPath : ExportPath + "?" + string.Join("&", parts);
    }

    // Zone names and reasons are user-typed: a cell starting with = + - @ would run as a formula in a spreadsheet.
    private static readonly CsvWriterOptions Csv = new() { Injection = CsvInjection.Escape };

    public static async Task WriteCsvAsync(IEnumerable<AuditEvent> events, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(writer, Csv, leaveOpen: true);
        await csv.WriteRecordAsync(["at_utc", "actor", "action", "target", "details"], cancellationToken);
        foreach (var e in events)
        {
            await csv.WriteRecordAsync(
                [e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target ?? "", e.Details ?? ""],
                cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }
}
