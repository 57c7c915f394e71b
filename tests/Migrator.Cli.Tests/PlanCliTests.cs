using System.Text.Json;

namespace Migrator.Cli.Tests;

/// <summary>The lint and diff commands, run as the real `migrator` executable.</summary>
public class PlanCliTests
{
    private static (int Code, string Stdout, string Stderr) Migrator(params string[] args) => MigratorProcess.Run(args);

    [Fact]
    public void ZoneLint_ExitsZeroWithOnlyInfo_WhenZoneIsClean()
    {
        var (code, stdout, stderr) = Migrator("zone", "lint", "plan/clean.zone", "--origin", "example.com");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("info R53011 example.com. SOA:", stdout);
        Assert.Contains("info R53012 example.com. NS:", stdout);
        Assert.EndsWith("0 error(s), 0 warning(s), 2 info\n", stdout);
    }

    [Fact]
    public void ZoneLint_ExitsOneAndNamesEachRule_WhenZoneHasErrors()
    {
        var (code, stdout, _) = Migrator("zone", "lint", "plan/lint-errors.zone", "--origin", "example.com");

        Assert.Equal(1, code);
        Assert.Contains("error R53001 box.example.com. HINFO: Route 53 does not serve HINFO records", stdout);
        Assert.Contains("warning R53020 example.com. SPF:", stdout);
        Assert.Contains("warning R53013 slow.example.com. A: TTL 86400 s", stdout);
        Assert.Contains("error R53017 child.example.com. NS:", stdout);
        Assert.Contains("    fix: ", stdout);
    }

    [Fact]
    public void ZoneLint_UsesTheGivenTtlPolicy()
    {
        var (_, stdout, _) = Migrator("zone", "lint", "plan/lint-errors.zone", "--origin", "example.com", "--max-ttl", "86400");
        Assert.DoesNotContain("R53013", stdout);
    }

    [Fact]
    public void ZoneLint_PrintsFindingsAsJson_WhenAsked()
    {
        var (code, stdout, _) = Migrator("zone", "lint", "plan/lint-errors.zone", "--origin", "example.com", "--json");

        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("errors").GetInt32());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var hinfo = Assert.Single(findings, f => f.GetProperty("ruleId").GetString() == "R53001");
        Assert.Equal("error", hinfo.GetProperty("severity").GetString());
        Assert.Equal("box.example.com.", hinfo.GetProperty("owner").GetString());
        Assert.Equal("HINFO", hinfo.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(hinfo.GetProperty("suggestedFix").GetString()));
    }

    [Fact]
    public void ZoneLint_ExitsTwoWithPositions_WhenFileHasSyntaxErrors()
    {
        var (code, stdout, stderr) = Migrator("zone", "lint", "bad.zone", "--origin", "example.com");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("bad.zone:5:5: ", stderr);
    }

    [Fact]
    public void ZoneDiff_ExitsZeroAndPrintsTheTable_WhenPlanIsSafe()
    {
        var (code, stdout, stderr) = Migrator("zone", "diff", "plan/old.zone", "plan/new-safe.zone", "--origin", "example.com");

        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^Plan for example.com.  sha256:[0-9a-f]{64}$", lines[0]);
        Assert.Matches(@"^  Delete  host9\.example\.com\. +A +300 +192\.0\.2\.10$", lines[2]);
        Assert.Matches(@"^  Create  extra\.example\.com\. +TXT +300 +""hello""$", lines[3]);
        Assert.Matches(@"^  Update  host0\.example\.com\. +A +300 +192\.0\.2\.1 -> 198\.51\.100\.1$", lines[4]);
        Assert.Equal("1 delete(s), 1 create(s), 1 update(s) against 13 existing record set(s)", lines[5]);
        Assert.Equal("Safety: safe", lines[6]);
    }

    [Fact]
    public void ZoneDiff_HashIsTheSame_WhenTheNewFileListsRecordsInAnotherOrder()
    {
        var a = Migrator("zone", "diff", "plan/old.zone", "plan/new-safe.zone", "--origin", "example.com", "--json");
        var b = Migrator("zone", "diff", "plan/old.zone", "plan/new-safe-shuffled.zone", "--origin", "example.com", "--json");

        using var docA = JsonDocument.Parse(a.Stdout);
        using var docB = JsonDocument.Parse(b.Stdout);
        Assert.Equal(docA.RootElement.GetProperty("hash").GetString(), docB.RootElement.GetProperty("hash").GetString());
        Assert.Equal(a.Stdout, b.Stdout);
    }

    [Fact]
    public void ZoneDiff_ExitsOneWithReasons_WhenTheSafetyCheckRefuses()
    {
        var (code, stdout, _) = Migrator("zone", "diff", "plan/old.zone", "plan/new-unsafe.zone", "--origin", "example.com");

        Assert.Equal(1, code);
        Assert.Contains("Safety: UNSAFE, refused (use --force to accept):", stdout);
        Assert.Contains("  - 6 of 13 existing record sets would be updated (46.2%), above the 30% limit", stdout);
        Assert.Contains("  - the apex SOA of example.com. would be updated", stdout);
    }

    [Fact]
    public void ZoneDiff_ExitsZeroAndMarksForced_WhenUnsafePlanIsForced()
    {
        var (code, stdout, _) = Migrator("zone", "diff", "plan/old.zone", "plan/new-unsafe.zone", "--origin", "example.com", "--json", "--force");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var safety = doc.RootElement.GetProperty("safety");
        Assert.False(safety.GetProperty("safe").GetBoolean());
        Assert.True(safety.GetProperty("forced").GetBoolean());
        Assert.True(safety.GetProperty("allowed").GetBoolean());
        Assert.Equal(["too-many-updates", "apex-soa-change"],
            safety.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("code").GetString()));
        Assert.Equal(6, doc.RootElement.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public void ZoneDiff_LeavesApexOut_WhenAskedToIgnoreIt()
    {
        var (code, stdout, _) = Migrator("zone", "diff", "plan/old.zone", "plan/new-unsafe.zone", "--origin", "example.com", "--ignore-apex");

        Assert.Equal(1, code); // 5 of 11 sets is still above 30%
        Assert.DoesNotContain("apex SOA", stdout);
        Assert.Contains("5 of 11 existing record sets", stdout);
    }

    [Fact]
    public void ZoneDiff_ExitsTwo_WhenAFileHasSyntaxErrors()
    {
        var (code, _, stderr) = Migrator("zone", "diff", "plan/old.zone", "bad.zone", "--origin", "example.com");
        Assert.Equal(2, code);
        Assert.StartsWith("bad.zone:5:5: ", stderr);
    }
}
