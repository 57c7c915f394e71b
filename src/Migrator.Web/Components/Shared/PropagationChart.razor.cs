using System.Globalization;
using Microsoft.AspNetCore.Components;
using Migrator.Web.Dashboard;
using Migrator.Web.Display;

namespace Migrator.Web.Components.Shared;

/// <summary>Expected and measured propagation on one SVG chart, with its marks, a sentence and a table for those who do not see it.</summary>
public partial class PropagationChart
{
    [Parameter, EditorRequired] public PropagationChartData Data { get; set; } = default!;

    // Drawing area in SVG units: the chart scales to the width it is given.
    private const int W = 640, H = 260, L = 44, R = 12, T = 10, B = 40;

    private double X(TimeSpan since) => L + (W - L - R) * Math.Clamp(since / Data.Range, 0, 1);
    private static double Y(double share) => T + (H - T - B) * (1 - Math.Clamp(share, 0, 1));
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private string ExpectedPoints => string.Join(" ", Data.Expected.Select(p => $"{F(X(p.SinceChange))},{F(Y(p.Share))}"));

    private int MarkRow(ChartMark mark) => Data.Marks.OrderBy(m => m.SinceChange).ToList().IndexOf(mark) % 3;

    private static string Slug(string label) => label.Split(' ')[0] switch { "5" => label.Contains("floor") ? "floor" : "ttl", var w => w };

    /// <summary>About five ticks at a round step (seconds, minutes or hours).</summary>
    private IEnumerable<TimeSpan> Ticks()
    {
        TimeSpan[] steps = [.. new[] { 1, 2, 5, 10, 15, 30 }.Select(s => TimeSpan.FromSeconds(s)),
            .. new[] { 1, 2, 5, 10, 15, 30 }.Select(m => TimeSpan.FromMinutes(m)), .. new[] { 1, 2, 6, 12, 24 }.Select(h => TimeSpan.FromHours(h))];
        var step = steps.FirstOrDefault(s => Data.Range / s <= 6, TimeSpan.FromDays(1));
        for (var t = TimeSpan.Zero; t <= Data.Range; t += step) yield return t;
    }

    private static string Pct(double share, int decimals = 0) =>
        (share * 100).ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture) + "%";

    private static string Span(TimeSpan t) => t <= TimeSpan.Zero ? "0 s" : TimeDisplay.Span(t);

    private static string Tick(TimeSpan t) => Span(t).Replace(" 00 s", "", StringComparison.Ordinal).Replace(" 00 min", " h", StringComparison.Ordinal);

    /// <summary>The chart in one sentence: where measurement stands and what the model expected by then.</summary>
    public string Summary
    {
        get
        {
            var last = Data.Measured.LastOrDefault(p => p.MeasuredNewShare is not null);
            var wait = Data.Marks.FirstOrDefault();
            var measured = last is null
                ? "No measurement yet."
                : $"Last measured {Span(last.SinceChange)} after cutover: {Pct(last.MeasuredNewShare!.Value)} of the parent's servers showed the new delegation; the model expected {Pct(last.ExpectedShare)} of caches by then.";
            return wait is null ? measured : $"{measured} {wait.Label} is {Span(wait.SinceChange)} after cutover ({Pct(Data.Model.ExpectedShare(wait.SinceChange), 1)} expected).";
        }
    }
}
