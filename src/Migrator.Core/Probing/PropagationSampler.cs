using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

/// <summary>
/// Takes one round of samples: each resolver is asked (recursively) for the canary TXT; each parent server is asked
/// (non-recursively) for the zone's NS set and classified by comparison with the old and new NS sets.
/// </summary>
public sealed class PropagationSampler(IDnsProbe probe, Canary canary, TimeProvider time, IReadOnlyCollection<DomainName>? oldNs = null,
    IReadOnlyCollection<DomainName>? newNs = null)
{
    private readonly TimeProvider _time = time;

    public async Task<IReadOnlyList<PropagationSample>> SampleAsync(IReadOnlyList<PropagationTarget> targets, CancellationToken cancellationToken)
    {
        var tasks = targets.Select(t => SampleOneAsync(t, cancellationToken)).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task<PropagationSample> SampleOneAsync(PropagationTarget target, CancellationToken ct)
    {
        if (target.Kind == PropagationTargetKind.Resolver)
        {
            var r = await probe.QueryAsync(target.Endpoint, canary.Name, RecordType.TXT, ProbeOptions.Recursive, ct).ConfigureAwait(false);
            var c = canary.Classify(r);
            return new PropagationSample(_time.GetUtcNow(), target.Label, target.Kind, c, r.Latency.TotalMilliseconds,
                c == CanaryClassification.Error ? r.ErrorMessage ?? r.ResponseCode : null);
        }
        var ns = await probe.QueryAsync(target.Endpoint, canary.Zone, RecordType.NS, ProbeOptions.Default, ct).ConfigureAwait(false);
        return new PropagationSample(_time.GetUtcNow(), target.Label, target.Kind, ClassifyDelegation(ns), ns.Latency.TotalMilliseconds);
    }

    /// <summary>New when the parent's NS set equals the new set, Old when it equals the old set, Unknown otherwise.</summary>
    public CanaryClassification ClassifyDelegation(ProbeResult r)
    {
        if (r.Error != ProbeErrorKind.None || !r.IsNoError) return CanaryClassification.Error;
        var have = r.Answers.Concat(r.Authorities).Where(x => x.Type == RecordType.NS && x.Name.Equals(canary.Zone))
            .Select(x => DomainName.Parse(x.Data)).ToHashSet();
        if (newNs is not null && have.SetEquals(newNs)) return CanaryClassification.New;
        if (oldNs is not null && have.SetEquals(oldNs)) return CanaryClassification.Old;
        return CanaryClassification.Unknown;
    }
}
