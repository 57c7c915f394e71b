using System.Text.RegularExpressions;
using Migrator.Sandbox.Dns;

namespace Migrator.Sandbox.Route53;

/// <summary>
/// DNSSEC signing of hosted zones: key-signing keys backed by (emulated) KMS keys, enable and disable, and the signed
/// form the DNS listener serves. Rules and messages follow Route 53's API reference: at most two KSKs per zone, a KSK
/// name of 3–128 letters, digits and underscores, a KMS key in us-east-1, only an INACTIVE KSK may be deleted, the
/// last ACTIVE KSK of a signing zone cannot be deactivated, signing needs an ACTIVE KSK, and neither may happen while
/// the parent still publishes a DS for the key.
/// </summary>
public sealed partial class Route53State
{
    public const int MaxKeySigningKeys = 2;
    /// <summary>Route 53's TTL of the DNSKEY set; see <see cref="Hosting.EmulatorOptions.DnskeyTtl"/>.</summary>
    public const int DefaultDnskeyTtl = 3600;

    private int DnskeyTtl => _options.DnskeyTtl;

    private readonly Dictionary<string, DnssecKey> _kmsKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// Set by the host: whether the parent zone publishes a DS naming this key tag for the zone (Route 53 reads the
    /// parent; the emulator asks its registry). Null means nobody can tell, and nothing is refused for it.
    /// </summary>
    public Func<string, int, bool>? ParentHasDs { get; set; }

    [GeneratedRegex("^[A-Za-z0-9_]{3,128}$")]
    private static partial Regex KskName();

    [GeneratedRegex("^arn:aws:kms:([a-z0-9-]+):([0-9]{12}):key/[A-Za-z0-9-]{1,128}$")]
    private static partial Regex KmsArn();

