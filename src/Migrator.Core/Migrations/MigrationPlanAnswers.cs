using System.Text.Json;
using System.Text.Json.Serialization;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

[JsonConverter(typeof(JsonStringEnumConverter<DnssecTiming>))]
public enum DnssecTiming { AfterMigration, Now, Never }

[JsonConverter(typeof(JsonStringEnumConverter<ZoneSourceKind>))]
public enum ZoneSourceKind { Upload, Axfr }

[JsonConverter(typeof(JsonStringEnumConverter<ZoneWriterKind>))]
public enum ZoneWriterKind { Manual, Rfc2136 }

[JsonConverter(typeof(JsonStringEnumConverter<DelegationChangerKind>))]
public enum DelegationChangerKind { Manual, Route53Domains, Rfc2136Parent }

/// <summary>
/// Route 53 public query logging: where (a CloudWatch Logs group, which for public zones lives in us-east-1), how long
/// (retention in days, 365 by default, after which the logs are deleted), who may read them and the encryption key.
/// </summary>
public sealed record QueryLoggingAnswer(bool Enabled = false, string? LogGroup = null, int RetentionDays = 365,
    IReadOnlyList<string>? Readers = null, string? KmsKey = null);

/// <summary>
/// A system that writes the old zone through the old provider's API and must be re-pointed to Route 53; the record
/// names and types it changes (when given) limit its IAM policy (<see cref="Access.Route53AccessPolicies.Updater"/>).
/// </summary>
/// <param name="Records">Names it changes, absolute or relative to the zone (e.g. "_acme-challenge").</param>
/// <param name="Types">Record types it changes (e.g. TXT).</param>
public sealed record AutomatedUpdater(string Name, string Owner, IReadOnlyList<string>? Records = null, IReadOnlyList<string>? Types = null)
{
    /// <summary>Its record names as absolute names in <paramref name="zone"/>; null when one does not parse or lies outside.</summary>
    public IReadOnlyList<DomainName>? RecordNamesIn(DomainName zone)
    {
        var names = new List<DomainName>();
        foreach (var text in Records ?? [])
        {
            var t = text.Trim();
            var absolute = t == "@" ? zone.ToString() : t.EndsWith('.') ? t : $"{t}.{zone}";
            if (!DomainName.TryParse(absolute, null, out var name, out _) || !name.IsSubdomainOf(zone)) return null;
            names.Add(name);
        }
        return names;
    }

    /// <summary>Its record types; null when one is not a record type.</summary>
    public IReadOnlyList<RecordType>? RecordTypes()
    {
        var types = new List<RecordType>();
        foreach (var text in Types ?? [])
        {
            if (!RecordType.TryParse(text.Trim(), out var type)) return null;
            types.Add(type);
        }
        return types;
    }
}

/// <summary>Where the old zone is read from. TSIG secrets are never here: <see cref="TsigKeyName"/> names a key of the key store.</summary>
public sealed record ZoneSourceChoice(ZoneSourceKind Kind = ZoneSourceKind.Upload, string? AxfrServer = null, string? TsigKeyName = null);

/// <summary>How the old zone is changed (TTL lowering, restoring): RFC 2136 at <see cref="Server"/> with a key-store TSIG key, or by hand.</summary>
public sealed record ZoneWriterChoice(ZoneWriterKind Kind = ZoneWriterKind.Manual, string? Server = null, string? TsigKeyName = null);

/// <summary>
/// How the delegation is changed: Route 53 Domains, RFC 2136 on a parent zone (<see cref="ParentZone"/> at
/// <see cref="ParentPrimary"/>), or by a named person at the registrar. <see cref="ParentServers"/> are the parent's
/// authoritative servers, where every change is observed.
/// </summary>
public sealed record DelegationChangerChoice(DelegationChangerKind Kind = DelegationChangerKind.Manual, string? ParentZone = null,
    string? ParentPrimary = null, string? TsigKeyName = null, IReadOnlyList<string>? ParentServers = null, string? RegistrarContact = null);

/// <summary>The window in which cutover may start (UTC).</summary>
public sealed record CutoverWindow(DateTimeOffset Opens, DateTimeOffset Closes);

