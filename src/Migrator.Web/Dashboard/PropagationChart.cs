using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Probing;

namespace Migrator.Web.Dashboard;

/// <summary>A vertical mark on the chart: 5 × TTL, 5 × the ISP floor, the rollback, now.</summary>
public sealed record ChartMark(string Label, TimeSpan SinceChange, DateTimeOffset At);

/// <summary>
/// What the propagation chart draws for one migration: the expected share of caches that see the new delegation
/// (<see cref="PropagationModel"/>: half-lives of the old delegation TTL plus the ISP-floor population) and the measured
/// share (stored samples of the parent's servers, each classified old or new by its NS set), over time since cutover.
/// </summary>
public sealed record PropagationChartData(
    DateTimeOffset ChangedAt,
    DateTimeOffset Now,
    TimeSpan Range,
    PropagationModel Model,
    IReadOnlyList<(TimeSpan SinceChange, double Share)> Expected,
    IReadOnlyList<PropagationPoint> Measured,
    IReadOnlyList<ChartMark> Marks)
{
    /// <summary>
    /// Share of resolvers assumed to clamp TTLs up to the floor: one in three, as in the sandbox's resolver set (three
    /// resolvers, one of them ISP-like). Only used when the plan names a floor longer than the TTL.
    /// </summary>
    public const double DefaultIspFloorShare = 1.0 / 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The chart from the cutover onward; null before the delegation changed (no snapshot or no completed CutOver step).
    /// The model's TTL is the old delegation's (what caches hold when the parent changes); the ISP floor comes from the plan.
    /// </summary>
    public static PropagationChartData? Build(MigrationStatus status, IReadOnlyList<MigrationHistoryView> history,
        IReadOnlyList<MigrationSampleView> samples, DateTimeOffset now, double ispFloorShare = DefaultIspFloorShare)
    {
        if (status.Snapshot is not { } snapshot) return null;
        var cutover = history.LastOrDefault(h => h.Step == nameof(MigrationStep.CutOver) && h.To == MigrationState.CutOver);
        if (cutover is null) return null;
        var changedAt = cutover.At;

        var oldTtl = new[] { snapshot.Registrar.NsTtl ?? 0 }.Concat(snapshot.ParentServers.Select(p => p.Delegation?.NsTtl ?? 0)).Max();
        if (oldTtl <= 0) oldTtl = status.Plan?.TargetTtlSeconds ?? 300;
        var floor = status.Plan?.IspTtlFloorSeconds ?? 0;
        var model = floor > oldTtl
            ? new PropagationModel(TimeSpan.FromSeconds(oldTtl), ispFloorShare, TimeSpan.FromSeconds(floor))
            : new PropagationModel(TimeSpan.FromSeconds(oldTtl));

        var oldNs = snapshot.Registrar.NsNames;
        var newNs = status.TargetNameServers.Select(n => n.TrimEnd('.') + ".").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var measuredSamples = samples.Where(s => s.At >= changedAt).SelectMany(s => Classify(s, oldNs, newNs)).ToList();
        var series = PropagationSeries.Create(changedAt, measuredSamples);
        var measured = series.Points(TimeSpan.FromSeconds(1), model);

        var marks = new List<ChartMark>();
        void Mark(string label, TimeSpan since) => marks.Add(new ChartMark(label, since, changedAt + since));
        Mark($"5 × TTL ({oldTtl} s)", model.Ttl * PropagationModel.HalfLivesBeforeCutover);
        if (model.IspFloorShare > 0) Mark($"5 × ISP floor ({floor} s)", model.FloorPopulationTtl * PropagationModel.HalfLivesBeforeCutover);
        if (history.LastOrDefault(h => h.To == MigrationState.RolledBack) is { } rolledBack && rolledBack.At >= changedAt)
            Mark("rolled back", rolledBack.At - changedAt);

        var lastSample = measured.Count == 0 ? TimeSpan.Zero : measured[^1].SinceChange;
        var untilNow = now - changedAt;
        var range = new[] { model.WaitBeforeCutover(), lastSample, marks.Max(m => m.SinceChange) }.Max();
        // "now" is drawn while it is near the story; long after, the chart keeps its own scale and the mark is left off.
        if (untilNow >= TimeSpan.Zero && untilNow <= range * 2)
        {
            range = untilNow > range ? untilNow : range;
            Mark("now", untilNow);
        }
        range = TimeSpan.FromTicks((long)(range.Ticks * 1.05)) + TimeSpan.FromSeconds(1);

        const int steps = 80;
        var expected = Enumerable.Range(0, steps + 1).Select(i => range * i / steps).Select(t => (t, model.ExpectedShare(t))).ToList();
        return new PropagationChartData(changedAt, now, range, model, expected, measured, marks);
    }

    /// <summary>
    /// A sample's details in any of the shapes the steps store: a list of parent-server views (soak, verify), a list of
    /// resolver views (the soak's resolver sample), or both under "parents" and "resolvers" (the rollback check).
    /// </summary>
    public static (IReadOnlyList<ParentServerView> Parents, IReadOnlyList<MigrationStepRunner.ResolverView> Resolvers) ReadViews(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
                return (root.TryGetProperty("parents", out var p) && p.ValueKind == JsonValueKind.Array ? p.Deserialize<List<ParentServerView>>(Json) ?? [] : [],
                    root.TryGetProperty("resolvers", out var r) && r.ValueKind == JsonValueKind.Array ? r.Deserialize<List<MigrationStepRunner.ResolverView>>(Json) ?? [] : []);
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0) return ([], []);
            return root[0].TryGetProperty("resolver", out _)
                ? ([], root.Deserialize<List<MigrationStepRunner.ResolverView>>(Json) ?? [])
                : (root.Deserialize<List<ParentServerView>>(Json) ?? [], []);
        }
        catch (JsonException) { return ([], []); }
    }

    /// <summary>One stored sample as per-server observations: a list of parent-server views, or a verification verdict without details.</summary>
    public static IEnumerable<PropagationSample> Classify(MigrationSampleView sample, IReadOnlySet<string> oldNs, IReadOnlySet<string> newNs)
    {
        if (sample.Kind is not (MigrationSampleKinds.Propagation or MigrationSampleKinds.Delegation)) yield break;
        if (sample.DetailJson is null)
        {
            // The Verify step stores a verdict only: ok means every parent server showed the new delegation.
            if (sample.Ok && sample.Kind == MigrationSampleKinds.Delegation && sample.Summary.StartsWith("parent and new servers verified", StringComparison.Ordinal))
                yield return new PropagationSample(sample.At, "parent servers", PropagationTargetKind.ParentServer, CanaryClassification.New);
            yield break;
        }
        var (views, resolvers) = ReadViews(sample.DetailJson);
        foreach (var r in resolvers)
        {
            var classification = r.Sees switch
            {
                "new" => CanaryClassification.New, "old" => CanaryClassification.Old, "error" => CanaryClassification.Error, _ => CanaryClassification.Unknown,
            };
            yield return new PropagationSample(sample.At, r.Resolver, PropagationTargetKind.Resolver, classification, Detail: r.Error);
        }
        foreach (var v in views)
        {
            var names = v.Delegation?.NsNames;
            var classification = names is null ? CanaryClassification.Error
                : newNs.Count > 0 && names.SetEquals(newNs) ? CanaryClassification.New
                : names.SetEquals(oldNs) ? CanaryClassification.Old
                : CanaryClassification.Unknown;
            yield return new PropagationSample(sample.At, v.Server, PropagationTargetKind.ParentServer, classification, Detail: v.Error);
        }
    }
}

