using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Migrations;
using Migrator.Core.Probing;
using Migrator.Web.Components.Shared;
using Migrator.Web.Dashboard;
using Migrator.Web.Display;

namespace Migrator.Web.Tests.Dashboard;

public sealed class PropagationChartTests
{
    private static readonly DateTimeOffset CutAt = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly string[] OldNs = ["ns1.oldhost.example.", "ns2.oldhost.example."];
    private static readonly string[] NewNs = ["ns-1.route53.example.", "ns-2.route53.example."];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static DelegationView Delegation(string[] ns, long ttl) => new("shop.example.", ns.Select(n => new NameServerView(n, [])).ToList(), [], ttl);

    private static MigrationStatus Status(MigrationState state, uint floor = 0)
    {
        var snapshot = new DelegationSnapshot("shop.example.", CutAt.AddSeconds(-20), "Route 53 Domains", Delegation(OldNs, 30),
            [new ParentServerView("127.77.0.2:5353", Delegation(OldNs, 30), null)]);
        var plan = new MigrationPlanAnswers { TargetTtlSeconds = 20, IspTtlFloorSeconds = floor };
        return new MigrationStatus(Guid.NewGuid(), "shop.example.", state, 9, null, [], false, null, null, "hash", "hash", "approver", CutAt, "operator",
            "operator", CutAt, CutAt, null, null, null, "Z1", NewNs, 1, "h", 50, [], [], plan, snapshot, "sha");
    }

    private static MigrationHistoryView Step(string step, MigrationState to, DateTimeOffset at) =>
        new(step, MigrationState.Approved, to, "operator", at, JsonDocument.Parse("{}").RootElement);

    private static MigrationSampleView Parents(DateTimeOffset at, params string[][] views) =>
        new(MigrationSampleKinds.Propagation, at, true, "",
            JsonSerializer.Serialize(views.Select((ns, i) => new ParentServerView($"127.77.0.{i + 2}:5353", Delegation(ns, 30), null)).ToList(), Json));

    [Fact]
    public void Build_ReturnsNull_BeforeCutover()
    {
        Assert.Null(PropagationChartData.Build(Status(MigrationState.Approved), [], [], CutAt));
    }

    [Fact]
    public void Build_UsesOldDelegationTtlAndFloor_ForModelAndMarks()
    {
        var data = PropagationChartData.Build(Status(MigrationState.Soaked, floor: 90), [Step("CutOver", MigrationState.CutOver, CutAt)], [], CutAt.AddSeconds(60))!;

        Assert.Equal(TimeSpan.FromSeconds(30), data.Model.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(90), data.Model.FloorPopulationTtl);
        Assert.Equal(["5 × TTL (30 s)", "5 × ISP floor (90 s)", "now"], data.Marks.Select(m => m.Label));
        Assert.Equal(TimeSpan.FromSeconds(150), data.Marks[0].SinceChange);
        Assert.Equal(TimeSpan.FromSeconds(450), data.Marks[1].SinceChange);
        Assert.True(data.Range >= TimeSpan.FromSeconds(450));
        // The expected curve is the Core model's, not a second formula.
        Assert.All(data.Expected, p => Assert.Equal(data.Model.ExpectedShare(p.SinceChange), p.Share));
    }

