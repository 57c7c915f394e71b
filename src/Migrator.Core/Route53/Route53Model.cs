using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>A hosted zone as Route 53 returns it. Invariant: <see cref="Id"/> is the bare id (no "/hostedzone/" prefix).</summary>
public sealed record HostedZone(string Id, DomainName Name, string CallerReference, string? Comment, bool PrivateZone, long ResourceRecordSetCount);

/// <summary>Status of a submitted change. Invariant: <see cref="Id"/> is the bare id (no "/change/" prefix).</summary>
public sealed record ChangeInfo(string Id, ChangeStatus Status, DateTimeOffset SubmittedAt, string? Comment = null);

public enum ChangeStatus { Pending, InSync }

public sealed record CreateHostedZoneRequest(DomainName Name, string CallerReference, string? Comment = null, string? DelegationSetId = null);

/// <summary>Result of CreateHostedZone/GetHostedZone: the zone and the four name servers of its delegation set (no trailing dot, as sent).</summary>
public sealed record HostedZoneDetail(HostedZone Zone, IReadOnlyList<string> NameServers, ChangeInfo? ChangeInfo = null);

public sealed record HostedZonePage(IReadOnlyList<HostedZone> HostedZones, bool IsTruncated, string? NextDnsName, string? NextHostedZoneId);

/// <summary>Alias target of an alias record set; all three members are required by the API.</summary>
public sealed record AliasTarget(string HostedZoneId, DomainName DnsName, bool EvaluateTargetHealth);

/// <summary>
/// A Route 53 resource record set in Route 53's own value syntax. Invariant: either <see cref="AliasTarget"/> is set and
/// <see cref="Ttl"/>/<see cref="Values"/> are empty, or <see cref="Ttl"/> is set and there is at least one value.
/// </summary>
public sealed record Route53RecordSet(DomainName Name, RecordType Type, long? Ttl, IReadOnlyList<string> Values,
    string? SetIdentifier = null, long? Weight = null, string? Region = null, string? Failover = null,
    bool? MultiValueAnswer = null, AliasTarget? AliasTarget = null, string? HealthCheckId = null)
{
    /// <summary>True for sets with a routing policy or alias: the zone sync leaves them alone.</summary>
    public bool IsSimple => AliasTarget is null && SetIdentifier is null && HealthCheckId is null;
}

public enum ChangeAction { Create, Delete, Upsert }

public sealed record Route53Change(ChangeAction Action, Route53RecordSet RecordSet)
{
    /// <summary>ResourceRecord elements this change counts against the 1,000 limit (alias counts one; UPSERT double).</summary>
    public int RecordWeight => (RecordSet.AliasTarget is null ? RecordSet.Values.Count : 1) * (Action == ChangeAction.Upsert ? 2 : 1);

    /// <summary>Value characters this change counts against the 32,000 limit (UPSERT double).</summary>
    public int CharWeight => RecordSet.Values.Sum(v => v.Length) * (Action == ChangeAction.Upsert ? 2 : 1);
}

/// <summary>One ChangeResourceRecordSets request body. Applied all-or-nothing by Route 53, changes in order.</summary>
public sealed record ChangeBatch(IReadOnlyList<Route53Change> Changes, string? Comment = null)
{
    public int RecordWeight => Changes.Sum(c => c.RecordWeight);
    public int CharWeight => Changes.Sum(c => c.CharWeight);
}

public sealed record RecordSetPage(IReadOnlyList<Route53RecordSet> RecordSets, bool IsTruncated,
    string? NextRecordName, string? NextRecordType, string? NextRecordIdentifier);

public sealed record QueryLoggingConfig(string Id, string HostedZoneId, string CloudWatchLogsLogGroupArn);

public sealed record KeySigningKey(string Name, string? Status, int Flag, int SigningAlgorithmType, string? PublicKey, string? DsRecord, int KeyTag);

public sealed record DnssecStatus(string ServeSignature, string? StatusMessage, IReadOnlyList<KeySigningKey> KeySigningKeys);
