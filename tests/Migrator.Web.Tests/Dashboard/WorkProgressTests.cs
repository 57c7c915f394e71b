using Migrator.Core.Migrations;
using Migrator.Web.Dashboard;

namespace Migrator.Web.Tests.Dashboard;

public sealed class WorkProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private static MigrationOperationView Batch(string prefix, int i, int total, string status, int minute) =>
        new(Guid.NewGuid(), $"{prefix}:batch-{i}", MigrationOperationKinds.Route53Change,
            $"Route 53 change batch {i + 1}/{total} (1000 changes) to Z1", status, null, null, T0.AddMinutes(minute), T0.AddMinutes(minute), null);

    [Fact]
    public void FromOperations_CountsInSyncBatchesAgainstTotalFromDescriptions_PerStep()
    {
        var ops = new[]
        {
            Batch("rehearse:abcdef012345", 0, 4, MigrationOperationStatus.Succeeded, 0),
            Batch("rehearse:abcdef012345", 1, 4, MigrationOperationStatus.Submitted, 1),
            new MigrationOperationView(Guid.NewGuid(), "ttl:lower-old-zone", MigrationOperationKinds.Rfc2136Update, "lower TTLs", MigrationOperationStatus.Succeeded,
                null, null, T0.AddMinutes(2), T0.AddMinutes(2), null),
            Batch("cutover:e", 0, 1, MigrationOperationStatus.Succeeded, 3),
        };

        var work = WorkProgress.FromOperations(ops);

        Assert.Equal([new WorkProgress("Import into Route 53 (rehearsal)", 1, 4), new WorkProgress("Final sync to Route 53", 1, 1)], work);
        Assert.Equal(25, work[0].Percent);
    }
}
