using System.Net;
using Migrator.Core.Zones;

namespace Migrator.Core.Ports;

/// <summary>The new provider's zone (Route 53 hosted zone, or the emulator in sandbox mode).</summary>
public interface ITargetZone
{
    /// <summary>All record sets currently served by the target (apex SOA and NS included).</summary>
    IAsyncEnumerable<RecordSet> ListRecordSetsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the target hold exactly <paramref name="desired"/> (apex SOA/NS left alone unless asked), waiting until
    /// every change is in sync. Idempotent: re-running after a crash converges without duplicate changes.
    /// </summary>
    Task<ZoneSyncReport> SyncAsync(IReadOnlyList<RecordSet> desired, ZoneSyncOptions options,
        IProgress<ZoneSyncProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The name servers the target assigns to the zone (for the delegation change).</summary>
    Task<IReadOnlyList<DomainName>> GetNameServersAsync(CancellationToken cancellationToken);
}

/// <summary>How a sync plans and applies. The apex flags have the polarity and meaning of <see cref="Diffing.ZoneDiffOptions"/>'s.</summary>
/// <param name="IgnoreApexNs">Leave the apex NS to the target (Route 53 assigns its own name servers); false to manage it.</param>
/// <param name="IgnoreApexSoa">Leave the apex SOA to the target (its serial never matches); false to manage it.</param>
/// <param name="Force">Apply even when the plan's safety check refuses it (more than 30% updates or deletes, apex NS/SOA).</param>
public sealed record ZoneSyncOptions(bool IgnoreApexNs = true, bool IgnoreApexSoa = true, bool DeleteExtraneous = true, bool Force = false)
{
    /// <summary>The diff options these sync options stand for.</summary>
    public Diffing.ZoneDiffOptions DiffOptions => new(IgnoreApexSoa: IgnoreApexSoa, IgnoreApexNs: IgnoreApexNs);
}
public sealed record ZoneSyncProgress(int BatchesDone, int BatchesTotal, string Message);
public sealed record ZoneSyncReport(int Created, int Updated, int Deleted, int Batches, IReadOnlyList<string> ChangeIds);

/// <summary>A name server of a delegation, with glue addresses when it lies inside the delegated zone.</summary>
public sealed record DelegatedNameServer(DomainName Name, IReadOnlyList<IPAddress> Glue);

/// <summary>What the parent (registry/registrar) says about a zone: NS set, glue and DS records.</summary>
public sealed record Delegation(DomainName Zone, IReadOnlyList<DelegatedNameServer> NameServers, IReadOnlyList<string> DsRecords, Ttl? Ttl = null);

public enum DelegationChangeStatus { Submitted, InProgress, Succeeded, Failed }

/// <summary>
/// A key-signing key as a parent takes it: the DS record (parents that take digests: RFC 2136, a registrar's form) and the
/// DNSKEY material it is derived from (registries that derive the DS themselves, as Route 53 Domains does).
/// </summary>
public sealed record DsKeyMaterial(string DsRecord, int Algorithm, int Flags, string PublicKey);

/// <summary>Changes the delegation at the parent: Route 53 Domains, RFC 2136 on a parent zone, or manual.</summary>
public interface IDelegationChanger
{
    string Description { get; }
    Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken);

