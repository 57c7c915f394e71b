using System.Globalization;
using System.Text.RegularExpressions;

namespace Migrator.Web.Display;

/// <summary>A piece of a message: plain text, or an instant that was written into it as UTC text.</summary>
public readonly record struct TimeTextPart(string? Text, DateTimeOffset? At);

/// <summary>
/// Core writes instants into its messages as UTC text ("2026-12-02 10:15:00Z", or ISO 8601 with an offset). A page
/// splits such a message so that each instant is shown like every other time: in the viewer's zone, UTC on hover.
/// </summary>
public static partial class TimeText
{
    [GeneratedRegex(@"(?<![\d-])\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Instant();

    /// <summary>The message in order; joined back, the text parts and the instants' original text give the message again.</summary>
    public static IReadOnlyList<TimeTextPart> Split(string? message)
    {
        if (string.IsNullOrEmpty(message)) return [];
        var parts = new List<TimeTextPart>();
        var at = 0;
        foreach (Match m in Instant().Matches(message))
        {
            if (!DateTimeOffset.TryParse(m.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)) continue;
            if (m.Index > at) parts.Add(new(message[at..m.Index], null));
            parts.Add(new(null, instant));
            at = m.Index + m.Length;
        }
        if (at < message.Length) parts.Add(new(message[at..], null));
        return parts;
    }
}