    public Result<(KeySigningKeyState Key, ChangeState Change)> CreateKeySigningKey(string? callerReference, string? zoneId, string? kmsArn, string? name, string? status)
    {
        if (string.IsNullOrEmpty(callerReference) || callerReference.Length > 128)
            return ApiError.InvalidInput("1 validation error detected: Value at 'callerReference' failed to satisfy constraint: Member must have length between 1 and 128");
        if (string.IsNullOrEmpty(zoneId)) return ApiError.InvalidInput("HostedZoneId is required");
        if (name is null || !KskName().IsMatch(name))
            return new ApiError(400, "InvalidKeySigningKeyName", "The key-signing key (KSK) name doesn't match the accepted format: 3 to 128 letters, digits and underscores.");
        if (status is not ("ACTIVE" or "INACTIVE"))
            return ApiError.InvalidInput("1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]");
        if (kmsArn is null || KmsArn().Match(kmsArn) is not { Success: true } arn || arn.Groups[1].Value != "us-east-1")
            return new ApiError(400, "InvalidKMSArn", "The KeyManagementServiceArn that you specified isn't valid to use with DNSSEC signing: it must name a customer managed key (ECC_NIST_P256, SIGN_VERIFY) in us-east-1.");
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (zone.PrivateZone) return ApiError.InvalidInput("DNSSEC signing is not supported for private hosted zones.");
            if (zone.KeySigningKeys.Any(k => k.Name == name))
                return new ApiError(409, "KeySigningKeyAlreadyExists", "You've already created a key-signing key (KSK) with this name or with the CallerReference referenced in the request.");
            if (zone.KeySigningKeys.Count >= MaxKeySigningKeys)
                return new ApiError(400, "TooManyKeySigningKeys", "You've reached the limit for the number of key-signing keys (KSKs). Remove at least one KSK, and then try again.");
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            if (!_kmsKeys.TryGetValue(kmsArn, out var material)) _kmsKeys[kmsArn] = material = DnssecKey.Create(keySigning: true);
            var now = _time.GetUtcNow();
            var key = new KeySigningKeyState { Name = name, KmsArn = kmsArn, Key = material, Status = status, CreatedAt = now, LastModifiedAt = now };
            zone.KeySigningKeys.Add(key);
            var change = Submit(zone, null, zone.Records);
            Committed?.Invoke();
            return (key, change);
        }
    }

    public Result<ChangeState> ActivateKeySigningKey(string zoneId, string name) => SetKeyStatus(zoneId, name, "ACTIVE");

    public Result<ChangeState> DeactivateKeySigningKey(string zoneId, string name) => SetKeyStatus(zoneId, name, "INACTIVE");

    private Result<ChangeState> SetKeyStatus(string zoneId, string name, string status)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (zone.KeySigningKeys.FirstOrDefault(k => k.Name == name) is not { } key) return NoSuchKey(name);
            if (status == "INACTIVE" && key.Status == "ACTIVE")
            {
                if (zone.Signing && zone.KeySigningKeys.Count(k => k.Status == "ACTIVE") == 1)
                    return new ApiError(400, "KeySigningKeyInUse", "The key-signing key (KSK) that you specified can't be deactivated because it's the only KSK for a currently-enabled DNSSEC. Disable DNSSEC signing, or add or enable another KSK.");
                if (zone.Signing && InParentDs(zone, key))
                    return new ApiError(400, "KeySigningKeyInParentDSRecord", "The key-signing key (KSK) is specified in a parent DS record.");
            }
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            key.Status = status;
            key.LastModifiedAt = _time.GetUtcNow();
            var change = Submit(zone, null, zone.Records);
            Committed?.Invoke();
            return change;
        }
    }

    public Result<ChangeState> DeleteKeySigningKey(string zoneId, string name)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (zone.KeySigningKeys.FirstOrDefault(k => k.Name == name) is not { } key) return NoSuchKey(name);
            if (key.Status != "INACTIVE")
                return new ApiError(400, "InvalidKeySigningKeyStatus", "The key-signing key (KSK) status isn't valid or another KSK has the status INTERNAL_FAILURE: only an INACTIVE KSK can be deleted.");
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            zone.KeySigningKeys.Remove(key);
            var change = Submit(zone, null, zone.Records);
            Committed?.Invoke();
            return change;
        }
    }

    public Result<ChangeState> EnableDnssec(string zoneId)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (zone.PrivateZone) return ApiError.InvalidInput("DNSSEC signing is not supported for private hosted zones.");
            if (!zone.KeySigningKeys.Any(k => k.Status == "ACTIVE"))
                return new ApiError(400, "KeySigningKeyWithActiveStatusNotFound", "A key-signing key (KSK) with ACTIVE status wasn't found.");
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            zone.Signing = true;
            zone.ZoneSigningKey ??= DnssecKey.Create(keySigning: false);
            var change = Submit(zone, null, zone.Records);
            Committed?.Invoke();
            return change;
        }
    }

    public Result<ChangeState> DisableDnssec(string zoneId)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            if (zone.KeySigningKeys.Count == 0 && !zone.Signing)
                return new ApiError(400, "DNSSECNotFound", "The hosted zone doesn't have any DNSSEC resources.");
            // Turning signing off while the parent still names one of the keys would make the zone bogus.
            if (zone.Signing && zone.KeySigningKeys.FirstOrDefault(k => InParentDs(zone, k)) is not null)
                return new ApiError(400, "KeySigningKeyInParentDSRecord", "The key-signing key (KSK) is specified in a parent DS record.");
            if (IsBusy(zone)) return ApiError.PriorRequestNotComplete();
            zone.Signing = false;
            var change = Submit(zone, null, zone.Records);
            Committed?.Invoke();
            return change;
        }
    }

    /// <summary>GetDNSSEC: the zone's serve-signature status and its KSKs.</summary>
    public Result<(string ServeSignature, IReadOnlyList<KeySigningKeyState> Keys)> GetDnssec(string zoneId)
    {
        lock (_gate)
        {
            if (!_zones.TryGetValue(zoneId, out var zone)) return ApiError.NoSuchHostedZone(zoneId);
            return (zone.Signing ? "SIGNING" : "NOT_SIGNING", zone.KeySigningKeys.ToList());
        }
    }

    /// <summary>The records the DNS listener serves for <paramref name="zone"/>: signed when signing is on and a KSK is active.</summary>
    private ZoneRecords ServedForm(HostedZoneState zone, ZoneRecords records)
    {
        var active = zone.KeySigningKeys.Where(k => k.Status == "ACTIVE").Select(k => k.Key).ToList();
        if (!zone.Signing || active.Count == 0 || zone.ZoneSigningKey is null || zone.PrivateZone) return records;
        var apex = PresentationRecords.ToDomainName(zone.Name);
        var plain = new CompiledZone(apex, zone.Id, records).AllRecords();
        var signatures = ZoneSigning.Sign(apex, plain, active, zone.ZoneSigningKey, _time.GetUtcNow(), DnskeyTtl);
        return RecordSets.ToZoneRecords(records.Sets.Values.Concat(signatures));
    }

    private bool InParentDs(HostedZoneState zone, KeySigningKeyState key) =>
        ParentHasDs?.Invoke(zone.Name.Text.TrimEnd('.'), key.Key.KeyTag(zone.Name.Text.TrimEnd('.'))) ?? false;

    private static ApiError NoSuchKey(string name) =>
        new(404, "NoSuchKeySigningKey", $"The specified key-signing key (KSK) doesn't exist: {name}");
}