    /// <summary>Requests the change; returns an operation id to poll with <see cref="GetStatusAsync"/>.</summary>
    Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken);
    Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the DS set at the parent towards <paramref name="keys"/> (empty: no DS at all), leaving the NS set alone;
    /// returns the operation id to poll. An adapter may need several calls (one registry operation at a time): the
    /// caller compares <see cref="GetCurrentAsync"/> with the keys and calls again until they agree. Default: one
    /// delegation change that keeps the current NS set and glue (RFC 2136 on the parent, a manual registrar).
    /// </summary>
    async Task<string> RequestDsChangeAsync(DomainName zone, IReadOnlyList<DsKeyMaterial> keys, CancellationToken cancellationToken)
    {
        var current = await GetCurrentAsync(zone, cancellationToken).ConfigureAwait(false);
        return await RequestChangeAsync(current with { DsRecords = keys.Select(k => k.DsRecord).ToList() }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Requests the change only if the delegation is still <paramref name="expected"/> (same NS names): compare-and-set
    /// at the parent where the adapter can (RFC 2136 prerequisites), else a check just before the request. Returns null
    /// with the reason when the current delegation differs.
    /// </summary>
    async Task<(string? OperationId, string? Refusal)> RequestGuardedChangeAsync(Delegation desired, Delegation expected, CancellationToken cancellationToken)
    {
        var current = await GetCurrentAsync(desired.Zone, cancellationToken).ConfigureAwait(false);
        var have = current.NameServers.Select(n => n.Name).ToHashSet();
        if (!have.SetEquals(expected.NameServers.Select(n => n.Name)))
            return (null, $"the delegation of {desired.Zone} is [{string.Join(" ", have.Select(h => h.ToString()).Order())}], not the expected [{string.Join(" ", expected.NameServers.Select(n => n.Name.ToString()).Order())}]");
        return (await RequestChangeAsync(desired, cancellationToken).ConfigureAwait(false), null);
    }
}

/// <summary>One operation as a journal holds it: the request (JSON), its status and who confirmed it by hand.</summary>
/// <param name="ConfirmedBy">"actor: reason" of a person's confirmation, or null.</param>
/// <param name="ConfirmedAt">When that confirmation was stored (never the time it is read).</param>
public sealed record JournalEntry(string OperationId, string Kind, string RequestJson, string Status, string? ResultJson, string? ConfirmedBy,
    DateTimeOffset? ConfirmedAt = null)
{
    /// <summary>The person's confirmation as an override (actor, reason, when stored), or null when none was given.</summary>
    public Manual.ManualOverride? Confirmation
    {
        get
        {
            if (ConfirmedBy is not { } confirmed) return null;
            var split = confirmed.IndexOf(": ", StringComparison.Ordinal);
            return new Manual.ManualOverride(split > 0 ? confirmed[..split] : confirmed, split > 0 ? confirmed[(split + 2)..] : "confirmed",
                ConfirmedAt ?? throw new InvalidOperationException($"operation {OperationId} is confirmed without a time"));
        }
    }
}

/// <summary>
/// Where adapters persist operations that outlive a request, before they start them (so a restarted process can still
/// poll or confirm them). The migration workflow's journal writes the database; <see cref="InMemoryOperationJournal"/>
/// serves the CLI and tests.
/// </summary>
public interface IOperationJournal
{
    Task RecordAsync(string operationId, string kind, string description, string requestJson, CancellationToken cancellationToken);
    Task CompleteAsync(string operationId, bool succeeded, string? resultJson, CancellationToken cancellationToken);
    Task ConfirmAsync(string operationId, string actor, string reason, CancellationToken cancellationToken);
    Task<JournalEntry?> FindAsync(string operationId, CancellationToken cancellationToken);
}

/// <summary>A journal in memory: operations are lost with the process (the CLI's one-shot commands, tests).</summary>
public sealed class InMemoryOperationJournal(TimeProvider time) : IOperationJournal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JournalEntry> _entries = new();

    public Task RecordAsync(string operationId, string kind, string description, string requestJson, CancellationToken cancellationToken)
    {
        _entries.TryAdd(operationId, new JournalEntry(operationId, kind, requestJson, "Pending", null, null));
        return Task.CompletedTask;
    }

    public Task CompleteAsync(string operationId, bool succeeded, string? resultJson, CancellationToken cancellationToken)
    {
        _entries.AddOrUpdate(operationId, _ => throw new KeyNotFoundException($"unknown operation {operationId}"),
            (_, e) => e with { Status = succeeded ? "Succeeded" : "Failed", ResultJson = resultJson });
        return Task.CompletedTask;
    }

    public Task ConfirmAsync(string operationId, string actor, string reason, CancellationToken cancellationToken)
    {
        _entries.AddOrUpdate(operationId, _ => throw new KeyNotFoundException($"unknown operation {operationId}"),
            (_, e) => e with { Status = "Succeeded", ConfirmedBy = $"{actor}: {reason}", ConfirmedAt = time.GetUtcNow() });
        return Task.CompletedTask;
    }

    public Task<JournalEntry?> FindAsync(string operationId, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.GetValueOrDefault(operationId));
}
