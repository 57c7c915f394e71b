using System.Globalization;
using System.Text;

namespace Migrator.Core.Zones;

/// <summary>A zone name as a person typed it, checked and converted: A-label form for DNS, Unicode form for people.</summary>
public sealed record ZoneNameCheck(DomainName Name, string Ascii, string Unicode)
{
    /// <summary>"xn--bcher-kva.de (bücher.de)" for internationalised names, the name alone otherwise.</summary>
    public string Display => ZoneNameInput.Display(Ascii);
}

/// <summary>
/// The one check for zone names that come from people (forms, the API), made before any other work. Unlike the
/// zone-file reader (<see cref="DomainName.TryParse(ReadOnlySpan{char}, DomainName?, out DomainName, out string)"/>,
/// which reads BIND's presentation format exactly), it accepts Unicode names and converts them to A-labels (UTS #46,
/// <see cref="IdnMapping"/>), and refuses what a person never means: control, format and bidi characters, escapes,
/// spaces, empty labels, and '*' anywhere (a wildcard is not a zone). Error messages quote at most
/// <see cref="MaxQuoted"/> characters of the input, with invisible characters shown as U+XXXX.
/// </summary>
public static class ZoneNameInput
{
    /// <summary>A name longer than this many characters is refused before it is looked at further.</summary>
    public const int MaxInputLength = 1024;
    public const int MaxQuoted = 64;
    /// <summary>Presentation length of the longest name (255 wire octets) without the final dot.</summary>
    public const int MaxNameLength = 253;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    public static bool TryCheck(string? text, out ZoneNameCheck? check, out string error)
    {
        check = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "a zone name is required"; return false; }
        if (text.Length > MaxInputLength)
        {
            error = $"the name is {text.Length} characters long; a domain name has at most {MaxNameLength}";
            return false;
        }
        var name = text.Trim();
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator or UnicodeCategory.PrivateUse
                or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                error = $"{Quote(name)} contains the invisible or control character U+{rune.Value:X4}";
                return false;
            }
            if (rune.Value == '\\') { error = $"{Quote(name)} contains a backslash; type the name without escapes"; return false; }
        }
        if (name.EndsWith('.')) name = name[..^1];
        if (name.Length == 0) { error = "the root is not a zone that can be migrated"; return false; }

        var labels = name.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label.Length == 0) { error = $"{Quote(text)} has an empty label (two dots in a row, or a leading dot)"; return false; }
            if (label.Contains('*'))
            {
                error = i == 0 && label == "*"
                    ? $"{Quote(text)} is a wildcard, not a zone"
                    : $"{Quote(text)}: '*' is allowed only as a whole leftmost label (a wildcard), and a wildcard is not a zone";
                return false;
            }
        }

        var ascii = new StringBuilder(name.Length + 16);
        foreach (var label in labels)
        {
            string a;
            if (label.All(char.IsAscii))
            {
                if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    error = $"{Quote(text)}: label {Quote(label)} may hold only letters, digits, '-' and '_'";
                    return false;
                }
                a = label.ToLowerInvariant();
            }
            else
            {
                try { a = Idn.GetAscii(label.ToLowerInvariant()); }
                catch (ArgumentException)
                {
                    error = $"{Quote(text)}: label {Quote(label)} is not a valid internationalised label (UTS #46)";
                    return false;
                }
            }
            if (a.Length > DomainName.MaxLabelLength)
            {
                error = $"{Quote(text)}: label {Quote(label)} is {a.Length} characters in A-label form; the limit is {DomainName.MaxLabelLength}";
                return false;
            }
            if (ascii.Length > 0) ascii.Append('.');
            ascii.Append(a);
        }
        if (ascii.Length > MaxNameLength)
        {
            error = $"{Quote(text)} is {ascii.Length} characters in A-label form; a domain name has at most {MaxNameLength}";
            return false;
        }
        var asciiName = ascii.ToString();
        if (!DomainName.TryParse(asciiName + ".", null, out var parsed, out var parseError))
        {
            error = $"{Quote(text)} is not a domain name: {parseError}";
            return false;
        }
        check = new ZoneNameCheck(parsed, asciiName, ToUnicode(asciiName));
        return true;
    }

    /// <summary>The Unicode form of an A-label name (unchanged when it holds no A-labels or they do not decode).</summary>
    public static string ToUnicode(string ascii)
    {
        var bare = ascii.TrimEnd('.');
        if (!bare.Contains("xn--", StringComparison.OrdinalIgnoreCase)) return bare;
        try { return Idn.GetUnicode(bare); }
        catch (ArgumentException) { return bare; }
    }

    /// <summary>"xn--bcher-kva.de (bücher.de)" for internationalised names, the name alone otherwise.</summary>
    public static string Display(string ascii)
    {
        var bare = ascii.TrimEnd('.');
        var unicode = ToUnicode(bare);
        return unicode == bare ? bare : $"{bare} ({unicode})";
    }

    /// <summary>At most <see cref="MaxQuoted"/> characters, in quotes, invisible characters as U+XXXX.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder("'");
        var shown = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (shown++ == MaxQuoted) { sb.Append($"…' ({text.Length} characters)"); return sb.ToString(); }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
                sb.Append($"U+{rune.Value:X4}");
            else
                sb.Append(rune.ToString());
        }
        return sb.Append('\'').ToString();
    }
}
