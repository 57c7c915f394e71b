using System.Net.Sockets;
using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.DynamicUpdate;

/// <summary>
/// <see cref="IDelegationChanger"/> for a parent zone the user runs: NS set, glue (for name servers inside the child zone)
/// and DS are replaced in one RFC 2136 message at the parent's primary; success is confirmed by asking the parent's servers.
/// Every update is written to the <see cref="IOperationJournal"/> before it is sent, with its outcome after, so the
/// status of an operation survives a restart.
/// </summary>
public sealed class Rfc2136DelegationChanger(DynamicUpdateClient client, DomainName parentZone, IDnsProbe probe,
    IReadOnlyList<DnsEndpoint>? parentServers, IOperationJournal journal) : IDelegationChanger
{
    public const string Kind = MigrationOperationKinds.Rfc2136Update;

    private readonly IOperationJournal _journal = journal;
    private IReadOnlyList<DnsEndpoint> Servers => parentServers is { Count: > 0 } ? parentServers : [client.Server];

    public string Description => $"delegation in {parentZone} via {client.Description}";

    /// <summary>Whether the delegation TTL can be set here (it can: the parent zone is ours).</summary>
    public bool SetsDelegationTtl => true;

    /// <summary>The last update result of an operation (for the audit log; never holds the secret).</summary>
    public DynamicUpdateResult? ResultOf(string operationId)
    {
        var e = _journal.FindAsync(operationId, default).GetAwaiter().GetResult();
        return e?.ResultJson is { } r ? JsonSerializer.Deserialize<DynamicUpdateResult>(r) : null;
    }

    public Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken) =>
        ParentDelegationReader.ReadFirstAsync(probe, [client.Server], zone, cancellationToken);

    async Task<(string? OperationId, string? Refusal)> IDelegationChanger.RequestGuardedChangeAsync(Delegation desired, Delegation expected, CancellationToken cancellationToken)
    {
        var (id, result) = await ChangeAsync(desired, expected, cancellationToken).ConfigureAwait(false);
        return result.Applied ? (id, null) : (null, $"the parent refused the guarded update ({result.ResponseCode}): {result.Message}");
    }

    public async Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(desired, expected: null, cancellationToken).ConfigureAwait(false);
        return result.OperationId;
    }

    /// <summary>
    /// Replaces the delegation. With <paramref name="expected"/> the update carries the expected NS set as a
    /// value-dependent prerequisite, so a delegation changed by someone else in between is left alone (NXRRSET).
    /// </summary>
    public async Task<(string OperationId, DynamicUpdateResult Result)> ChangeAsync(Delegation desired, Delegation? expected,
        CancellationToken cancellationToken)
    {
        var zone = desired.Zone;
        if (!zone.IsSubdomainOf(parentZone) || zone.Equals(parentZone))
            throw new ArgumentException($"{zone} is not a child of {parentZone}", nameof(desired));
        if (desired.NameServers.Count == 0) throw new ArgumentException("a delegation needs at least one name server", nameof(desired));
        var ttl = desired.Ttl ?? new Ttl(86400);

        var prerequisites = new List<UpdatePrerequisite>();
        if (expected is not null)
            prerequisites.Add(new UpdatePrerequisite.RecordSetEquals(new RecordSet(new RecordSetKey(zone, RecordType.NS), expected.Ttl ?? ttl,
                expected.NameServers.Select(n => n.Name.ToString()).ToList())));

        var ops = new List<UpdateOperation>
        {
            new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(zone, RecordType.NS), ttl,
                desired.NameServers.Select(n => n.Name.ToString()).Distinct(StringComparer.OrdinalIgnoreCase).ToList())),
        };
        // Glue lives in the parent only for names inside the child zone; old in-zone glue not in the new set is removed.
        var glueNames = desired.NameServers.Where(n => n.Name.IsSubdomainOf(zone)).Select(n => n.Name)
            .Concat((expected?.NameServers ?? []).Where(n => n.Name.IsSubdomainOf(zone)).Select(n => n.Name)).Distinct();
        foreach (var name in glueNames)
        {
            var addrs = desired.NameServers.FirstOrDefault(n => n.Name.Equals(name))?.Glue ?? [];
            var v4 = addrs.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(a => a.ToString()).ToList();
            var v6 = addrs.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).Select(a => a.ToString()).ToList();
            ops.Add(v4.Count > 0 ? new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(name, RecordType.A), ttl, v4))
                                 : new UpdateOperation.DeleteRecordSet(name, RecordType.A));
            ops.Add(v6.Count > 0 ? new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(name, RecordType.AAAA), ttl, v6))
                                 : new UpdateOperation.DeleteRecordSet(name, RecordType.AAAA));
        }
        ops.Add(desired.DsRecords.Count > 0
            ? new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(zone, RecordType.DS), ttl, desired.DsRecords))
            : new UpdateOperation.DeleteRecordSet(zone, RecordType.DS));

        var id = $"rfc2136-{Guid.NewGuid():N}";
        await _journal.RecordAsync(id, Kind, $"replace the delegation of {zone} in {parentZone} at {client.Server}",
            JsonSerializer.Serialize(DelegationView.From(desired)), cancellationToken).ConfigureAwait(false);
        var result = await client.SendAsync(parentZone, prerequisites, ops, cancellationToken).ConfigureAwait(false);
        await _journal.CompleteAsync(id, result.Applied, JsonSerializer.Serialize(result), cancellationToken).ConfigureAwait(false);
        return (id, result);
    }

    /// <summary>Failed when the update was not applied; Succeeded once every parent server shows the desired NS set.</summary>
    public async Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken)
    {
        var entry = await _journal.FindAsync(operationId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"unknown operation {operationId}");
        if (entry.Status == "Failed") return DelegationChangeStatus.Failed;
        if (entry.Status == "Pending") return DelegationChangeStatus.Submitted; // sent or not: the process died in between
        var desired = JsonSerializer.Deserialize<DelegationView>(entry.RequestJson)!;
        foreach (var s in Servers)
        {
            var view = await ParentDelegationReader.ReadAsync(probe, s, desired.ToDelegation().Zone, cancellationToken).ConfigureAwait(false);
            if (view.Delegation is not { } have || !have.SameNameServers(desired)) return DelegationChangeStatus.InProgress;
        }
        return DelegationChangeStatus.Succeeded;
    }
}
