using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>A delegation in plain strings (JSON-friendly): NS names with glue, DS records, the NS TTL.</summary>
public sealed record DelegationView(string Zone, IReadOnlyList<NameServerView> NameServers, IReadOnlyList<string> Ds, long? NsTtl, long? DsTtl = null)
{
    public static DelegationView From(Delegation d, long? dsTtl = null) => new(d.Zone.ToLowerString(),
        d.NameServers.Select(n => new NameServerView(n.Name.ToLowerString(), n.Glue.Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(n => n.Name, StringComparer.Ordinal).ToList(),
        d.DsRecords.Order(StringComparer.Ordinal).ToList(), d.Ttl?.Seconds, dsTtl);

    public Delegation ToDelegation() => new(DomainName.Parse(Zone),
        NameServers.Select(n => new DelegatedNameServer(DomainName.Parse(n.Name), n.Glue.Select(IPAddress.Parse).ToList())).ToList(),
        Ds, NsTtl is { } t ? new Ttl((uint)t) : null);

    public IReadOnlySet<string> NsNames => NameServers.Select(n => n.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public bool SameNameServers(DelegationView other) => NsNames.SetEquals(other.NsNames);
}

public sealed record NameServerView(string Name, IReadOnlyList<string> Glue);

/// <summary>What one parent server said (or the error when it said nothing usable).</summary>
public sealed record ParentServerView(string Server, DelegationView? Delegation, string? Error);

/// <summary>
/// The delegation before cutover: the changer's (registrar's) view and every parent server's. Saved once, before any
/// change, and never rewritten; rollback restores <see cref="Registrar"/> through the same changer.
/// Invariant: <see cref="ToJson"/> is deterministic, so the stored bytes and their SHA-256 identify the snapshot.
/// </summary>
public sealed record DelegationSnapshot(string Zone, DateTimeOffset TakenAt, string Changer, DelegationView Registrar, IReadOnlyList<ParentServerView> ParentServers)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static DelegationSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<DelegationSnapshot>(json, Options) ?? throw new FormatException("empty delegation snapshot");

    public static string Sha256(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>
    /// Whether Migrator ever asked for this migration's delegation to become <paramref name="target"/>: a delegation
    /// change that got an operation id (cutover, rollback), or a changer's journalled request (RFC 2136, manual) for the
    /// target's NS set that was not refused. While false, a snapshot the parent no longer shows may be retired and taken
    /// again; once true, never: rollback must restore the delegation as it was before our change.
    /// </summary>
    public static bool OurChangeSubmitted(IEnumerable<MigrationOperation> operations, DelegationView target) =>
        operations.Any(o => o.Status != MigrationOperationStatus.Failed
            && (o.Kind == MigrationOperationKinds.DelegationChange && o.ExternalId is not null || RequestsDelegation(o.RequestJson, target)));

    private static bool RequestsDelegation(string? requestJson, DelegationView target)
    {
        if (requestJson is null || !requestJson.StartsWith('{')) return false;
        try
        {
            return JsonSerializer.Deserialize<DelegationView>(requestJson) is { NameServers.Count: > 0 } asked
                && string.Equals(asked.Zone, target.Zone, StringComparison.OrdinalIgnoreCase) && asked.SameNameServers(target);
        }
        catch (JsonException) { return false; }
    }

    /// <summary>DS records at the parent (any server) — the DNSSEC guard looks at these.</summary>
    public IReadOnlyList<string> Ds => Registrar.Ds.Concat(ParentServers.SelectMany(p => p.Delegation?.Ds ?? [])).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>
/// The one place that reads a delegation from a parent server by DNS: NS (answer or referral authority), glue from the
/// additional section, DS, and their TTLs. Used by the manual and RFC 2136 changers, snapshots and verification.
/// </summary>
public static class ParentDelegationReader
{
    public static async Task<ParentServerView> ReadAsync(IDnsProbe probe, DnsEndpoint server, DomainName zone, CancellationToken ct)
    {
        var ns = await probe.QueryAsync(server, zone, RecordType.NS, ProbeOptions.Default, ct).ConfigureAwait(false);
        if (ns.Error != ProbeErrorKind.None || !ns.IsNoError)
            return new ParentServerView(server.ToString(), null, ns.Error != ProbeErrorKind.None ? $"{ns.Error} {ns.ErrorMessage}".Trim() : ns.ResponseCode);
        var records = ns.Answers.Concat(ns.Authorities).Where(r => r.Type == RecordType.NS && r.Name.Equals(zone)).ToList();
        if (records.Count == 0) return new ParentServerView(server.ToString(), null, $"no NS for {zone}");
        var ds = await probe.QueryAsync(server, zone, RecordType.DS, ProbeOptions.Default, ct).ConfigureAwait(false);
        var dsSet = ds.Error == ProbeErrorKind.None ? ds.AnswerSet : [];
        var delegation = new Delegation(zone,
            records.Select(r => DomainName.Parse(r.Data)).Distinct().Select(n => new DelegatedNameServer(n,
                ns.Additionals.Where(a => a.Name.Equals(n) && (a.Type == RecordType.A || a.Type == RecordType.AAAA)).Select(a => IPAddress.Parse(a.Data)).ToList())).ToList(),
            dsSet.Select(r => r.Data).ToList(),
            new Ttl(records.Min(r => r.Ttl.Seconds)));
        return new ParentServerView(server.ToString(), DelegationView.From(delegation, dsSet.Count > 0 ? dsSet.Min(r => r.Ttl.Seconds) : null), null);
    }

    /// <summary>The first parent server that answers; throws only when none does (a broken precondition, not a result).</summary>
    public static async Task<Delegation> ReadFirstAsync(IDnsProbe probe, IReadOnlyList<DnsEndpoint> servers, DomainName zone, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var s in servers)
        {
            var view = await ReadAsync(probe, s, zone, ct).ConfigureAwait(false);
            if (view.Delegation is { } d) return d.ToDelegation();
            errors.Add($"{s}: {view.Error}");
        }
        throw new InvalidOperationException($"no parent server answered for {zone} NS ({string.Join("; ", errors)})");
    }
}

/// <summary>The inventory's records as compact JSON (name, type, ttl, data).</summary>
public static class InventoryRecords
{
    private sealed record Row(string N, string T, uint L, string D);

    public static string ToJson(IEnumerable<ResourceRecord> records) =>
        JsonSerializer.Serialize(records.Select(r => new Row(r.Name.ToString(), r.Type.ToString(), r.Ttl.Seconds, r.Data)));

    public static IReadOnlyList<ResourceRecord> FromJson(string json) =>
        (JsonSerializer.Deserialize<List<Row>>(json) ?? []).Select(r => new ResourceRecord(DomainName.Parse(r.N), RecordType.Parse(r.T), new Ttl(r.L), r.D)).ToList();

    public static int Count(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetArrayLength();
    }
}
