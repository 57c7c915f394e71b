using System.Text.Json;

namespace Migrator.Cli.Tests;

/// <summary>`migrator zone advise` as a pipeline runs it: exit codes, text and JSON output, proposals as a zone fragment.</summary>
public class ZoneAdviseCommandTests
{
    [Fact]
    public void ZoneAdvise_ExitsOneAndPrintsFindingsWithProposals_WhenTheZoneHasAnErrorFinding()
    {
        var (code, stdout, stderr) = MigratorProcess.Run("zone", "advise", "advising/shop-demo.zone", "--origin", "shop.example");

        Assert.True(code == 1, stderr);
        Assert.Contains("error SEC044 shop.example. CAA:", stdout, StringComparison.Ordinal);
        Assert.Contains("[RFC 8659 §4.2, §4.4]", stdout, StringComparison.Ordinal);
        Assert.Contains("    propose: _smtp._tls.shop.example. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@shop.example\"", stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 error(s), 2 warning(s), 6 info, 2 proposed record(s)\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ZoneAdvise_ExitsZero_WhenTheZoneIsClean()
    {
        var (code, stdout, stderr) = MigratorProcess.Run("zone", "advise", "advising/clean.zone", "--origin", "shop.example.");

        Assert.True(code == 0, stderr);
        Assert.Equal("0 error(s), 0 warning(s), 0 info, 0 proposed record(s)\n", stdout);
    }

    [Fact]
    public void ZoneAdvise_ExitsTwoWithPositions_WhenTheFileHasSyntaxErrors()
    {
        var (code, stdout, stderr) = MigratorProcess.Run("zone", "advise", "bad.zone", "--origin", "example.com.");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("bad.zone:5:5: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ZoneAdvise_PrintsFindingsAsJson_WhenAskedForJson()
    {
        var (code, stdout, _) = MigratorProcess.Run("zone", "advise", "advising/no-mail.zone", "--origin", "shop.example", "--json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["SEC060", "SEC008", "SEC010"], findings.Select(f => f.GetProperty("ruleId").GetString()));
        var nullMx = findings.Single(f => f.GetProperty("ruleId").GetString() == "SEC060").GetProperty("proposed");
        Assert.Equal("MX", nullMx.GetProperty("type").GetString());
        Assert.Equal("0 .", nullMx.GetProperty("data").GetString());
    }

    [Fact]
    public void ZoneAdvise_PrintsOnlyTheProposedRecords_WhenAskedForProposals()
    {
        var (code, stdout, _) = MigratorProcess.Run("zone", "advise", "advising/no-mail.zone", "--origin", "shop.example", "--proposals");

        Assert.Equal(0, code);
        Assert.Equal(
            "shop.example. 3600 IN MX 0 .\n" +
            "shop.example. 3600 IN TXT \"v=spf1 -all\"\n" +
            "_dmarc.shop.example. 3600 IN TXT \"v=DMARC1; p=reject\"\n", stdout);
    }
}
