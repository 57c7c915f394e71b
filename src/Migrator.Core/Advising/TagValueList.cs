namespace Migrator.Core.Advising;

/// <summary>
/// A "tag=value; tag=value" list as DMARC (RFC 7489 §6.4), TLS-RPT (RFC 8460 §3), MTA-STS (RFC 8461 §3.1) and DKIM
/// (RFC 6376 §3.2) publish them. Invariant: tags keep their order; a list that does not parse has an <see cref="Error"/>.
/// </summary>
public sealed record TagValueList(IReadOnlyList<KeyValuePair<string, string>> Tags, string? Error)
{
    public string? First => Tags.Count > 0 ? Tags[0].Key : null;

    /// <summary>The value of the first occurrence of <paramref name="tag"/> (tags compared case-insensitively).</summary>
    public string? this[string tag] => Tags.FirstOrDefault(t => t.Key.Equals(tag, StringComparison.OrdinalIgnoreCase)).Value;

    public int Occurrences(string tag) => Tags.Count(t => t.Key.Equals(tag, StringComparison.OrdinalIgnoreCase));

    public static TagValueList Parse(string text)
    {
        var tags = new List<KeyValuePair<string, string>>();
        var parts = text.Split(';');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim(' ', '\t', '\r', '\n');
            if (part.Length == 0)
            {
                // a trailing ';' is allowed; an empty tag between two separators is not
                if (i == parts.Length - 1) continue;
                return new TagValueList(tags, "empty tag between two ';'");
            }
            var eq = part.IndexOf('=');
            if (eq <= 0) return new TagValueList(tags, $"'{part}' is not tag=value");
            var name = part[..eq].Trim();
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || !char.IsAsciiLetter(name[0]))
                return new TagValueList(tags, $"'{name}' is not a valid tag name");
            tags.Add(new(name, part[(eq + 1)..].Trim()));
        }
        return new TagValueList(tags, null);
    }
}
