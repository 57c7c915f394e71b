using Migrator.Core.Zones;

namespace Migrator.Core.Linting;

public enum LintSeverity
{
    /// <summary>Explained, nothing to do (e.g. records Route 53 manages itself).</summary>
    Info = 0,
    /// <summary>Importable, but likely to hurt during or after the migration.</summary>
    Warning = 1,
    /// <summary>Route 53 would reject the record or serve something else: fix before import.</summary>
    Error = 2,
}

/// <summary>A lint rule. Invariant: <see cref="Id"/> is stable (R53nnn) and never reused for another meaning.</summary>
public sealed record LintRule(string Id, LintSeverity Severity, string Title)
{
    public override string ToString() => $"{Id} {Title}";
}

/// <summary>One problem with one owner name (and type where it concerns a set), with a fix a person can act on.</summary>
public sealed record LintFinding(string RuleId, LintSeverity Severity, DomainName Owner, RecordType? Type, string Message, string SuggestedFix)
{
    public override string ToString() =>
        $"{Severity.ToString().ToLowerInvariant()} {RuleId} {Owner}{(Type is { } t ? " " + t : "")}: {Message} Fix: {SuggestedFix}";
}

/// <summary>All findings in a stable order (owner in canonical order, type, rule id).</summary>
public sealed record LintReport(IReadOnlyList<LintFinding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Severity == LintSeverity.Error);
    public int Count(LintSeverity severity) => Findings.Count(f => f.Severity == severity);
}

/// <summary>
/// The migration policy the linter checks against. Invariant: limits are positive.
/// </summary>
/// <param name="MaxMigrationTtl">Highest TTL for <paramref name="TtlCheckedTypes"/> while migrating: a rollback can only be as fast as this.</param>
/// <param name="TtlCheckedTypes">The web-facing types whose TTL bounds how fast clients follow a change or a rollback.</param>
/// <param name="RecordSetQuota">Route 53's record-set quota per hosted zone (10,000 by default; can be raised on request).</param>
public sealed record Route53LintPolicy(uint MaxMigrationTtl = 300, IReadOnlySet<RecordType>? TtlCheckedTypes = null, int RecordSetQuota = 10_000)
{
    public static readonly Route53LintPolicy Default = new();

    public static readonly IReadOnlySet<RecordType> WebFacingTypes =
        new HashSet<RecordType> { RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.HTTPS, RecordType.SVCB };

    public IReadOnlySet<RecordType> EffectiveTtlCheckedTypes => TtlCheckedTypes ?? WebFacingTypes;
}
