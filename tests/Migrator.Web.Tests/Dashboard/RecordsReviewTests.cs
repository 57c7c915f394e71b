using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Web.Dashboard;
using Migrator.Web.Tests.Pages;

namespace Migrator.Web.Tests.Dashboard;

public sealed class RecordsReviewTests
{
    private const string Zone = "review.example.";

    private static MigrationStatus Status(IReadOnlyList<InventoryFinding> findings, string? blocker = null, uint targetTtl = 300) =>
        new(Guid.NewGuid(), Zone, MigrationState.Inventoried, 3, MigrationStep.Rehearse, [MigrationRole.Operator], false, null, null, null, null, null, null, null,
            "alice", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, blocker, null, [], 1, "hash", 0, findings, [],
            new MigrationPlanAnswers { TargetTtlSeconds = targetTtl }, null, null);

    [Fact]
    public void Build_SetsTheTargetTtlOnlyWhereLower_AndNoneForTypesRoute53DoesNotServe()
    {
        var inventory = MigrationSeed.Zone(Zone, 1000);
        var review = RecordsReview.Build(Status(MigrationSeed.FindingsOf(Zone, inventory), targetTtl: 120), inventory, null);

        var soa = review.Rows.Single(r => r.Type == "SOA");
        Assert.Equal((3600u, (uint?)3600), (soa.Ttl, soa.CutoverTtl)); // the apex SOA keeps its TTL
        var a = review.Rows.First(r => r.Type == "A" && r.Name.StartsWith("host", StringComparison.Ordinal));
        Assert.Equal((3600u, (uint?)120, true), (a.Ttl, a.CutoverTtl, a.TtlChanges));
        var txt = review.Rows.First(r => r.Type == "TXT");
        Assert.Equal((uint?)120, txt.CutoverTtl);
        var hinfo = review.Rows.Single(r => r.Type == "HINFO");
        Assert.False(hinfo.Migrated);
        Assert.Equal(LintSeverity.Error, hinfo.Finding);
        Assert.Equal(1, review.NotMigratedCount);
    }

    [Fact]
    public void ApplyRecordFilter_CombinesTextTypeAndFindings()
    {
        var inventory = MigrationSeed.Zone(Zone, 2000);
        var review = RecordsReview.Build(Status(MigrationSeed.FindingsOf(Zone, inventory)), inventory, null);

        Assert.Equal(review.Rows.Count, review.Apply(new RecordFilter()).Count);
        Assert.All(review.Apply(new RecordFilter(Type: "CNAME")), r => Assert.Equal("CNAME", r.Type));
        var byText = review.Apply(new RecordFilter(Text: "HOST1999."));
        Assert.Equal("host1999.review.example.", Assert.Single(byText).Name);
        var withFindings = review.Apply(new RecordFilter(WithFindings: true));
        Assert.NotEmpty(withFindings);
        Assert.All(withFindings, r => Assert.NotNull(r.Finding));
        Assert.All(review.Apply(new RecordFilter(TtlChanges: true)), r => Assert.True(r.CutoverTtl < r.Ttl));
    }

    [Fact]
    public void ApplyFindingFilter_KeepsOneSeverity_AndHidesAcceptedWhenAsked()
    {
        var inventory = MigrationSeed.Zone(Zone, 2000);
        var findings = MigrationSeed.FindingsOf(Zone, inventory).ToList();
        var error = findings.First(f => f.IsError);
        findings[findings.IndexOf(error)] = error with { AcceptedBy = "alice", AcceptedReason = "dropped", AcceptedAt = DateTimeOffset.UnixEpoch };
        var review = RecordsReview.Build(Status(findings), inventory, null);

        var errors = review.Apply(new FindingFilter(LintSeverity.Error));
        Assert.Equal(2, errors.Count);
        Assert.All(errors, f => Assert.True(f.IsError));
        Assert.Single(review.Apply(new FindingFilter(LintSeverity.Error, IncludeAccepted: false)));
        Assert.Equal(1, review.OpenCount(LintSeverity.Error));
        Assert.Equal(LintSeverity.Error.ToString(), review.Apply(new FindingFilter()).First().Severity); // worst first
        // An accepted finding no longer marks its record.
        Assert.Null(review.Rows.Single(r => r.Name == error.Owner && r.Type == error.Type).Finding);
    }

    [Fact]
    public void VerdictOf_SaysSafeWithCounts_WhenPlanIsSafe()
    {
        var inventory = MigrationSeed.Zone(Zone, 100);
        var plan = MigrationSeed.PlanOf(Zone, inventory, MigrationSeed.Route53After(Zone, inventory, 300), 300);
        var verdict = RecordsReview.VerdictOf(Status([]), plan);
        Assert.Equal(VerdictKind.Safe, verdict.Kind);
        Assert.Contains($"{plan.Changes.Count(c => c.Kind == Migrator.Core.Diffing.ChangeKind.Create)} to create, " +
            $"{plan.Changes.Count(c => c.Kind == Migrator.Core.Diffing.ChangeKind.Update)} to update, 0 to delete", verdict.Summary);
        Assert.Empty(verdict.Reasons);
    }

    [Fact]
    public void VerdictOf_ListsTheViolations_WhenPlanIsRefused()
    {
        var inventory = MigrationSeed.Zone(Zone, 10);
        var plan = MigrationSeed.PlanOf(Zone, inventory, MigrationSeed.Zone(Zone, 50).Skip(13).ToList(), 300);
        var verdict = RecordsReview.VerdictOf(Status([]), plan);
        Assert.Equal(VerdictKind.Refused, verdict.Kind);
        Assert.Contains(verdict.Reasons, r => r.Contains("would be deleted", StringComparison.Ordinal));
    }

    [Fact]
    public void VerdictOf_TakesTheBlocker_WhenTheCheckRefusedAndNoPlanWasStored()
    {
        var blocker = "the cutover plan is refused by the safety check: the apex NS set of review.example. would be updated";
        Assert.Equal(VerdictKind.Refused, RecordsReview.VerdictOf(Status([], blocker), null).Kind);
        Assert.Equal(VerdictKind.NoPlanYet, RecordsReview.VerdictOf(Status([], "AXFR refused"), null).Kind);
    }
}
