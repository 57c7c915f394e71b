using System.Collections.Immutable;

namespace Migrator.Sandbox.Route53;

/// <summary>Route 53 alias target; DNSName is held in Route 53's escaped, absolute form.</summary>
public sealed record AliasTargetData(string HostedZoneId, string DnsName, bool EvaluateTargetHealth);

public sealed record GeoLocationData(string? ContinentCode, string? CountryCode, string? SubdivisionCode);

public sealed record CidrRoutingData(string CollectionId, string LocationName);

/// <summary>
/// One resource record set as Route 53 stores it. Invariant: <see cref="Name"/> is lowercase and escaped;
/// either <see cref="AliasTarget"/> is set (and TTL/values are not) or TTL and at least one value are set.
/// Values are kept as the presentation strings the caller sent.
/// </summary>
public sealed record RecordSetData
{
    public required R53Name Name { get; init; }
    public required string Type { get; init; }
    public string? SetIdentifier { get; init; }
    public long? Weight { get; init; }
    public string? Region { get; init; }
    public GeoLocationData? GeoLocation { get; init; }
    public string? Failover { get; init; }
    public bool? MultiValueAnswer { get; init; }
    public long? Ttl { get; init; }
    public ImmutableArray<string> Values { get; init; } = [];
    public AliasTargetData? AliasTarget { get; init; }
    public string? HealthCheckId { get; init; }
    public string? TrafficPolicyInstanceId { get; init; }
    public CidrRoutingData? CidrRoutingConfig { get; init; }

    public RecordSetKey Key => new(Name.SortKey, Type, SetIdentifier);

    /// <summary>DELETE must match every field; values compare as a set because Route 53 ignores their order.</summary>
    public bool MatchesExactly(RecordSetData other) =>
        Name.Equals(other.Name) && Type == other.Type && SetIdentifier == other.SetIdentifier && Weight == other.Weight
        && Region == other.Region && GeoLocation == other.GeoLocation && Failover == other.Failover
        && (MultiValueAnswer ?? false) == (other.MultiValueAnswer ?? false) && Ttl == other.Ttl
        && AliasTarget == other.AliasTarget && HealthCheckId == other.HealthCheckId
        && TrafficPolicyInstanceId == other.TrafficPolicyInstanceId && CidrRoutingConfig == other.CidrRoutingConfig
        && Values.Length == other.Values.Length
        && Values.OrderBy(v => v, StringComparer.Ordinal).SequenceEqual(other.Values.OrderBy(v => v, StringComparer.Ordinal));
}

/// <summary>Sort key of a record set: reversed escaped name, then type, then set identifier (absent first).</summary>
public readonly record struct RecordSetKey(string SortName, string Type, string? SetIdentifier) : IComparable<RecordSetKey>
{
    public int CompareTo(RecordSetKey other)
    {
        var c = string.CompareOrdinal(SortName, other.SortName);
        if (c != 0) return c;
        c = string.CompareOrdinal(Type, other.Type);
        if (c != 0) return c;
        if (SetIdentifier is null) return other.SetIdentifier is null ? 0 : -1;
        return other.SetIdentifier is null ? 1 : string.CompareOrdinal(SetIdentifier, other.SetIdentifier);
    }
}

/// <summary>A hosted zone's record sets at one committed version; immutable so a version can be served while the next is built.</summary>
public sealed class ZoneRecords
{
    public static readonly ZoneRecords Empty = new(ImmutableSortedDictionary<RecordSetKey, RecordSetData>.Empty);

    public ZoneRecords(ImmutableSortedDictionary<RecordSetKey, RecordSetData> sets) => Sets = sets;

    public ImmutableSortedDictionary<RecordSetKey, RecordSetData> Sets { get; }
    public int Count => Sets.Count;

    public IEnumerable<RecordSetData> AtName(R53Name name) =>
        Sets.Values.Where(s => s.Name.Equals(name));
}
