using System.Collections.Immutable;
using System.Text.Json;
using Migrator.Sandbox.Domains;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Persistence;

/// <summary>The state file: everything a restart needs to keep zones, caller references and registered domains.</summary>
public sealed class StateFileContent
{
    public int Version { get; set; } = 1;
    public Route53Snapshot? Route53 { get; set; }
    public DomainsSnapshot? Domains { get; set; }
}

public sealed class Route53Snapshot
{
    public long Sequence { get; set; }
    public List<string> CallerReferences { get; set; } = [];
    public List<ZoneSnapshot> Zones { get; set; } = [];
    public List<ChangeSnapshot> Changes { get; set; } = [];
    public List<QueryLoggingConfigState> QueryLoggingConfigs { get; set; } = [];
    /// <summary>The emulated KMS: the key material behind each KMS key ARN a KSK was created from.</summary>
    public Dictionary<string, Dns.DnssecKey>? KmsKeys { get; set; }
}

public sealed record ChangeSnapshot(string Id, DateTimeOffset SubmittedAt, DateTimeOffset InsyncAt, string? Comment);

public sealed class DomainsSnapshot
{
    public List<DomainState> Domains { get; set; } = [];
    public List<OperationState> Operations { get; set; } = [];
}

public sealed class ZoneSnapshot
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string CallerReference { get; set; } = "";
    public string? Comment { get; set; }
    public bool PrivateZone { get; set; }
    public string? VpcId { get; set; }
    public string? VpcRegion { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<string> NameServers { get; set; } = [];
    public string? LastChangeId { get; set; }
    public List<RecordSetSnapshot> RecordSets { get; set; } = [];
    public List<KeySigningKeySnapshot>? KeySigningKeys { get; set; }
    public bool Signing { get; set; }
    public Dns.DnssecKey? ZoneSigningKey { get; set; }

    public static ZoneSnapshot From(HostedZoneState z) => new()
    {
        Id = z.Id, Name = z.Name.Text, CallerReference = z.CallerReference, Comment = z.Comment, PrivateZone = z.PrivateZone,
        VpcId = z.VpcId, VpcRegion = z.VpcRegion, Sequence = z.Sequence, CreatedAt = z.CreatedAt, NameServers = [.. z.NameServers],
        LastChangeId = z.LastChangeId, RecordSets = [.. z.Records.Sets.Values.Select(RecordSetSnapshot.From)],
        KeySigningKeys = [.. z.KeySigningKeys.Select(k => new KeySigningKeySnapshot(k.Name, k.KmsArn, k.Key, k.Status, k.CreatedAt, k.LastModifiedAt))],
        Signing = z.Signing, ZoneSigningKey = z.ZoneSigningKey,
    };

    public HostedZoneState ToState()
    {
        var sets = RecordSets.Select(r => r.ToData()).ToImmutableSortedDictionary(s => s.Key, s => s);
        return new HostedZoneState
        {
            Id = Id, Name = R53Name.Parse(Name), CallerReference = CallerReference, Comment = Comment, PrivateZone = PrivateZone,
            VpcId = VpcId, VpcRegion = VpcRegion, Sequence = Sequence, CreatedAt = CreatedAt, NameServers = [.. NameServers],
            LastChangeId = LastChangeId, Records = new ZoneRecords(sets),
            KeySigningKeys = [.. (KeySigningKeys ?? []).Select(k => new KeySigningKeyState
            {
                Name = k.Name, KmsArn = k.KmsArn, Key = k.Key, Status = k.Status, CreatedAt = k.CreatedAt, LastModifiedAt = k.LastModifiedAt,
            })],
            Signing = Signing, ZoneSigningKey = ZoneSigningKey,
        };
    }
}

public sealed record KeySigningKeySnapshot(string Name, string KmsArn, Dns.DnssecKey Key, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastModifiedAt);

public sealed class RecordSetSnapshot
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string? SetIdentifier { get; set; }
    public long? Weight { get; set; }
    public string? Region { get; set; }
    public GeoLocationData? GeoLocation { get; set; }
    public string? Failover { get; set; }
    public bool? MultiValueAnswer { get; set; }
    public long? Ttl { get; set; }
    public List<string> Values { get; set; } = [];
    public AliasTargetData? AliasTarget { get; set; }
    public string? HealthCheckId { get; set; }
    public string? TrafficPolicyInstanceId { get; set; }
    public CidrRoutingData? CidrRoutingConfig { get; set; }

    public static RecordSetSnapshot From(RecordSetData s) => new()
    {
        Name = s.Name.Text, Type = s.Type, SetIdentifier = s.SetIdentifier, Weight = s.Weight, Region = s.Region, GeoLocation = s.GeoLocation,
        Failover = s.Failover, MultiValueAnswer = s.MultiValueAnswer, Ttl = s.Ttl, Values = [.. s.Values], AliasTarget = s.AliasTarget,
        HealthCheckId = s.HealthCheckId, TrafficPolicyInstanceId = s.TrafficPolicyInstanceId, CidrRoutingConfig = s.CidrRoutingConfig,
    };

    public RecordSetData ToData() => new()
    {
        Name = R53Name.Parse(Name), Type = Type, SetIdentifier = SetIdentifier, Weight = Weight, Region = Region, GeoLocation = GeoLocation,
        Failover = Failover, MultiValueAnswer = MultiValueAnswer, Ttl = Ttl, Values = [.. Values], AliasTarget = AliasTarget,
        HealthCheckId = HealthCheckId, TrafficPolicyInstanceId = TrafficPolicyInstanceId, CidrRoutingConfig = CidrRoutingConfig,
    };
}

/// <summary>
/// Writes the state file after every committed change: serialise to a temp file in the same directory, then rename
/// over the old file, so a crash leaves either the old or the new snapshot, never a torn one.
/// </summary>
public sealed class SnapshotFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
    private readonly Lock _gate = new();
    private readonly string _path;
    private Route53Snapshot? _route53;
    private DomainsSnapshot? _domains;

    public SnapshotFile(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "route53-emulator.json");
    }

    public string PathName => _path;

    public StateFileContent? Load()
    {
        if (!File.Exists(_path)) return null;
        var content = JsonSerializer.Deserialize<StateFileContent>(File.ReadAllText(_path), Options);
        _route53 = content?.Route53;
        _domains = content?.Domains;
        return content;
    }

    public void Save(Func<Route53Snapshot>? route53, Func<DomainsSnapshot>? domains)
    {
        lock (_gate)
        {
            if (route53 is not null) _route53 = route53();
            if (domains is not null) _domains = domains();
            var temp = _path + "." + Environment.ProcessId + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, new StateFileContent { Route53 = _route53, Domains = _domains }, Options);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
        }
    }
}
