using System.Net;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// Changes a domain's delegation at its registrar through Route 53 Domains (the domain must be registered in the
/// account). Invariant: <see cref="RequestChangeAsync"/> changes only the NS set and its glue; DS records change only
/// through <see cref="RequestDsChangeAsync"/> (AssociateDelegationSignerToDomain takes DNSKEY material, not a digest).
/// </summary>
public sealed class Route53DomainsDelegationChanger(Route53DomainsClient client, Route53ChangeScheduler gate, string accountName, TimeProvider time)
    : IDelegationChanger
{
    public string Description => $"Route 53 Domains (account {accountName})";

    public async Task<Delegation> GetCurrentAsync(DomainName zone, CancellationToken cancellationToken)
    {
        var detail = await gate.CallAsync(c => client.GetDomainDetailAsync(DomainArgument(zone), c), cancellationToken);
        return ToDelegation(zone, detail);
    }

    public static Delegation ToDelegation(DomainName zone, DomainDetail detail) => new(zone,
        detail.Nameservers.Select(n => new DelegatedNameServer(DomainName.Parse(n.Name.TrimEnd('.') + "."),
            (n.GlueIps ?? []).Select(IPAddress.Parse).ToList())).ToList(),
        detail.DnssecKeys.Where(k => k.Digest is not null && k.KeyTag is not null && k.DigestType is not null)
            .Select(k => $"{k.KeyTag} {k.Algorithm} {k.DigestType} {k.Digest!.ToUpperInvariant()}").ToList());

    public async Task<string> RequestChangeAsync(Delegation desired, CancellationToken cancellationToken)
    {
        if (desired.NameServers.Count == 0) throw new ArgumentException($"{desired.Zone}: a delegation needs at least one name server", nameof(desired));
        var servers = desired.NameServers.Select(n => new DomainNameserver(n.Name.ToString().TrimEnd('.'),
            n.Glue.Count == 0 ? null : n.Glue.Select(g => g.ToString()).ToList())).ToList();
        return await RequestOnceAsync(c => client.UpdateDomainNameserversAsync(DomainArgument(desired.Zone), servers, c), cancellationToken);
    }

    /// <summary>
    /// One registry operation towards <paramref name="keys"/>: removes a key the registry holds that is not wanted, else adds
    /// a wanted key it lacks (the registry runs one operation per domain at a time). Throws when nothing is left to do.
    /// </summary>
    public async Task<string> RequestDsChangeAsync(DomainName zone, IReadOnlyList<DsKeyMaterial> keys, CancellationToken cancellationToken)
    {
        var detail = await gate.CallAsync(c => client.GetDomainDetailAsync(DomainArgument(zone), c), cancellationToken);
        var wanted = keys.Select(k => k.PublicKey).ToHashSet(StringComparer.Ordinal);
        if (detail.DnssecKeys.FirstOrDefault(k => k.PublicKey is null || !wanted.Contains(k.PublicKey)) is { Id: { } removeId })
            return await RequestOnceAsync(c => client.DisassociateDelegationSignerFromDomainAsync(DomainArgument(zone), removeId, c), cancellationToken);
        var have = detail.DnssecKeys.Select(k => k.PublicKey).ToHashSet(StringComparer.Ordinal);
        if (keys.FirstOrDefault(k => !have.Contains(k.PublicKey)) is { } add)
            return await RequestOnceAsync(c => client.AssociateDelegationSignerToDomainAsync(DomainArgument(zone), add.Algorithm, add.Flags, add.PublicKey, c), cancellationToken);
        throw new InvalidOperationException($"{zone}: the registry already holds exactly the wanted DNSSEC keys");
    }

    /// <summary>
    /// Not CallAsync's retry for a non-idempotent request: a retried request after a lost answer would get DuplicateRequest;
    /// throttling answers mean it was not accepted, so only those are retried.
    /// </summary>
    private async Task<string> RequestOnceAsync(Func<CancellationToken, Task<string>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await gate.AcquireTokenAsync(cancellationToken);
            try { return await call(cancellationToken); }
            catch (Route53Exception e) when (e.Code is "Throttling" or "ThrottlingException" && attempt + 1 < gate.Options.MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(gate.Options.BaseBackoff.TotalMilliseconds * Random.Shared.NextDouble() * Math.Pow(2, Math.Min(attempt, 10))), time, cancellationToken);
            }
        }
    }

    public async Task<DelegationChangeStatus> GetStatusAsync(string operationId, CancellationToken cancellationToken)
    {
        var detail = await gate.CallAsync(c => client.GetOperationDetailAsync(operationId, c), cancellationToken);
        return MapStatus(detail.Status);
    }

    public static DelegationChangeStatus MapStatus(string status) => status switch
    {
        "SUBMITTED" => DelegationChangeStatus.Submitted,
        "IN_PROGRESS" => DelegationChangeStatus.InProgress,
        "SUCCESSFUL" => DelegationChangeStatus.Succeeded,
        "ERROR" or "FAILED" => DelegationChangeStatus.Failed,
        _ => throw new FormatException($"unknown Route 53 Domains operation status '{status}'"),
    };

    private static string DomainArgument(DomainName zone) => zone.ToLowerString().TrimEnd('.');
}
