using System.Net;
using System.Text.Json.Serialization;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.Probing;

[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity { Notice, Warning, Error }

/// <summary>
/// One problem of a delegation, with a Zonemaster-style rule id:
/// DELEG00 not delegated / walk failed, DELEG01 lame server, DELEG02 parent and child NS sets differ,
/// DELEG03 glue differs from the authoritative address records, DELEG04 SOA serials differ,
/// DELEG05 child servers disagree on the NS set, DELEG06 DS without a matching DNSKEY, DELEG07 parent servers disagree.
/// </summary>
public sealed record DelegationFinding(string RuleId, FindingSeverity Severity, string Message, string? Server = null)
{
    public override string ToString() => $"{RuleId} {Severity.ToString().ToUpperInvariant()}: {Message}";
}

/// <summary>A name server name with the addresses it has (glue at the parent, or resolved).</summary>
public sealed record NameServerAddresses(string Name, IReadOnlyList<string> Addresses);

/// <summary>What one child name server (one address) answered for the zone's SOA and NS.</summary>
public sealed record ChildServerReport(
    string Name, string Address, string? ResponseCode, bool Authoritative, IReadOnlyList<string> NsSet, uint? NsTtl,
    uint? SoaSerial, string? Error, double LatencyMs)
{
    [JsonIgnore] public bool IsLame => Error is not null || !Authoritative || ResponseCode != "NOERROR";
}

/// <summary>
/// The delegation of a zone as the DNS shows it: the parent's NS set, TTL, glue and DS, the child's apex NS set and TTL,
/// every server's answer and serial, and the findings. Invariant: <see cref="Healthy"/> is true only without warnings or errors.
/// </summary>
public sealed record DelegationReport(
    string Zone,
    string? ParentZone,
    IReadOnlyList<NameServerAddresses> ParentServers,
    IReadOnlyList<string> ParentNs,
    uint? ParentNsTtl,
    IReadOnlyList<NameServerAddresses> Glue,
    IReadOnlyList<string> Ds,
    IReadOnlyList<string> ChildNs,
    uint? ChildNsTtl,
    IReadOnlyList<ChildServerReport> Servers,
    IReadOnlyList<DelegationFinding> Findings)
{
    public bool Healthy => Findings.All(f => f.Severity == FindingSeverity.Notice);

    /// <summary>The parent's view as the port's <see cref="Delegation"/> (for snapshots before a change).</summary>
    public Delegation ToDelegation() => new(
        DomainName.Parse(Zone),
        ParentNs.Select(n => new DelegatedNameServer(DomainName.Parse(n),
            Glue.FirstOrDefault(g => string.Equals(g.Name, n, StringComparison.OrdinalIgnoreCase))?.Addresses.Select(IPAddress.Parse).ToList()
            ?? (IReadOnlyList<IPAddress>)[])).ToList(),
        Ds,
        ParentNsTtl is { } t ? new Ttl(t) : null);
}
