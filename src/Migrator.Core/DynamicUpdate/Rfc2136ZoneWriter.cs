using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.DynamicUpdate;

/// <summary>
/// <see cref="IZoneWriter"/> by RFC 2136 at the old provider's primary: lower TTLs, write the canary, dual-write.
/// All sets of one call go in one UPDATE message, so the server applies all or nothing.
/// </summary>
public sealed class Rfc2136ZoneWriter(DynamicUpdateClient client) : IZoneWriter
{
    public string Description => client.Description;

    public async Task<ZoneWriteResult> ReplaceRecordSetsAsync(DomainName zone, IReadOnlyList<RecordSet> sets, CancellationToken cancellationToken)
    {
        var r = await ReplaceAsync(zone, sets, expected: null, cancellationToken).ConfigureAwait(false);
        return new ZoneWriteResult(r.Applied, r.Message);
    }

    /// <summary>
    /// Compare-and-set: replaces the sets only if each RRset named in <paramref name="expected"/> still holds exactly those
    /// values ("RRset exists (value dependent)"); a set expected absent is given as an empty-valued entry in <paramref name="expectedAbsent"/>.
    /// </summary>
    public Task<DynamicUpdateResult> ReplaceAsync(DomainName zone, IReadOnlyList<RecordSet> sets, IReadOnlyList<RecordSet>? expected,
        CancellationToken cancellationToken, IReadOnlyList<RecordSetKey>? expectedAbsent = null)
    {
        foreach (var s in sets)
            if (!s.Name.IsSubdomainOf(zone)) throw new ArgumentException($"{s.Key} lies outside {zone}", nameof(sets));
        var prerequisites = new List<UpdatePrerequisite>();
        foreach (var e in expected ?? []) prerequisites.Add(new UpdatePrerequisite.RecordSetEquals(e));
        foreach (var k in expectedAbsent ?? []) prerequisites.Add(new UpdatePrerequisite.RecordSetAbsent(k.Name, k.Type));
        return client.SendAsync(zone, prerequisites, sets.Select(s => (UpdateOperation)new UpdateOperation.ReplaceRecordSet(s)).ToList(),
            cancellationToken);
    }

    /// <summary>Writes the canary of one side (old provider: <see cref="CanarySide.Old"/>).</summary>
    public Task<DynamicUpdateResult> WriteCanaryAsync(Canary canary, CanarySide side, Ttl ttl, CancellationToken cancellationToken) =>
        ReplaceAsync(canary.Zone, [canary.RecordSet(side, ttl)], null, cancellationToken);

    /// <summary>Lowers the TTL of the given sets to at most <paramref name="ceiling"/>, each guarded by its current values.</summary>
    public Task<DynamicUpdateResult> LowerTtlsAsync(DomainName zone, IReadOnlyList<RecordSet> current, Ttl ceiling, CancellationToken cancellationToken)
    {
        var lowered = current.Where(s => s.Ttl > ceiling).Select(s => s with { Ttl = ceiling }).ToList();
        return lowered.Count == 0
            ? Task.FromResult(new DynamicUpdateResult(DynamicUpdateStatus.Applied, "NOERROR", $"every TTL in {zone} is already ≤ {ceiling}"))
            : ReplaceAsync(zone, lowered, current.Where(s => s.Ttl > ceiling).ToList(), cancellationToken);
    }
}