/// <summary>
/// After a rollback: the last check of the parent's servers against the saved delegation (stored as a delegation sample by
/// the rollback's follow-up), and what the first parent server showed then. <see cref="At"/> is null until the first check.
/// </summary>
public sealed record RollbackCheck(bool Verified, string Summary, DateTimeOffset? At, DateTimeOffset? DueAt, string? ParentServer, DelegationView? ParentNow)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RollbackCheck From(MigrationStatus status, IReadOnlyList<MigrationHistoryView> history, IReadOnlyList<MigrationSampleView> samples)
    {
        var rolledBack = history.LastOrDefault(h => h.To == MigrationState.RolledBack);
        DateTimeOffset? due = rolledBack is not null && rolledBack.Evidence.ValueKind == JsonValueKind.Object
            && rolledBack.Evidence.TryGetProperty("checkAt", out var c) && c.TryGetDateTimeOffset(out var d) ? d : status.DueAt;
        var check = rolledBack is null ? null : samples.LastOrDefault(s => s.Kind == MigrationSampleKinds.Delegation && s.At >= rolledBack.At && s.DetailJson is not null);
        if (check is null) return new RollbackCheck(false, "", null, due, null, null);
        var first = PropagationChartData.ReadViews(check.DetailJson!).Parents.FirstOrDefault(v => v.Delegation is not null);
        return new RollbackCheck(check.Ok, check.Summary, check.At, due, first?.Server, first?.Delegation);
    }
}
