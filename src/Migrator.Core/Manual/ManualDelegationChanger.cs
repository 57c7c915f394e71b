using System.Collections.Concurrent;
using System.Net;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Manual;

/// <summary>
/// <see cref="IDelegationChanger"/> for a registrar without an API (GoDaddy etc.): the operator changes the delegation there;
/// Migrator reports success only when every parent server shows the desired NS set (and DS set), or on an override with a reason.
/// </summary>
public sealed class ManualDelegationChanger(IDnsProbe probe, IReadOnlyList<DnsEndpoint> parentServers, TimeProvider? time = null) : IDelegationChanger
{
    private sealed record Request(Delegation Desired, DateTimeOffset At)
    {
        public ManualOverride? Override { get; set; }
    }

    private readonly ConcurrentDictionary<string, Request> _requests = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Description => $"manual at the registrar (verified at {string.Join(", ", parentServers)})";

    public async Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken)
    {
        foreach (var server in parentServers)
        {
            var ns = await probe.QueryAsync(server, zone, RecordType.NS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
            if (ns.Error != ProbeErrorKind.None || !ns.IsNoError) continue;
            var records = ns.Answers.Concat(ns.Authorities).Where(r => r.Type == RecordType.NS && r.Name.Equals(zone)).ToList();
            var ds = await probe.QueryAsync(server, zone, RecordType.DS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
            return new Delegation(zone,
                records.Select(r => DomainName.Parse(r.Data)).Distinct().Select(n => new DelegatedNameServer(n,
                    ns.Additionals.Where(a => a.Name.Equals(n) && (a.Type == RecordType.A || a.Type == RecordType.AAAA)).Select(a => IPAddress.Parse(a.Data)).ToList())).ToList(),
                ds.AnswerSet.Select(r => r.Data).ToList(),
                records.Count > 0 ? new Ttl(records.Min(r => r.Ttl.Seconds)) : null);
        }
        throw new InvalidOperationException($"no parent server ({string.Join(", ", parentServers)}) answered for {zone} NS");
    }

    /// <summary>Records what the operator must set; returns the id to poll.</summary>
    public Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken)
    {
        if (desired.NameServers.Count == 0) throw new ArgumentException("a delegation needs at least one name server", nameof(desired));
        var id = $"manual-{Guid.NewGuid():N}";
        _requests[id] = new Request(desired, _time.GetUtcNow());
        return Task.FromResult(id);
    }

    /// <summary>What the operator is asked to do, in words.</summary>
    public string Instructions(string operationId)
    {
        var d = Get(operationId).Desired;
        var ns = string.Join(", ", d.NameServers.Select(n => n.Glue.Count == 0 ? n.Name.ToString() : $"{n.Name} ({string.Join(" ", n.Glue)})"));
        return $"At the registrar of {d.Zone}, set the name servers to {ns}" + (d.DsRecords.Count == 0 ? " and remove any DS record." : $" and the DS records to {string.Join(" | ", d.DsRecords)}.");
    }

    public async Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken)
    {
        var check = await VerifyAsync(operationId, cancellationToken).ConfigureAwait(false);
        return check.Done ? DelegationChangeStatus.Succeeded : DelegationChangeStatus.InProgress;
    }

    /// <summary>Asks every parent server; done when all show the desired NS (and DS) set, or when overridden.</summary>
    public async Task<ManualCheckResult> VerifyAsync(string operationId, CancellationToken cancellationToken)
    {
        var request = Get(operationId);
        var want = request.Desired.NameServers.Select(n => n.Name).ToHashSet();
        var wantDs = request.Desired.DsRecords.Select(d => ParityComparer.Normalize(RecordType.DS, d)).ToHashSet(StringComparer.Ordinal);
        var pending = new List<string>();
        foreach (var server in parentServers)
        {
            var r = await probe.QueryAsync(server, request.Desired.Zone, RecordType.NS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
            if (r.Error != ProbeErrorKind.None) { pending.Add($"{server}: {r.Error}"); continue; }
            var have = r.Answers.Concat(r.Authorities).Where(x => x.Type == RecordType.NS && x.Name.Equals(request.Desired.Zone))
                .Select(x => DomainName.Parse(x.Data)).ToHashSet();
            if (!have.SetEquals(want)) { pending.Add($"{server} shows NS [{string.Join(" ", have.Select(h => h.ToString()).Order())}]"); continue; }
            var ds = await probe.QueryAsync(server, request.Desired.Zone, RecordType.DS, ProbeOptions.Default, cancellationToken).ConfigureAwait(false);
            var haveDs = ds.AnswerSet.Select(x => ParityComparer.Normalize(RecordType.DS, x.Data)).ToHashSet(StringComparer.Ordinal);
            if (!haveDs.SetEquals(wantDs)) pending.Add($"{server} shows DS [{string.Join(" | ", ds.AnswerSet.Select(x => x.Data))}]");
        }
        if (pending.Count == 0)
            return new ManualCheckResult(true, true, [], $"every parent server shows the new delegation of {request.Desired.Zone}");
        if (request.Override is { } o) return ManualCheckResult.Overridden(o, pending);
        return new ManualCheckResult(false, false, pending, $"waiting for the registrar change: {string.Join("; ", pending)}");
    }

    /// <summary>Marks the change done without DNS evidence; the result carries actor and reason for the audit log.</summary>
    public ManualCheckResult Override(string operationId, ManualOverride manualOverride)
    {
        var request = Get(operationId);
        request.Override = manualOverride;
        return ManualCheckResult.Overridden(manualOverride, []);
    }

    private Request Get(string operationId) =>
        _requests.TryGetValue(operationId, out var r) ? r : throw new KeyNotFoundException($"unknown operation {operationId}");
}
