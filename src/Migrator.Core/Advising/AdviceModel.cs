using Migrator.Core.Linting;
using Migrator.Core.Zones;

namespace Migrator.Core.Advising;

/// <summary>
/// An advisor rule. Invariant: <see cref="Id"/> is stable (SECnnn) and never reused for another meaning;
/// <see cref="Reference"/> names the RFC section the rule enforces.
/// </summary>
public sealed record AdviceRule(string Id, LintSeverity Severity, string Title, string Reference)
{
    public override string ToString() => $"{Id} {Title} ({Reference})";
}

/// <summary>
/// One piece of advice about one owner name, with the record that would fix it where one fits.
/// Invariant: <see cref="Proposed"/>, when present, is a complete record in canonical presentation form that BIND and
/// Route 53 accept.
/// </summary>
public sealed record AdviceFinding(string RuleId, LintSeverity Severity, DomainName Owner, RecordType? Type, string Message,
    string Reference, ResourceRecord? Proposed = null)
{
    public override string ToString() =>
        $"{Severity.ToString().ToLowerInvariant()} {RuleId} {Owner}{(Type is { } t ? " " + t : "")}: {Message} [{Reference}]";
}

/// <summary>All findings of one zone in a stable order (owner in canonical order, type, rule id).</summary>
public sealed record AdviceReport(DomainName Zone, IReadOnlyList<AdviceFinding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Severity == LintSeverity.Error);
    public int Count(LintSeverity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>The proposed records, one per finding that has one, ready to become a record plan.</summary>
    public IReadOnlyList<ResourceRecord> Proposals => Findings.Where(f => f.Proposed is not null).Select(f => f.Proposed!).ToList();
}

/// <summary>
/// Settings of one advisor run. Invariant: <see cref="ProposalTtl"/> is a valid TTL.
/// </summary>
/// <param name="ProposalTtl">TTL of proposed records.</param>
/// <param name="Resolver">Looks up names outside the zone (SPF includes, DMARC report authorisations); null: offline, counted locally.</param>
/// <param name="Now">Used for the MTA-STS policy id of a proposal (yyyyMMddHHmm).</param>
public sealed record AdvisorOptions(uint ProposalTtl = 3600, IAdviceResolver? Resolver = null, DateTimeOffset? Now = null)
{
    public static readonly AdvisorOptions Offline = new();
}

/// <summary>What the advisor may ask the DNS about names outside the zone it checks.</summary>
public interface IAdviceResolver
{
    /// <summary>
    /// The TXT records at <paramref name="name"/>, each with its character-strings concatenated; empty when the name has
    /// none (NXDOMAIN or NODATA); null when no answer could be had (timeout, SERVFAIL, refused).
    /// </summary>
    Task<IReadOnlyList<string>?> TxtAsync(DomainName name, CancellationToken ct);
}
