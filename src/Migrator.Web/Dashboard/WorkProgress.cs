using System.Text.RegularExpressions;
using Migrator.Core.Migrations;

namespace Migrator.Web.Dashboard;

/// <summary>Long work of a step as done / total, read from what is stored (so any process's page sees it move).</summary>
public sealed record WorkProgress(string Label, int Done, int Total)
{
    public double Percent => Total == 0 ? 0 : 100.0 * Done / Total;

    /// <summary>
    /// Route 53 change batches, grouped by the step that sent them (the operation key before ":batch-"): a group's total
    /// comes from its batch descriptions ("batch 3/10"), done counts the batches Route 53 reports INSYNC. Groups in the
    /// order they started.
    /// </summary>
    public static IReadOnlyList<WorkProgress> FromOperations(IReadOnlyList<MigrationOperationView> operations) =>
        operations.Where(o => o.Kind == MigrationOperationKinds.Route53Change && o.Key.Contains(":batch-", StringComparison.Ordinal))
            .GroupBy(o => o.Key[..o.Key.IndexOf(":batch-", StringComparison.Ordinal)])
            .Select(g =>
            {
                var total = g.Select(o => BatchOf().Match(o.Description)).Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value)).DefaultIfEmpty(g.Count()).Max();
                return (First: g.Min(o => o.CreatedAt), Progress: new WorkProgress(LabelOf(g.Key), g.Count(o => o.Status == MigrationOperationStatus.Succeeded), total));
            })
            .OrderBy(x => x.First).Select(x => x.Progress).ToList();

    private static string LabelOf(string prefix) => prefix.Split(':')[0] switch
    {
        "rehearse" => "Import into Route 53 (rehearsal)",
        "ttl" => "Lowering TTLs at Route 53",
        "cutover" => "Final sync to Route 53",
        "complete" => "Restoring TTLs at Route 53",
        var other => $"Route 53 changes ({other})",
    };

    private static Regex BatchOf() => BatchPattern;
    private static readonly Regex BatchPattern = new(@"batch (\d+)/(\d+)", RegexOptions.Compiled);
}