    [Fact]
    public void Build_ClassifiesParentViewsByNameServers_WhenSamplesStored()
    {
        MigrationSampleView[] samples =
        [
            Parents(CutAt.AddSeconds(-5), OldNs),                     // before the change: not on the chart
            Parents(CutAt.AddSeconds(10), NewNs, OldNs),               // one parent server moved
            Parents(CutAt.AddSeconds(40), NewNs, NewNs),
            new(MigrationSampleKinds.Drift, CutAt.AddSeconds(41), true, "50 sets alike", "[]"),
        ];
        var data = PropagationChartData.Build(Status(MigrationState.Soaked), [Step("CutOver", MigrationState.CutOver, CutAt)], samples, CutAt.AddSeconds(60))!;

        Assert.Equal([0.5, 1.0], data.Measured.Select(p => p.MeasuredNewShare!.Value));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40)], data.Measured.Select(p => p.SinceChange));
    }

    [Fact]
    public void Build_MarksRollbackAndShowsOldAgain_AfterRollback()
    {
        var back = CutAt.AddSeconds(100);
        var data = PropagationChartData.Build(Status(MigrationState.RolledBack),
            [Step("CutOver", MigrationState.CutOver, CutAt), Step("RollBack", MigrationState.RolledBack, back)],
            [Parents(CutAt.AddSeconds(30), NewNs), new(MigrationSampleKinds.Delegation, back.AddSeconds(150), true, "every parent server shows the saved delegation again",
                JsonSerializer.Serialize(new[] { new ParentServerView("127.77.0.2:5353", Delegation(OldNs, 30), null) }, Json))],
            back.AddSeconds(160))!;

        Assert.Contains(data.Marks, m => m.Label == "rolled back" && m.SinceChange == TimeSpan.FromSeconds(100));
        Assert.Equal([1.0, 0.0], data.Measured.Select(p => p.MeasuredNewShare!.Value));
    }

    [Fact]
    public void Build_LeavesNowOff_WhenFarPastTheStory()
    {
        var data = PropagationChartData.Build(Status(MigrationState.Soaked), [Step("CutOver", MigrationState.CutOver, CutAt)], [], CutAt.AddDays(3))!;

        Assert.DoesNotContain(data.Marks, m => m.Label == "now");
        Assert.True(data.Range < TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Render_DrawsOnePointPerMeasurementAndATableRowEach()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddScoped<ViewerTimeZone>();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        var data = PropagationChartData.Build(Status(MigrationState.Soaked), [Step("CutOver", MigrationState.CutOver, CutAt)],
            [Parents(CutAt.AddSeconds(10), NewNs, OldNs), Parents(CutAt.AddSeconds(40), NewNs, NewNs)], CutAt.AddSeconds(60))!;

        var cut = ctx.Render<PropagationChart>(p => p.Add(c => c.Data, data));

        Assert.Equal(2, cut.FindAll("[data-testid=chart-measured]").Count);
        Assert.Equal(2, cut.FindAll("[data-testid=propagation-table] tbody tr").Count);
        Assert.Contains("100% of the parent's servers", cut.Find("[data-testid=propagation-summary]").TextContent);
    }

    [Fact]
    public void RollbackCheck_IsVerifiedWithParentsView_WhenFollowUpSampleIsOk()
    {
        var back = CutAt.AddSeconds(100);
        var evidence = JsonDocument.Parse($$"""{"checkAt":"{{back.AddSeconds(20):O}}"}""").RootElement;
        var history = new[] { Step("CutOver", MigrationState.CutOver, CutAt), new MigrationHistoryView("RollBack", MigrationState.Verified, MigrationState.RolledBack, "operator", back, evidence) };
        var parents = JsonSerializer.Serialize(new[] { new ParentServerView("127.77.0.2:5353", Delegation(OldNs, 30), null) }, Json);

        var pending = RollbackCheck.From(Status(MigrationState.RolledBack), history, [new(MigrationSampleKinds.Delegation, back.AddSeconds(-30), true, "before", parents)]);
        var done = RollbackCheck.From(Status(MigrationState.RolledBack), history,
            [new(MigrationSampleKinds.Delegation, back.AddSeconds(21), true, "every parent server shows the saved delegation again", parents)]);

        Assert.False(pending.Verified);
        Assert.Null(pending.At);
        Assert.Equal(back.AddSeconds(20), pending.DueAt);
        Assert.True(done.Verified);
        Assert.Equal("127.77.0.2:5353", done.ParentServer);
        Assert.Equal(OldNs, done.ParentNow!.NameServers.Select(n => n.Name));
    }

    [Fact]
    public void RollbackCheck_ReadsTheParentsView_WhenTheCheckAlsoStoredResolverViews()
    {
        var back = CutAt.AddSeconds(100);
        var history = new[] { Step("CutOver", MigrationState.CutOver, CutAt), new MigrationHistoryView("RollBack", MigrationState.Verified, MigrationState.RolledBack, "operator", back, default) };
        // The rollback check stores the parent servers and the sampled resolvers together.
        var detail = JsonSerializer.Serialize(new
        {
            parents = new[] { new ParentServerView("127.77.0.2:5353", Delegation(OldNs, 30), null) },
            resolvers = new[] { new MigrationStepRunner.ResolverView("127.77.0.9:5353", "old", OldNs.ToList(), null) },
        }, Json);
        var sample = new MigrationSampleView(MigrationSampleKinds.Delegation, back.AddSeconds(21), true, "every parent server shows the saved delegation again; every resolver answers from the old servers again", detail);

        var done = RollbackCheck.From(Status(MigrationState.RolledBack), history, [sample]);
        var points = PropagationChartData.Classify(sample, OldNs.ToHashSet(), NewNs.ToHashSet()).ToList();

        Assert.True(done.Verified);
        Assert.Equal("127.77.0.2:5353", done.ParentServer);
        Assert.Equal(OldNs, done.ParentNow!.NameServers.Select(n => n.Name));
        Assert.Equal([(PropagationTargetKind.Resolver, CanaryClassification.Old), (PropagationTargetKind.ParentServer, CanaryClassification.Old)],
            points.Select(p => (p.Kind, p.Classification)));
    }
}
