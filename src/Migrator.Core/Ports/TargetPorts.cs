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

public sealed record ZoneSyncOptions(bool ManageApexNs = false, bool ManageApexSoa = false, bool DeleteExtraneous = true);
public sealed record ZoneSyncProgress(int BatchesDone, int BatchesTotal, string Message);
public sealed record ZoneSyncReport(int Created, int Updated, int Deleted, int Batches, IReadOnlyList<string> ChangeIds);

/// <summary>A name server of a delegation, with glue addresses when it lies inside the delegated zone.</summary>
public sealed record DelegatedNameServer(DomainName Name, IReadOnlyList<IPAddress> Glue);

/// <summary>What the parent (registry/registrar) says about a zone: NS set, glue and DS records.</summary>
public sealed record Delegation(DomainName Zone, IReadOnlyList<DelegatedNameServer> NameServers, IReadOnlyList<string> DsRecords, Ttl? Ttl = null);

public enum DelegationChangeStatus { Submitted, InProgress, Succeeded, Failed }

/// <summary>Changes the delegation at the parent: Route 53 Domains, RFC 2136 on a parent zone, or manual.</summary>
public interface IDelegationChanger
{
    string Description { get; }
    Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken);

    /// <summary>Requests the change; returns an operation id to poll with <see cref="GetStatusAsync"/>.</summary>
    Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken);
    Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken);
}
