using System.Collections.Immutable;

namespace Migrator.Sandbox.Route53;

/// <summary>A hosted zone as the control plane sees it (PENDING changes included).</summary>
public sealed class HostedZoneState
{
    public required string Id { get; init; }
    public required R53Name Name { get; init; }
    public required string CallerReference { get; init; }
    public string? Comment { get; set; }
    public bool PrivateZone { get; init; }
    public string? VpcId { get; init; }
    public string? VpcRegion { get; init; }
    public required long Sequence { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Delegation-set names without the trailing dot, as AWS returns them.</summary>
    public required ImmutableArray<string> NameServers { get; init; }
    public required ZoneRecords Records { get; set; }
    public string? LastChangeId { get; set; }
    /// <summary>Key-signing keys in creation order (at most two).</summary>
    public List<KeySigningKeyState> KeySigningKeys { get; init; } = [];
    /// <summary>EnableHostedZoneDNSSEC was called (and DisableHostedZoneDNSSEC not since): answers are signed.</summary>
    public bool Signing { get; set; }
    /// <summary>The zone-signing key Route 53 manages itself; made when signing is first enabled.</summary>
    public Dns.DnssecKey? ZoneSigningKey { get; set; }
}

/// <summary>A key-signing key: its name, the KMS key it is backed by (the emulator keeps that key's material), status.</summary>
public sealed class KeySigningKeyState
{
    public required string Name { get; init; }
    public required string KmsArn { get; init; }
    public required Dns.DnssecKey Key { get; init; }
    public required string Status { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset LastModifiedAt { get; set; }
}

/// <summary>A submitted change: PENDING until <see cref="InsyncAt"/>, INSYNC once published to the DNS listener.</summary>
public sealed class ChangeState
{
    public required string Id { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public required DateTimeOffset InsyncAt { get; init; }
    public string? Comment { get; init; }
    public bool Published { get; set; }
    public string Status => Published ? "INSYNC" : "PENDING";
}

/// <summary>A zone as the DNS listener serves it; replaced wholesale when a change becomes INSYNC.</summary>
public sealed record ServedZone(string ZoneId, R53Name Name, long Sequence, ZoneRecords Records);

public sealed record QueryLoggingConfigState(string Id, string HostedZoneId, string LogGroupArn);

/// <summary>What becomes visible on the DNS listener when a change turns INSYNC (Records null = the zone goes away).</summary>
internal sealed record Publication(string ChangeId, string ZoneId, R53Name Name, long Sequence, ZoneRecords? Records, bool PrivateZone);

/// <summary>One change of a ChangeResourceRecordSets batch after parsing.</summary>
public sealed record RecordChange(string Action, RecordSetData Set);
