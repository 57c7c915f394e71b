using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Migrator.Core.Probing;

[JsonConverter(typeof(JsonStringEnumConverter<PropagationTargetKind>))]
public enum PropagationTargetKind { Resolver, ParentServer }

/// <summary>Where propagation is measured: a recursive resolver (asked for the canary) or a parent server (asked for the NS set).</summary>
public sealed record PropagationTarget(string Label, DnsEndpoint Endpoint, PropagationTargetKind Kind = PropagationTargetKind.Resolver);

/// <summary>One measurement: at <see cref="At"/>, <see cref="Target"/> showed the old or new side (or neither).</summary>
public sealed record PropagationSample(DateTimeOffset At, string Target, PropagationTargetKind Kind, CanaryClassification Classification,
    double LatencyMs = 0, string? Detail = null);

/// <summary>One sampling round: when, the measured share of New among Old+New answers, and the model's expectation.</summary>
public sealed record PropagationPoint(DateTimeOffset At, TimeSpan SinceChange, double? MeasuredNewShare, double ExpectedShare, int Old, int New, int Unknown, int Errors);

/// <summary>
/// The measured series of one migration, ordered by time. Invariant: samples are sorted by <see cref="PropagationSample.At"/>;
/// the series is immutable and serialisable as a plain list of samples.
/// </summary>
public sealed record PropagationSeries(DateTimeOffset ChangedAt, IReadOnlyList<PropagationSample> Samples)
{
    public static PropagationSeries Create(DateTimeOffset changedAt, IEnumerable<PropagationSample> samples) =>
        new(changedAt, samples.OrderBy(s => s.At).ToList());

    /// <summary>Time after the change of the first sample from which every later sample of every target is New; null if never.</summary>
    public TimeSpan? SwitchedAfter
    {
        get
        {
            var lastNonNew = Samples.Select((s, i) => (s, i)).LastOrDefault(x => x.s.Classification != CanaryClassification.New);
            var firstIndex = lastNonNew.s is null ? 0 : lastNonNew.i + 1;
            if (firstIndex >= Samples.Count) return null;
            var t = Samples[firstIndex].At - ChangedAt;
            return t < TimeSpan.Zero ? TimeSpan.Zero : t;
        }
    }

    /// <summary>Groups samples into rounds of <paramref name="bucket"/> length and sets the model's expectation beside each.</summary>
    public IReadOnlyList<PropagationPoint> Points(TimeSpan bucket, PropagationModel model)
    {
        if (bucket <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(bucket));
        return Samples
            .GroupBy(s => (long)Math.Floor((s.At - ChangedAt) / bucket))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                int o = g.Count(s => s.Classification == CanaryClassification.Old), n = g.Count(s => s.Classification == CanaryClassification.New);
                var since = g.Max(s => s.At) - ChangedAt;
                return new PropagationPoint(g.Max(s => s.At), since, o + n == 0 ? null : (double)n / (o + n), model.ExpectedShare(since),
                    o, n, g.Count(s => s.Classification == CanaryClassification.Unknown), g.Count(s => s.Classification == CanaryClassification.Error));
            })
            .ToList();
    }
}

/// <summary>Stores the measured samples per migration (the persistence layer provides the durable adapter).</summary>
public interface IPropagationSampleStore
{
    Task AppendAsync(string migrationId, IReadOnlyList<PropagationSample> samples, CancellationToken cancellationToken);
    Task<IReadOnlyList<PropagationSample>> ListAsync(string migrationId, CancellationToken cancellationToken);
}

/// <summary>Process-local <see cref="IPropagationSampleStore"/> (sandbox, tests, the CLI).</summary>
public sealed class InMemoryPropagationSampleStore : IPropagationSampleStore
{
    private readonly ConcurrentDictionary<string, List<PropagationSample>> _byMigration = new(StringComparer.Ordinal);

    public Task AppendAsync(string migrationId, IReadOnlyList<PropagationSample> samples, CancellationToken cancellationToken)
    {
        var list = _byMigration.GetOrAdd(migrationId, _ => []);
        lock (list) list.AddRange(samples);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PropagationSample>> ListAsync(string migrationId, CancellationToken cancellationToken)
    {
        if (!_byMigration.TryGetValue(migrationId, out var list)) return Task.FromResult<IReadOnlyList<PropagationSample>>([]);
        lock (list) return Task.FromResult<IReadOnlyList<PropagationSample>>(list.OrderBy(s => s.At).ToList());
    }
}
