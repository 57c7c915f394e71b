using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Manual;

/// <summary>
/// <see cref="IZoneWriter"/> for an old provider without an API: the operator makes the change in the provider's console;
/// Migrator reports it applied only when every given server answers authoritatively with the desired values and TTL,
/// or when the operator overrides with a reason. Overrides live in the <see cref="IOperationJournal"/> (the migration's
/// operation table), written before they count, so a restarted process still honours them; an override covers the exact
/// desired set (name, type, TTL, values) it was given, never a later different one.
/// </summary>
public sealed class ManualZoneWriter(IDnsProbe probe, IReadOnlyList<DnsEndpoint> servers, IOperationJournal journal) : IZoneWriter
{
    public const string Kind = MigrationOperationKinds.ManualConfirmation;

    private readonly IOperationJournal _journal = journal;

    public string Description => $"manual (verified at {string.Join(", ", servers)})";

    public async Task<ZoneWriteResult> ReplaceRecordSetsAsync(DomainName zone, IReadOnlyList<RecordSet> sets, CancellationToken cancellationToken)
    {
        var check = await VerifyAsync(sets, cancellationToken).ConfigureAwait(false);
        return new ZoneWriteResult(check.Done, check.Message);
    }

    /// <summary>Asks every server for every set; sets with an override count as done.</summary>
    public async Task<ManualCheckResult> VerifyAsync(IReadOnlyList<RecordSet> sets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(servers.Count);
        var pending = new List<string>();
        var overridden = new List<ManualOverride>();
        foreach (var set in sets)
        {
            var mismatch = await FirstMismatchAsync(set, cancellationToken).ConfigureAwait(false);
            if (mismatch is null) continue;
            if (await FindOverrideAsync(set, cancellationToken).ConfigureAwait(false) is { } o) { overridden.Add(o); continue; }
            pending.Add(mismatch);
        }
        if (pending.Count > 0)
            return new ManualCheckResult(false, false, pending, $"waiting for the operator: {pending.Count} of {sets.Count} RRset(s) not yet served: {string.Join("; ", pending)}");
        if (overridden.Count > 0)
            return ManualCheckResult.Overridden(overridden[0], []) with { Message = $"{sets.Count - overridden.Count} verified by DNS, {overridden.Count} overridden by {string.Join(", ", overridden.Select(o => $"{o.Actor} ({o.Reason})").Distinct())}" };
        return new ManualCheckResult(true, true, [], $"verified by DNS at {string.Join(", ", servers)}: {sets.Count} RRset(s) served as desired");
    }

    /// <summary>Marks the sets done without DNS evidence; the returned result carries actor and reason for the audit log.</summary>
    public ManualCheckResult Override(IReadOnlyList<RecordSet> sets, ManualOverride manualOverride) =>
        OverrideAsync(sets, manualOverride, default).GetAwaiter().GetResult();

    /// <summary>Records the override of each set in the journal (request, then confirmation) before it counts.</summary>
    public async Task<ManualCheckResult> OverrideAsync(IReadOnlyList<RecordSet> sets, ManualOverride manualOverride, CancellationToken cancellationToken)
    {
        foreach (var s in sets)
        {
            var id = OperationId(s);
            await _journal.RecordAsync(id, Kind, $"At the old provider, serve {s.Key} with TTL {s.Ttl.Seconds} s: {string.Join(" | ", s.Values)}",
                JsonSerializer.Serialize(new { set = s.Key.ToString(), ttl = s.Ttl.Seconds, values = s.Values }), cancellationToken).ConfigureAwait(false);
            await _journal.ConfirmAsync(id, manualOverride.Actor, manualOverride.Reason, cancellationToken).ConfigureAwait(false);
        }
        return ManualCheckResult.Overridden(manualOverride, sets.Select(s => s.Key.ToString()).ToList());
    }

    /// <summary>The journal key of a set's override: the set's key and a hash of its desired content (TTL, values in order given).</summary>
    public static string OperationId(RecordSet set)
    {
        var content = $"{set.Key}|{set.Ttl.Seconds}|{string.Join("\n", set.Values.Select(v => ParityComparer.Normalize(set.Type, v)).Order(StringComparer.Ordinal))}";
        return $"manual-zone-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..32]}";
    }

    private async Task<ManualOverride?> FindOverrideAsync(RecordSet set, CancellationToken ct)
    {
        var entry = await _journal.FindAsync(OperationId(set), ct).ConfigureAwait(false);
        return entry?.Confirmation;
    }

    private async Task<string?> FirstMismatchAsync(RecordSet set, CancellationToken ct)
    {
        var want = set.Values.Select(v => ParityComparer.Normalize(set.Type, v)).ToHashSet(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            var r = await probe.QueryAsync(server, set.Name, set.Type, ProbeOptions.Default, ct).ConfigureAwait(false);
            var side = ParityComparer.Side(set.Key, r);
            if (side.Error is not null) return $"{set.Key} at {server}: {side.Error}";
            var have = side.Values.Select(v => ParityComparer.Normalize(set.Type, v)).ToHashSet(StringComparer.Ordinal);
            if (!have.SetEquals(want)) return $"{set.Key} at {server} is [{string.Join(", ", side.Values)}]";
            if (side.Ttl != set.Ttl.Seconds) return $"{set.Key} at {server} has TTL {side.Ttl}, not {set.Ttl}";
        }
        return null;
    }
}
