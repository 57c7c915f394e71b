using System.Globalization;

namespace Migrator.Web.Display;

/// <summary>How times read on every page: the viewer's zone when known (UTC, labelled, until then), UTC on hover.</summary>
public static class TimeDisplay
{
    public static string Local(DateTimeOffset at, TimeZoneInfo? zone) =>
        zone is null
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC"
            : TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The exact instant for the hover text, always in UTC and to the second.</summary>
    public static string UtcTitle(DateTimeOffset at, TimeZoneInfo? zone) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
        + (zone is null || zone == TimeZoneInfo.Utc ? "" : $" (shown in {zone.Id})");

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>"in 4 min 05 s", "in 2 h 10 min", "due now" (and "overdue by …" once passed), to the second below an hour.</summary>
    public static string Until(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        if (left.Duration() < TimeSpan.FromSeconds(1)) return "due now";
        var text = Span(left.Duration());
        return left > TimeSpan.Zero ? $"in {text}" : $"overdue by {text}";
    }

    public static string Span(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays} d {span.Hours} h",
        { TotalHours: >= 1 } => $"{(int)span.TotalHours} h {span.Minutes:00} min",
        { TotalMinutes: >= 1 } => $"{(int)span.TotalMinutes} min {span.Seconds:00} s",
        _ => $"{span.Seconds} s",
    };

    public static TimeZoneInfo? FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
