namespace Migrator.Sandbox.Control;

/// <summary>
/// An injected fault of the authoritative DNS listener: questions at or below <see cref="Zone"/> (null = every
/// question) get <see cref="Response"/> instead of their answer — "REFUSED" or "SERVFAIL" (an empty answer with that
/// code), or "DROP" (no answer in time: withheld for 30 s, the resolver times out). <see cref="Count"/> limits the rule to the next N
/// matching questions; <see cref="Probability"/> makes it intermittent.
/// </summary>
public sealed class DnsFaultRule
{
    public static readonly IReadOnlyList<string> Responses = ["REFUSED", "SERVFAIL", "DROP"];

    public string? Zone { get; set; }
    public string Response { get; set; } = "REFUSED";
    public double Probability { get; set; } = 1.0;
    public int? Count { get; set; }

    /// <summary>Null when the rule is usable; else why not (the control API answers 400 and adds nothing).</summary>
    public string? Problem()
    {
        if (!Responses.Contains(Response.ToUpperInvariant())) return $"response must be one of {string.Join(", ", Responses)}, not '{Response}'";
        if (!double.IsFinite(Probability) || Probability is <= 0 or > 1) return "probability must be greater than 0 and at most 1";
        if (Count is < 1) return "count must be at least 1";
        if (Zone is not null && (Zone.Trim().Length == 0 || Zone.Length > 255)) return "zone must be a domain name";
        return null;
    }

    /// <summary>Whether a question name (presentation form, any case, with or without the final dot) falls under <see cref="Zone"/>.</summary>
    public bool Covers(string questionName)
    {
        if (Zone is null) return true;
        var zone = Normalize(Zone);
        var name = Normalize(questionName);
        return zone.Length == 0 || name == zone || name.EndsWith("." + zone, StringComparison.Ordinal);
    }

    private static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();
}

/// <summary>What the DNS listener does with one question under a fault.</summary>
public enum DnsFaultAction
{
    Refuse,
    ServerFailure,
    Drop,
}

/// <summary>Thread-safe set of <see cref="DnsFaultRule"/>s; rules whose Count is used up disappear. The first matching rule decides.</summary>
public sealed class DnsFaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<DnsFaultRule> _rules = [];
    private readonly Random _random = new();

    /// <summary>Raised (under the injector's lock, keep handlers short) each time a rule decides a question.</summary>
    public event Action<string, DnsFaultRule>? Matched;

    public void Add(DnsFaultRule rule)
    {
        if (rule.Problem() is { } problem) throw new FormatException(problem);
        lock (_gate) _rules.Add(rule);
    }

    public void Clear() { lock (_gate) _rules.Clear(); }

    public IReadOnlyList<DnsFaultRule> Snapshot() { lock (_gate) return _rules.ToList(); }

    public DnsFaultAction? Decide(string questionName)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (!rule.Covers(questionName)) continue;
                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability) continue;
                if (rule.Count is { } n)
                {
                    if (n <= 1) _rules.Remove(rule); else rule.Count = n - 1;
                }
                Matched?.Invoke(questionName, rule);
                return rule.Response.ToUpperInvariant() switch
                {
                    "SERVFAIL" => DnsFaultAction.ServerFailure,
                    "DROP" => DnsFaultAction.Drop,
                    _ => DnsFaultAction.Refuse,
                };
            }
            return null;
        }
    }
}
