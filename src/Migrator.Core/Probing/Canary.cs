using System.Text.Json.Serialization;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

[JsonConverter(typeof(JsonStringEnumConverter<CanaryClassification>))]
public enum CanaryClassification { Old, New, Unknown, Error }

[JsonConverter(typeof(JsonStringEnumConverter<CanarySide>))]
public enum CanarySide { Old, New }

/// <summary>
/// The canary TXT record <c>_migrator-canary.&lt;zone&gt;</c>: "migrator-canary=old;id=ID" at the old provider and
/// "migrator-canary=new;id=ID" at the new one, so any resolver's answer tells which provider it reached.
/// Invariant: the id is 1–64 characters of [A-Za-z0-9-], or <see cref="AnyId"/> ("*") to classify whatever id is served.
/// </summary>
public sealed record Canary
{
    public const string Label = "_migrator-canary";
    public const string AnyId = "*";
    public DomainName Zone { get; }
    public string Id { get; }

    public Canary(DomainName zone, string id)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (id != AnyId && (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new ArgumentException("canary id must be 1–64 characters of letters, digits and '-'", nameof(id));
        Zone = zone;
        Id = id;
    }

    public DomainName Name => NameFor(Zone);
    public static DomainName NameFor(DomainName zone) => zone.Prepend(Label);

    /// <summary>The TXT text (unquoted) for one side.</summary>
    public string Text(CanarySide side) => Id == AnyId ? throw new InvalidOperationException("a canary to write needs a concrete id") : $"migrator-canary={(side == CanarySide.Old ? "old" : "new")};id={Id}";

    /// <summary>The RRset to write at one side, in presentation form.</summary>
    public RecordSet RecordSet(CanarySide side, Ttl ttl) =>
        new(new RecordSetKey(Name, RecordType.TXT), ttl, [$"\"{Text(side)}\""]);

    /// <summary>Classifies a resolver's (or server's) answer to "_migrator-canary.&lt;zone&gt; TXT".</summary>
    public CanaryClassification Classify(ProbeResult result)
    {
        if (result.Error is not ProbeErrorKind.None) return CanaryClassification.Error;
        if (result.ResponseCode is not ("NOERROR" or "NXDOMAIN")) return CanaryClassification.Error;
        return Classify(result.AnswerSet.Where(a => a.Type == RecordType.TXT).Select(a => a.Data));
    }

    /// <summary>Old or New only when every TXT value is a canary of this id for the same side; anything else is Unknown.</summary>
    public CanaryClassification Classify(IEnumerable<string> txtValues)
    {
        CanaryClassification? seen = null;
        foreach (var raw in txtValues)
        {
            var side = ParseSide(Unquote(raw));
            if (side is null) return CanaryClassification.Unknown;
            if (seen is not null && seen != side) return CanaryClassification.Unknown;
            seen = side;
        }
        return seen ?? CanaryClassification.Unknown;
    }

    private CanaryClassification? ParseSide(string text)
    {
        string? side = null, id = null;
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var k = part[..eq].Trim(); var v = part[(eq + 1)..].Trim();
            if (k.Equals("migrator-canary", StringComparison.OrdinalIgnoreCase)) side = v.ToLowerInvariant();
            else if (k.Equals("id", StringComparison.OrdinalIgnoreCase)) id = v;
        }
        if (id is null || (Id != AnyId && id != Id)) return null;
        return side switch { "old" => CanaryClassification.Old, "new" => CanaryClassification.New, _ => null };
    }

    /// <summary>Joins the quoted character-strings of a TXT value ("a" "b" → ab) without their escapes.</summary>
    internal static string Unquote(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length);
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"') { inQuotes = !inQuotes; continue; }
            if (!inQuotes && char.IsWhiteSpace(c)) continue;
            if (c == '\\' && i + 1 < value.Length)
            {
                if (i + 3 < value.Length && char.IsAsciiDigit(value[i + 1]) && char.IsAsciiDigit(value[i + 2]) && char.IsAsciiDigit(value[i + 3]))
                { sb.Append((char)int.Parse(value.AsSpan(i + 1, 3), System.Globalization.CultureInfo.InvariantCulture)); i += 3; continue; }
                sb.Append(value[++i]); continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
