using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.DynamicUpdate;

/// <summary>
/// <see cref="IDelegationChanger"/> for a parent zone the user runs: NS set, glue (for name servers inside the child zone)
/// and DS are replaced in one RFC 2136 message at the parent's primary; success is confirmed by asking the parent's servers.
/// </summary>
public sealed class Rfc2136DelegationChanger(DynamicUpdateClient client, DomainName parentZone, IDnsProbe probe,
    IReadOnlyList<DnsEndpoint>? parentServers = null) : IDelegationChanger
{
    private readonly ConcurrentDictionary<string, (Delegation Desired, DynamicUpdateResult Result)> _operations = new();
    private IReadOnlyList<DnsEndpoint> Servers => parentServers is { Count: > 0 } ? parentServers : [client.Server];

    public string Description => $"delegation in {parentZone} via {client.Description}";

    /// <summary>The last update result of an operation (for the audit log; never holds the secret).</summary>
    public DynamicUpdateResult? ResultOf(string operationId) => _operations.TryGetValue(operationId, out var o) ? o.Result : null;

    public async Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken)
    {
        var ns = await probe.QueryAsync(client.Server, zone, RecordType.NS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
        if (!ns.Responded || ns.Error != ProbeErrorKind.None)
            throw new InvalidOperationException($"parent server {client.Server} did not answer for {zone} NS: {ns.Error} {ns.ErrorMessage}");
        var nsRecords = ns.Answers.Concat(ns.Authorities).Where(r => r.Type == RecordType.NS && r.Name.Equals(zone)).ToList();
        var ds = await probe.QueryAsync(client.Server, zone, RecordType.DS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
        var servers = nsRecords.Select(r => DomainName.Parse(r.Data)).Distinct().Select(n => new DelegatedNameServer(n,
            ns.Additionals.Where(a => a.Name.Equals(n) && (a.Type == RecordType.A || a.Type == RecordType.AAAA)).Select(a => IPAddress.Parse(a.Data)).ToList()))
            .ToList();
        return new Delegation(zone, servers, ds.AnswerSet.Select(r => r.Data).ToList(),
            nsRecords.Count > 0 ? new Ttl(nsRecords.Min(r => r.Ttl.Seconds)) : null);
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

        var result = await client.SendAsync(parentZone, prerequisites, ops, cancellationToken).ConfigureAwait(false);
        var id = $"rfc2136-{Guid.NewGuid():N}";
        _operations[id] = (desired, result);
        return (id, result);
    }

    /// <summary>Failed when the update was not applied; Succeeded once every parent server shows the desired NS set.</summary>
    public async Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken)
    {
        if (!_operations.TryGetValue(operationId, out var op)) throw new KeyNotFoundException($"unknown operation {operationId}");
        if (!op.Result.Applied) return DelegationChangeStatus.Failed;
        var want = op.Desired.NameServers.Select(n => n.Name).ToHashSet();
        foreach (var s in Servers)
        {
            var r = await probe.QueryAsync(s, op.Desired.Zone, RecordType.NS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
            var have = r.Answers.Concat(r.Authorities).Where(x => x.Type == RecordType.NS && x.Name.Equals(op.Desired.Zone))
                .Select(x => DomainName.Parse(x.Data)).ToHashSet();
            if (!have.SetEquals(want)) return DelegationChangeStatus.InProgress;
        }
        return DelegationChangeStatus.Succeeded;
    }
}