/// <summary>
/// The plan's answers (the article's questions and the adapters chosen). Stored as JSON on the migration; any change
/// voids an approval. Invariant after <see cref="Validate"/>: endpoints parse, TTLs are positive, the window is ordered.
/// </summary>
public sealed record MigrationPlanAnswers
{
    public QueryLoggingAnswer QueryLogging { get; init; } = new();
    public DnssecTiming Dnssec { get; init; } = DnssecTiming.AfterMigration;
    /// <summary>
    /// The customer-managed KMS key (ECC_NIST_P256, us-east-1) Route 53's key-signing key is made from. Completion turns
    /// signing on only when <see cref="Dnssec"/> is not <see cref="DnssecTiming.Never"/> and this is set.
    /// </summary>
    public string? DnssecKmsKeyArn { get; init; }
    public IReadOnlyList<AutomatedUpdater> Updaters { get; init; } = [];
    public IReadOnlyList<string> ConsoleAccess { get; init; } = [];
    public ZoneSourceChoice Source { get; init; } = new();
    public ZoneWriterChoice Writer { get; init; } = new();
    public DelegationChangerChoice Delegation { get; init; } = new();
    /// <summary>The old provider's authoritative servers (IP[:port]): observed for TTLs and compared with Route 53.</summary>
    public IReadOnlyList<string> OldServers { get; init; } = [];
    /// <summary>
    /// Recursive resolvers (IP[:port]) whose caches show propagation: sampled during the soak and checked after a
    /// rollback (each must answer the old name servers again). Optional; the sandbox proposes the world's resolvers.
    /// </summary>
    public IReadOnlyList<string> Resolvers { get; init; } = [];
    public string AwsAccount { get; init; } = "sandbox";
    /// <summary>TTL the records and NS carry during the migration (seconds).</summary>
    public uint TargetTtlSeconds { get; init; } = 300;
    /// <summary>The longest TTL some ISP caches hold whatever the record says (seconds); lengthens waits and the soak.</summary>
    public uint IspTtlFloorSeconds { get; init; }
    /// <summary>Delegation TTL asked for at completion where the changer can set it (24 h, as the article suggests).</summary>
    public uint FinalDelegationTtlSeconds { get; init; } = 86400;
    /// <summary>Restore the records' original TTLs at completion (else they keep <see cref="TargetTtlSeconds"/>).</summary>
    public bool RestoreTtlsAtCompletion { get; init; } = true;
    public CutoverWindow? Window { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static MigrationPlanAnswers FromJson(string json) =>
        JsonSerializer.Deserialize<MigrationPlanAnswers>(json, Json) ?? throw new FormatException("empty plan answers");

    /// <summary>Every problem with the answers, in words; empty when valid. <paramref name="hasKey"/> tells whether the key store holds a key name.</summary>
    public IReadOnlyList<string> Validate(DomainName zone, Func<string, bool> hasKey)
    {
        var errors = new List<string>();
        void Endpoint(string? text, string what, bool required)
        {
            if (string.IsNullOrWhiteSpace(text)) { if (required) errors.Add($"{what} is required"); return; }
            if (!DnsEndpoint.TryParse(text, out _)) errors.Add($"{what} '{text}' is not IP[:PORT]");
        }
        void Key(string? name, string what)
        {
            if (name is not null && !hasKey(name)) errors.Add($"{what}: no TSIG key named '{name}' in the key store");
        }
        if (QueryLogging.Enabled)
        {
            if (QueryLogging.RetentionDays is < 1 or > 3653) errors.Add("query log retention must be 1–3653 days");
            if (string.IsNullOrWhiteSpace(QueryLogging.LogGroup)) errors.Add("query logging needs a CloudWatch Logs group (us-east-1)");
        }
        if (DnssecKeyError(DnssecKmsKeyArn) is { } keyError) errors.Add(keyError);
        foreach (var u in Updaters)
        {
            if (string.IsNullOrWhiteSpace(u.Name) || string.IsNullOrWhiteSpace(u.Owner)) errors.Add("every automated updater needs a name and an owner");
            if (u.RecordNamesIn(zone) is null) errors.Add($"automated updater '{u.Name}': every record name it changes must be a name in {zone}");
            if (u.RecordTypes() is null) errors.Add($"automated updater '{u.Name}': '{string.Join(", ", u.Types ?? [])}' holds something that is not a record type");
        }
        if (Updaters.Select(u => u.Name.Trim()).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            errors.Add("automated updater names must be unique");
        if (Source.Kind == ZoneSourceKind.Axfr) Endpoint(Source.AxfrServer, "AXFR server", true);
        Key(Source.TsigKeyName, "zone source");
        if (Writer.Kind == ZoneWriterKind.Rfc2136) Endpoint(Writer.Server, "RFC 2136 server of the old zone", true);
        Key(Writer.TsigKeyName, "old-zone writer");
        if (OldServers.Count == 0) errors.Add("at least one old provider server (IP[:port]) is required");
        foreach (var s in OldServers) Endpoint(s, "old provider server", true);
        foreach (var s in Resolvers) Endpoint(s, "resolver", true);
        switch (Delegation.Kind)
        {
            case DelegationChangerKind.Rfc2136Parent:
                if (Delegation.ParentZone is null || !DomainName.TryParse(Delegation.ParentZone, null, out var parent, out _) || !zone.IsSubdomainOf(parent) || zone.Equals(parent))
                    errors.Add($"the parent zone must be a parent of {zone}");
                Endpoint(Delegation.ParentPrimary, "parent primary", true);
                break;
            case DelegationChangerKind.Manual:
                if (string.IsNullOrWhiteSpace(Delegation.RegistrarContact)) errors.Add("a manual registrar needs the person who changes the delegation");
                break;
        }
        if ((Delegation.ParentServers ?? []).Count == 0 && Delegation.Kind != DelegationChangerKind.Rfc2136Parent)
            errors.Add("at least one parent server (IP[:port]) is required to observe the delegation");
        foreach (var s in Delegation.ParentServers ?? []) Endpoint(s, "parent server", true);
        Key(Delegation.TsigKeyName, "delegation changer");
        if (string.IsNullOrWhiteSpace(AwsAccount)) errors.Add("an AWS account is required");
        if (TargetTtlSeconds is < 1 or > 86400) errors.Add("the target TTL must be 1–86400 s");
        if (IspTtlFloorSeconds > 7 * 86400) errors.Add("the ISP TTL floor must be at most a week");
        if (FinalDelegationTtlSeconds is < 1 or > 172800) errors.Add("the final delegation TTL must be 1–172800 s");
        if (Window is { } w && w.Closes <= w.Opens) errors.Add("the cutover window must close after it opens");
        return errors;
    }

    /// <summary>Why <paramref name="arn"/> cannot be the DNSSEC KMS key (null when it can, or when none is named).</summary>
    public static string? DnssecKeyError(string? arn) =>
        arn is null || System.Text.RegularExpressions.Regex.IsMatch(arn, "^arn:aws:kms:us-east-1:[0-9]{12}:key/[A-Za-z0-9-]{1,128}$") ? null
            : $"the DNSSEC KMS key '{arn}' is not the ARN of a key in us-east-1 (arn:aws:kms:us-east-1:ACCOUNT:key/ID), where Route 53 requires it";

    /// <summary>Whether completion turns DNSSEC signing on: chosen, and a KMS key named.</summary>
    [JsonIgnore]
    public bool SignsAtCompletion => Dnssec != DnssecTiming.Never && !string.IsNullOrWhiteSpace(DnssecKmsKeyArn);

    [JsonIgnore]
    public IReadOnlyList<DnsEndpoint> ResolverEndpoints => Resolvers.Select(DnsEndpoint.Parse).ToList();

    [JsonIgnore]
    public IReadOnlyList<DnsEndpoint> OldEndpoints => OldServers.Select(DnsEndpoint.Parse).ToList();

    [JsonIgnore]
    public IReadOnlyList<DnsEndpoint> ParentEndpoints =>
        (Delegation.ParentServers is { Count: > 0 } p ? p : Delegation.ParentPrimary is { } primary ? [primary] : []).Select(DnsEndpoint.Parse).ToList();
}
