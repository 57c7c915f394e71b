using System.Text.Json;
using Migrator.Core.Probing;

namespace Migrator.Core.Tests.Probing;

public sealed class PropagationSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PropagationSample S(double seconds, CanaryClassification c, string target = "r1") =>
        new(T0.AddSeconds(seconds), target, PropagationTargetKind.Resolver, c);

    [Fact]
    public void SwitchedAfter_IsTheFirstSampleOfTheFinalNewRun()
    {
        var series = PropagationSeries.Create(T0, [S(-1, CanaryClassification.Old), S(1, CanaryClassification.Old),
            S(2, CanaryClassification.New), S(3, CanaryClassification.Old), S(4, CanaryClassification.New), S(5, CanaryClassification.New)]);
        Assert.Equal(TimeSpan.FromSeconds(4), series.SwitchedAfter);
    }

    [Fact]
    public void SwitchedAfter_IsNull_WhenLastSampleIsNotNew()
    {
        var series = PropagationSeries.Create(T0, [S(1, CanaryClassification.New), S(2, CanaryClassification.Unknown)]);
        Assert.Null(series.SwitchedAfter);
    }

    [Fact]
    public void Points_ComputeMeasuredShareAmongOldAndNew_AndTheModelBesideIt()
    {
        var series = PropagationSeries.Create(T0, [
            S(10, CanaryClassification.Old, "a"), S(10, CanaryClassification.New, "b"), S(10, CanaryClassification.Error, "c"),
            S(20, CanaryClassification.New, "a"), S(20, CanaryClassification.New, "b"), S(20, CanaryClassification.Unknown, "c")]);
        var model = PropagationModel.FromSeconds(10);

        var points = series.Points(TimeSpan.FromSeconds(10), model);

        Assert.Equal(2, points.Count);
        Assert.Equal(0.5, points[0].MeasuredNewShare);
        Assert.Equal(1, points[0].Errors);
        Assert.Equal(0.5, points[0].ExpectedShare, 12);
        Assert.Equal(1.0, points[1].MeasuredNewShare);
        Assert.Equal(1, points[1].Unknown);
        Assert.Equal(0.75, points[1].ExpectedShare, 12);
    }

    [Fact]
    public void Samples_RoundTripThroughJson()
    {
        var series = PropagationSeries.Create(T0, [S(1, CanaryClassification.New)]);
        var json = JsonSerializer.Serialize(series);
        Assert.Contains("\"New\"", json);
        var back = JsonSerializer.Deserialize<PropagationSeries>(json)!;
        Assert.Equal(series.Samples, back.Samples);
    }

    [Fact]
    public async Task InMemoryStore_ListsSamplesPerMigrationInTimeOrder()
    {
        var store = new InMemoryPropagationSampleStore();
        await store.AppendAsync("m1", [S(2, CanaryClassification.New)], default);
        await store.AppendAsync("m1", [S(1, CanaryClassification.Old)], default);
        await store.AppendAsync("m2", [S(1, CanaryClassification.Old)], default);

        var m1 = await store.ListAsync("m1", default);
        Assert.Equal([CanaryClassification.Old, CanaryClassification.New], m1.Select(s => s.Classification));
        Assert.Empty(await store.ListAsync("none", default));
    }
}
