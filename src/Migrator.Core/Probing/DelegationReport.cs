using System.Net;
using System.Text.Json.Serialization;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.Probing;

[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity { Notice, Warning, Error }

/// <summary>A delegation check. Invariant: <see cref="Id"/> is stable (DELEGnn) and never reused for another meaning.</summary>
public sealed record DelegationRule(string Id, FindingSeverity Severity, string Title)
{
    public override string ToString() => $"{Id} {Title}";
}

/// <summary>Every finding the delegation inspector reports, one id per failure (Zonemaster-style), as the linter's rules are.</summary>
public static class DelegationRules
{
    public static readonly DelegationRule NotDelegated = new("DELEG00", FindingSeverity.Error, "zone not delegated from its parent");
    public static readonly DelegationRule LameServer = new("DELEG01", FindingSeverity.Error, "lame name server");
    public static readonly DelegationRule NsSetsDiffer = new("DELEG02", FindingSeverity.Warning, "parent and child NS sets differ");
    public static readonly DelegationRule GlueDiffers = new("DELEG03", FindingSeverity.Warning, "glue differs from the authoritative address records");
    public static readonly DelegationRule SerialsDiffer = new("DELEG04", FindingSeverity.Warning, "SOA serials differ between child servers");
    public static readonly DelegationRule ChildServersDisagree = new("DELEG05", FindingSeverity.Warning, "child servers disagree on the NS set");
    public static readonly DelegationRule DsWithoutDnskey = new("DELEG06", FindingSeverity.Error, "DS at the parent but no DNSKEY at the child");
    public static readonly DelegationRule ParentServersDisagree = new("DELEG07", FindingSeverity.Warning, "parent servers disagree on the NS set");
    public static readonly DelegationRule NameServerWithoutAddress = new("DELEG08", FindingSeverity.Error, "name server without an address");
    public static readonly DelegationRule ParentServerWithoutDelegation = new("DELEG09", FindingSeverity.Error, "a parent server gives no delegation");
    public static readonly DelegationRule NoServerAnswered = new("DELEG10", FindingSeverity.Error, "no server of a zone on the way answered");
    public static readonly DelegationRule ReferralAstray = new("DELEG11", FindingSeverity.Error, "referral that is no step towards the zone");
    public static readonly DelegationRule ReferralWithoutAddresses = new("DELEG12", FindingSeverity.Error, "referral to name servers without addresses");
    public static readonly DelegationRule ZoneDoesNotExist = new("DELEG13", FindingSeverity.Error, "zone does not exist (NXDOMAIN at the parent)");
    public static readonly DelegationRule ParentServesChild = new("DELEG14", FindingSeverity.Notice, "the parent's servers also serve the zone");
    public static readonly DelegationRule TooManyReferrals = new("DELEG15", FindingSeverity.Error, "too many referrals");
    public static readonly DelegationRule DsMatchesNoKey = new("DELEG16", FindingSeverity.Error, "no DS matches a DNSKEY of the child");

    public static IReadOnlyList<DelegationRule> All { get; } =
    [
        NotDelegated, LameServer, NsSetsDiffer, GlueDiffers, SerialsDiffer, ChildServersDisagree, DsWithoutDnskey,
        ParentServersDisagree, NameServerWithoutAddress, ParentServerWithoutDelegation, NoServerAnswered, ReferralAstray,
        ReferralWithoutAddresses, ZoneDoesNotExist, ParentServesChild, TooManyReferrals, DsMatchesNoKey,
    ];
}

/// <summary>One problem of a delegation: the rule it breaks (see <see cref="DelegationRules"/>), what was seen, and where.</summary>
public sealed record DelegationFinding(string RuleId, FindingSeverity Severity, string Message, string? Server = null)
{
    public DelegationFinding(DelegationRule rule, string message, string? server = null) : this(rule.Id, rule.Severity, message, server) { }

    public override string ToString() => $"{RuleId} {Severity.ToString().ToUpperInvariant()}: {Message}";
}

/// <summary>A name server name with the addresses it has (glue at the parent, or resolved).</summary>
public sealed record NameServerAddresses(DomainName Name, IReadOnlyList<IPAddress> Addresses);

/// <summary>A parent server that was asked: its name when a referral named it (null when the caller gave only its address).</summary>
public sealed record ParentServer(DomainName? Name, DnsEndpoint Endpoint)
{
    public override string ToString() => Name?.ToString() ?? Endpoint.ToString();
}

/// <summary>What one child name server (one address) answered for the zone's SOA and NS.</summary>
public sealed record ChildServerReport(
    DomainName Name, DnsEndpoint Endpoint, string? ResponseCode, bool Authoritative, IReadOnlyList<DomainName> NsSet, Ttl? NsTtl,
    uint? SoaSerial, string? Error, TimeSpan Latency)
{
    [JsonIgnore] public bool IsLame => Error is not null || !Authoritative || ResponseCode != "NOERROR";
}

/// <summary>
/// The delegation of a zone as the DNS shows it: the parent's NS set, TTL, glue and DS, the child's apex NS set and TTL,
/// every server's answer and serial, and the findings. Invariant: <see cref="Healthy"/> is true only without warnings or
/// errors; name lists are sorted in DNSSEC canonical order and free of duplicates.
/// </summary>
public sealed record DelegationReport(
    DomainName Zone,
    DomainName? ParentZone,
    IReadOnlyList<ParentServer> ParentServers,
    IReadOnlyList<DomainName> ParentNs,
    Ttl? ParentNsTtl,
    IReadOnlyList<NameServerAddresses> Glue,
    IReadOnlyList<string> Ds,
    IReadOnlyList<DomainName> ChildNs,
    Ttl? ChildNsTtl,
    IReadOnlyList<ChildServerReport> Servers,
    IReadOnlyList<DelegationFinding> Findings)
{
    public bool Healthy => Findings.All(f => f.Severity == FindingSeverity.Notice);
}
