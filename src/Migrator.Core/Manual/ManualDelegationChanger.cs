using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Manual;

/// <summary>
/// <see cref="IDelegationChanger"/> for a registrar without an API (GoDaddy etc.): the operator changes the delegation there;
/// Migrator reports success only when every parent server shows the desired NS set (and DS set), or on an override with a reason.
/// Requests and overrides live in the <see cref="IOperationJournal"/> (the database for migrations), so a restarted
/// process still knows what it asked for.
/// </summary>
public sealed class ManualDelegationChanger(IDnsProbe probe, IReadOnlyList<DnsEndpoint> parentServers, IOperationJournal journal) : IDelegationChanger
{
    public const string Kind = MigrationOperationKinds.ManualConfirmation;

    private readonly IOperationJournal _journal = journal;

    public string Description => $"manual at the registrar (verified at {string.Join(", ", parentServers)})";

    public Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken) =>
        ParentDelegationReader.ReadFirstAsync(probe, parentServers, zone, cancellationToken);

    /// <summary>Records what the operator must set (persisted first); returns the id to poll.</summary>
    public async Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken)
    {
        if (desired.NameServers.Count == 0) throw new ArgumentException("a delegation needs at least one name server", nameof(desired));
        var id = $"manual-{Guid.NewGuid():N}";
        await _journal.RecordAsync(id, Kind, InstructionsFor(desired), JsonSerializer.Serialize(DelegationView.From(desired)), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>What the operator is asked to do, in words.</summary>
    public string Instructions(string operationId) => InstructionsFor(GetAsync(operationId, default).GetAwaiter().GetResult().Desired);

    public static string InstructionsFor(Delegation d)
    {
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
        var (desired, entry) = await GetAsync(operationId, cancellationToken).ConfigureAwait(false);
        var want = desired.NameServers.Select(n => n.Name.ToLowerString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wantDs = desired.DsRecords.Select(ds => RdataFormat.CanonicalOrSelf(RecordType.DS, ds)).ToHashSet(StringComparer.Ordinal);
        var pending = new List<string>();
        foreach (var server in parentServers)
        {
            var view = await ParentDelegationReader.ReadAsync(probe, server, desired.Zone, cancellationToken).ConfigureAwait(false);
            if (view.Delegation is not { } d) { pending.Add($"{server}: {view.Error}"); continue; }
            if (!d.NsNames.SetEquals(want)) { pending.Add($"{server} shows NS [{string.Join(" ", d.NsNames.Order(StringComparer.Ordinal))}]"); continue; }
            var haveDs = d.Ds.Select(ds => RdataFormat.CanonicalOrSelf(RecordType.DS, ds)).ToHashSet(StringComparer.Ordinal);
            if (!haveDs.SetEquals(wantDs)) pending.Add($"{server} shows DS [{string.Join(" | ", d.Ds)}]");
        }
        if (pending.Count == 0)
            return new ManualCheckResult(true, true, [], $"every parent server shows the new delegation of {desired.Zone}");
        if (entry.Confirmation is { } o) return ManualCheckResult.Overridden(o, pending);
        return new ManualCheckResult(false, false, pending, $"waiting for the registrar change: {string.Join("; ", pending)}");
    }

    /// <summary>Marks the change done without DNS evidence; the result carries actor and reason for the audit log.</summary>
    public ManualCheckResult Override(string operationId, ManualOverride manualOverride)
    {
        _journal.ConfirmAsync(operationId, manualOverride.Actor, manualOverride.Reason, default).GetAwaiter().GetResult();
        return ManualCheckResult.Overridden(manualOverride, []);
    }

    private async Task<(Delegation Desired, JournalEntry Entry)> GetAsync(string operationId, CancellationToken ct)
    {
        var entry = await _journal.FindAsync(operationId, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException($"unknown operation {operationId}");
        var view = JsonSerializer.Deserialize<DelegationView>(entry.RequestJson) ?? throw new FormatException($"operation {operationId} has no request");
        return (view.ToDelegation(), entry);
    }
}
