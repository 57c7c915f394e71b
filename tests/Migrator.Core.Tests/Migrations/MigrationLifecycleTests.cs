using Migrator.Core.Migrations;

namespace Migrator.Core.Tests.Migrations;

public sealed class MigrationLifecycleTests
{
    private static readonly MigrationState[] Final = [MigrationState.Decommissioned, MigrationState.Abandoned];

    [Fact]
    public void Transitions_HaveUniqueStepAndFromState()
    {
        var duplicates = MigrationLifecycle.Transitions.GroupBy(t => (t.Step, t.From)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Next_IsExactlyOneForwardStep_ForEveryStateButFinalAndRolledBack()
    {
        foreach (var state in Enum.GetValues<MigrationState>())
        {
            var forward = MigrationLifecycle.From(state).Where(t => t.IsForward).ToList();
            if (Final.Contains(state) || state == MigrationState.RolledBack) Assert.Empty(forward);
            else Assert.Single(forward);
        }
    }

    [Fact]
    public void ForwardPath_VisitsTheDesignOrder_FromDraftedToDecommissioned()
    {
        var path = new List<MigrationState> { MigrationState.Drafted };
        while (MigrationLifecycle.Next(path[^1]) is { } t) path.Add(t.To);
        Assert.Equal([MigrationState.Drafted, MigrationState.Planned, MigrationState.Inventoried, MigrationState.Rehearsed, MigrationState.TtlLowered,
            MigrationState.Waited, MigrationState.Approved, MigrationState.CutOver, MigrationState.Verified, MigrationState.Soaked,
            MigrationState.Completed, MigrationState.Decommissioned], path);
    }

    [Fact]
    public void RollBack_IsAllowedOnlyFromCutOverVerifiedAndSoaked()
    {
        var from = MigrationLifecycle.Transitions.Where(t => t.Step == MigrationStep.RollBack).Select(t => t.From).Order().ToList();
        Assert.Equal([MigrationState.CutOver, MigrationState.Verified, MigrationState.Soaked], from);
        Assert.All(MigrationLifecycle.Transitions.Where(t => t.Step == MigrationStep.RollBack), t => Assert.DoesNotContain(MigrationRole.Approver, t.Roles));
    }

    [Fact]
    public void Abandon_IsNeverAllowed_OnceTheDelegationMayHaveChanged()
    {
        foreach (var s in new[] { MigrationState.CutOver, MigrationState.Verified, MigrationState.Soaked, MigrationState.Completed, MigrationState.Decommissioned })
            Assert.Null(MigrationLifecycle.Find(MigrationStep.Abandon, s));
        Assert.NotNull(MigrationLifecycle.Find(MigrationStep.Abandon, MigrationState.Approved));
    }

    [Fact]
    public void Approve_IsOnlyForApproversAndAdmins()
    {
        var t = MigrationLifecycle.Find(MigrationStep.Approve, MigrationState.Waited)!;
        Assert.Equal([MigrationRole.Approver, MigrationRole.Admin], t.Roles);
    }

    [Fact]
    public void TimedSteps_NameTheirFollowUpJob()
    {
        Assert.Equal(MigrationStep.Wait, MigrationLifecycle.Find(MigrationStep.LowerTtls, MigrationState.Rehearsed)!.FollowUp!.Step);
        Assert.Equal(MigrationStep.Verify, MigrationLifecycle.Find(MigrationStep.CutOver, MigrationState.Approved)!.FollowUp!.Step);
        Assert.Equal(MigrationStep.Soak, MigrationLifecycle.Find(MigrationStep.Verify, MigrationState.CutOver)!.FollowUp!.Step);
    }

    [Fact]
    public void ToMermaid_HasAnEdgePerTransition()
    {
        var mermaid = MigrationLifecycle.ToMermaid();
        foreach (var t in MigrationLifecycle.Transitions) Assert.Contains($"{t.From} --> {t.To} : {t.Step}", mermaid);
    }

    /// <summary>docs/lifecycle.md is generated from the table; set MIGRATOR_WRITE_DOCS=1 to rewrite it.</summary>
    [Fact]
    public void LifecycleDoc_IsUpToDate_WithTheTable()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "lifecycle.md");
        var expected = MigrationLifecycle.ToMarkdown();
        if (Environment.GetEnvironmentVariable("MIGRATOR_WRITE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run with MIGRATOR_WRITE_DOCS=1");
        Assert.Equal(expected, File.ReadAllText(path));
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Migrator.sln"))) return d.FullName;
        throw new InvalidOperationException("Migrator.sln not found above the test directory");
    }
}
