using System.Collections.Immutable;
using System.Security.Cryptography;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Route53;

/// <summary>
/// The Route 53 control plane: hosted zones, changes, query-logging configs. All mutations take one lock and are
/// all-or-nothing. Changes become visible on <see cref="Served"/> (the DNS data plane) only when they turn INSYNC.
/// </summary>
public sealed partial class Route53State : IDisposable
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static readonly string[] AwsDnsTlds = ["com", "net", "org", "co.uk"];

    private readonly Lock _gate = new();
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, HostedZoneState> _zones = new(StringComparer.Ordinal);
    private readonly HashSet<string> _callerReferences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChangeState> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueryLoggingConfigState> _queryLogging = new(StringComparer.Ordinal);
    private readonly List<Publication> _pending = [];
    private readonly Dictionary<string, ITimer> _timers = new(StringComparer.Ordinal);
    private long _sequence;
    private volatile ImmutableDictionary<string, ServedZone> _served = ImmutableDictionary<string, ServedZone>.Empty;

    public Route53State(EmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        InsyncDelay = options.InsyncDelay;
        PriorRequestNotComplete = options.PriorRequestNotComplete;
    }

    /// <summary>Called after every committed mutation (inside the lock) so a snapshot can be written.</summary>
    public event Action? Committed;

    /// <summary>Raised (under the state's lock, keep handlers short) for each accepted ChangeResourceRecordSets: zone id and change.</summary>
    public event Action<string, ChangeState>? RecordSetsChanged;

    public TimeSpan InsyncDelay { get; set; }
    public bool PriorRequestNotComplete { get; set; }

    /// <summary>The zones the DNS listener answers for, as of the last INSYNC change.</summary>
    public ImmutableDictionary<string, ServedZone> Served => _served;

    // ---------------------------------------------------------------- hosted zones

    public Result<(HostedZoneState Zone, ChangeState Change)> CreateHostedZone(string? name, string? callerReference, string? comment, bool privateZone, string? vpcId, string? vpcRegion)
    {
        if (string.IsNullOrEmpty(callerReference) || callerReference.Length > 128)
            return ApiError.InvalidInput("1 validation error detected: Value at 'callerReference' failed to satisfy constraint: Member must have length between 1 and 128");
        if (!R53Name.TryParse(name, out var zoneName, out _) || zoneName.LabelCount == 0)
            return new ApiError(400, "InvalidDomainName", $"{name} is not a valid domain name.");
        if (zoneName.LabelCount == 1)
            return new ApiError(400, "InvalidDomainName", $"{zoneName.Text} is reserved by AWS!");
        if (zoneName.IsWildcard)
            return new ApiError(400, "InvalidDomainName", $"{zoneName.Text} is not a valid domain name.");
        if (comment is { Length: > 256 })
            return ApiError.InvalidInput("1 validation error detected: Value at 'hostedZoneConfig.comment' failed to satisfy constraint: Member must have length less than or equal to 256");
        lock (_gate)
        {
            if (_callerReferences.Contains(callerReference))
                return new ApiError(409, "HostedZoneAlreadyExists", "A hosted zone has already been created with the specified caller reference.");
            if (_zones.Count >= _options.MaxHostedZones)
                return new ApiError(400, "TooManyHostedZones", "Limits Exceeded: MAX_HOSTED_ZONES_BY_OWNER - Cannot create more hosted zones.");
            var nameServers = PickNameServers();
            var now = _time.GetUtcNow();
            var soa = new RecordSetData
            {
                Name = zoneName, Type = "SOA", Ttl = 900,
                Values = [$"{nameServers[0]}. {_options.SoaHostmaster} 1 7200 900 1209600 86400"],
            };
            var ns = new RecordSetData { Name = zoneName, Type = "NS", Ttl = 172800, Values = [.. nameServers.Select(n => n + ".")] };
            var zone = new HostedZoneState
            {
                Id = NewId("Z0", 19), Name = zoneName, CallerReference = callerReference, Comment = comment,
                PrivateZone = privateZone, VpcId = vpcId, VpcRegion = vpcRegion, Sequence = ++_sequence, CreatedAt = now,
                NameServers = [.. nameServers],
                Records = new ZoneRecords(ImmutableSortedDictionary<RecordSetKey, RecordSetData>.Empty.Add(ns.Key, ns).Add(soa.Key, soa)),
            };
            _callerReferences.Add(callerReference);
            _zones.Add(zone.Id, zone);
            var change = Submit(zone, comment: null, zone.Records);
            // AWS accepts record changes right after CreateHostedZone; only record and delete changes serialise.
            zone.LastChangeId = null;
            Committed?.Invoke();
            return (zone, change);
        }
    }

    public Result<HostedZoneState> GetHostedZone(string id)
    {
        lock (_gate) return _zones.TryGetValue(id, out var z) ? z : ApiError.NoSuchHostedZone(id);
    }

    public Result<HostedZoneState> UpdateComment(string id, string? comment)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(id, out var z)) return ApiError.NoSuchHostedZone(id);
            if (IsBusy(z)) return ApiError.PriorRequestNotComplete();
            z.Comment = comment;
            Committed?.Invoke();
            return z;
        }
    }

    /// <summary>Zones in creation order (ListHostedZones).</summary>
    public IReadOnlyList<HostedZoneState> ZonesByCreation()
    {
        lock (_gate) return _zones.Values.OrderBy(z => z.Sequence).ToList();
    }

    /// <summary>Zones in ListHostedZonesByName order: reversed escaped name, then ID.</summary>
    public IReadOnlyList<HostedZoneState> ZonesByName()
    {
        lock (_gate)
            return _zones.Values.OrderBy(z => z.Name.SortKey, StringComparer.Ordinal).ThenBy(z => z.Id, StringComparer.Ordinal).ToList();
    }

    public Result<ChangeState> DeleteHostedZone(string id)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(id, out var zone)) return ApiError.NoSuchHostedZone(id);
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            if (zone.Signing || zone.Records.Sets.Values.Any(s => !(s.Name.Equals(zone.Name) && s.Type is "SOA" or "NS")))
                return new ApiError(400, "HostedZoneNotEmpty", "The hosted zone contains resource records that are not SOA or NS records.");
            _zones.Remove(id);
            foreach (var q in _queryLogging.Values.Where(q => q.HostedZoneId == id).ToList()) _queryLogging.Remove(q.Id);
            var change = Submit(zone, null, records: null);
            Committed?.Invoke();
            return change;
        }
    }

    // ---------------------------------------------------------------- record sets

    public Result<ZoneRecords> GetRecords(string zoneId)
    {
        lock (_gate) return _zones.TryGetValue(zoneId, out var z) ? z.Records : ApiError.NoSuchHostedZone(zoneId);
    }

    /// <summary>Validates the whole batch against a copy of the zone and applies it only if every change is valid.</summary>
    public Result<ChangeState> ChangeRecordSets(string zoneId, string? comment, IReadOnlyList<RecordChange> changes)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            var outcome = ChangeBatchRules.Apply(zone, changes, _options.MaxRecordSetsPerZone);
            if (outcome.Error is not null) return outcome.Error;
            zone.Records = outcome.Value!;
            var change = Submit(zone, comment, zone.Records);
            RecordSetsChanged?.Invoke(zone.Id, change);
            Committed?.Invoke();
            return change;
        }
    }

    // ---------------------------------------------------------------- changes

    public Result<ChangeState> GetChange(string id)
    {
        lock (_gate)
        {
            PublishDue();
            return _changes.TryGetValue(id, out var c) ? c : new ApiError(404, "NoSuchChange", $"A change with the specified change ID does not exist: {id}");
        }
    }

    private bool IsBusy(HostedZoneState zone)
    {
        if (!PriorRequestNotComplete || zone.LastChangeId is null) return false;
        PublishDue();
        return _changes.TryGetValue(zone.LastChangeId, out var c) && !c.Published;
    }

    private ChangeState Submit(HostedZoneState zone, string? comment, ZoneRecords? records)
    {
        var now = _time.GetUtcNow();
        var change = new ChangeState { Id = NewId("C0", 19), SubmittedAt = now, InsyncAt = now + InsyncDelay, Comment = comment };
        _changes[change.Id] = change;
        zone.LastChangeId = change.Id;
        _pending.Add(new Publication(change.Id, zone.Id, zone.Name, zone.Sequence, records is null ? null : ServedForm(zone, records), zone.PrivateZone));
        if (InsyncDelay <= TimeSpan.Zero) PublishDue();
        else _timers[change.Id] = _time.CreateTimer(OnTimer, change.Id, InsyncDelay, Timeout.InfiniteTimeSpan);
        return change;
    }

    private void OnTimer(object? changeId)
    {
        lock (_gate)
        {
            if (_timers.Remove((string)changeId!, out var t)) t.Dispose();
            PublishDue();
        }
    }

    /// <summary>
    /// Publishes, in submission order, every change whose INSYNC time has come, except those of held zones (see
    /// <see cref="HoldInsync"/>), which wait without holding up other zones. Caller holds the lock.
    /// </summary>
    private void PublishDue()
    {
        var now = _time.GetUtcNow();
        var served = _served;
        var changed = false;
        for (var i = 0; i < _pending.Count;)
        {
            var p = _pending[i];
            var change = _changes[p.ChangeId];
            if (change.InsyncAt > now) break;
            if (_heldZones.Contains(p.ZoneId)) { i++; continue; }
            _pending.RemoveAt(i);
            served = p.Records is null || p.PrivateZone ? served.Remove(p.ZoneId) : served.SetItem(p.ZoneId, new ServedZone(p.ZoneId, p.Name, p.Sequence, p.Records));
            change.Published = true;
            changed = true;
            if (_timers.Remove(p.ChangeId, out var t)) t.Dispose();
        }
        if (changed) _served = served;
        // A timer that fired a little early (or a later change behind an earlier one) gets a fresh timer.
        if (_pending.FirstOrDefault(p => !_heldZones.Contains(p.ZoneId)) is { } first && !_timers.ContainsKey(first.ChangeId))
        {
            var wait = _changes[first.ChangeId].InsyncAt - now;
            _timers[first.ChangeId] = _time.CreateTimer(OnTimer, first.ChangeId, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
        }
    }

    private readonly HashSet<string> _heldZones = new(StringComparer.Ordinal);

    /// <summary>
    /// A fault for tests: the hosted zone's changes stay PENDING (GetChange says so, ListResourceRecordSets already lists
    /// them, the DNS listener does not serve them) until <see cref="ReleaseInsync"/>; other zones' changes go on.
    /// </summary>
    public void HoldInsync(string zoneId)
    {
        lock (_gate) _heldZones.Add(zoneId);
    }

    /// <summary>Ends <see cref="HoldInsync"/>: the zone's due changes turn INSYNC now, in order.</summary>
    public void ReleaseInsync(string zoneId)
    {
        lock (_gate)
        {
            _heldZones.Remove(zoneId);
            PublishDue();
        }
    }

    // ---------------------------------------------------------------- query logging

    /// <summary>Set by the emulator: the log group's existence and resource policy (null when acceptable).</summary>
    public Func<string, string, ApiError?>? QueryLogDestinationCheck { get; set; }

    public Result<QueryLoggingConfigState> CreateQueryLoggingConfig(string? zoneId, string? arn)
    {
        if (string.IsNullOrEmpty(zoneId) || string.IsNullOrEmpty(arn))
            return ApiError.InvalidInput("HostedZoneId and CloudWatchLogsLogGroupArn are required");
        var parts = arn.Split(':');
        if (parts.Length < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group")
            return new ApiError(400, "InvalidInput", $"The ARN {arn} is not a valid CloudWatch Logs log group ARN");
        if (parts[3] != "us-east-1")
            return new ApiError(400, "InvalidInput", "The CloudWatch Logs log group must be in the us-east-1 region");
        if (parts[4] != _options.AccountId)
            return new ApiError(404, "NoSuchCloudWatchLogsLogGroup", "There is no CloudWatch Logs log group with the specified ARN.");
        lock (_gate)
        {
            if (!_zones.ContainsKey(zoneId)) return ApiError.NoSuchHostedZone(zoneId);
            if (_queryLogging.Values.Any(q => q.HostedZoneId == zoneId))
                return new ApiError(409, "QueryLoggingConfigAlreadyExists", "You can create only one query logging configuration for a hosted zone, and a query logging configuration already exists for this hosted zone.");
            if (QueryLogDestinationCheck?.Invoke(zoneId, arn) is { } refused) return refused;
            var q = new QueryLoggingConfigState(Guid.NewGuid().ToString(), zoneId, arn);
            _queryLogging.Add(q.Id, q);
            Committed?.Invoke();
            return q;
        }
    }

    public Result<QueryLoggingConfigState> GetQueryLoggingConfig(string id)
    {
        lock (_gate)
            return _queryLogging.TryGetValue(id, out var q) ? q
                : new ApiError(404, "NoSuchQueryLoggingConfig", "There is no DNS query logging configuration with the specified ID.");
    }

    public Result<bool> DeleteQueryLoggingConfig(string id)
    {
        lock (_gate)
        {
            if (!_queryLogging.Remove(id))
                return new ApiError(404, "NoSuchQueryLoggingConfig", "There is no DNS query logging configuration with the specified ID.");
            Committed?.Invoke();
            return true;
        }
    }

    public Result<IReadOnlyList<QueryLoggingConfigState>> ListQueryLoggingConfigs(string? zoneId)
    {
        lock (_gate)
        {
            if (zoneId is not null && !_zones.ContainsKey(zoneId)) return ApiError.NoSuchHostedZone(zoneId);
            return _queryLogging.Values.Where(q => zoneId is null || q.HostedZoneId == zoneId).OrderBy(q => q.Id, StringComparer.Ordinal).ToList();
        }
    }

    // ---------------------------------------------------------------- persistence

    internal Persistence.Route53Snapshot Export()
    {
        lock (_gate)
        {
            return new Persistence.Route53Snapshot
            {
                Sequence = _sequence,
                CallerReferences = [.. _callerReferences.Order(StringComparer.Ordinal)],
                Zones = [.. _zones.Values.OrderBy(z => z.Sequence).Select(Persistence.ZoneSnapshot.From)],
                Changes = [.. _changes.Values.Select(c => new Persistence.ChangeSnapshot(c.Id, c.SubmittedAt, c.InsyncAt, c.Comment))],
                QueryLoggingConfigs = [.. _queryLogging.Values],
                KmsKeys = new Dictionary<string, Dns.DnssecKey>(_kmsKeys, StringComparer.Ordinal),
            };
        }
    }

    /// <summary>Loads a snapshot; everything in it is treated as INSYNC (a restart finishes propagation).</summary>
    internal void Import(Persistence.Route53Snapshot snapshot)
    {
        lock (_gate)
        {
            _sequence = snapshot.Sequence;
            foreach (var r in snapshot.CallerReferences) _callerReferences.Add(r);
            foreach (var z in snapshot.Zones) { var zone = z.ToState(); _zones[zone.Id] = zone; }
            foreach (var c in snapshot.Changes)
                _changes[c.Id] = new ChangeState { Id = c.Id, SubmittedAt = c.SubmittedAt, InsyncAt = c.InsyncAt, Comment = c.Comment, Published = true };
            foreach (var q in snapshot.QueryLoggingConfigs) _queryLogging[q.Id] = q;
            foreach (var (arn, key) in snapshot.KmsKeys ?? []) _kmsKeys[arn] = key;
            _served = _zones.Values.Where(z => !z.PrivateZone)
                .ToImmutableDictionary(z => z.Id, z => new ServedZone(z.Id, z.Name, z.Sequence, ServedForm(z, z.Records)));
        }
    }

    // ---------------------------------------------------------------- helpers

    private List<string> PickNameServers()
    {
        if (_options.NameServers.Count > 0) return _options.NameServers.Select(n => n.Name.TrimEnd('.').ToLowerInvariant()).ToList();
        // AWS's pattern: ns-N with N in 0..2047; the quarter of N picks the TLD and (N mod 512)/8 the awsdns-NN label.
        return AwsDnsTlds.Select((tld, quarter) =>
        {
            var n = quarter * 512 + RandomNumberGenerator.GetInt32(512);
            return $"ns-{n}.awsdns-{n % 512 / 8:D2}.{tld}";
        }).ToList();
    }

    private static string NewId(string prefix, int length) =>
        prefix + string.Create(length, 0, (span, _) => { for (var i = 0; i < span.Length; i++) span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]; });

    public void Dispose()
    {
        lock (_gate) { foreach (var t in _timers.Values) t.Dispose(); _timers.Clear(); }
    }
}
