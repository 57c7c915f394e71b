using System.Text.Json;

namespace Migrator.Cli.Tests;

public class Route53PolicyCommandTests
{
    [Fact]
    public void Route53Policy_PrintsAnUpdaterPolicyLimitedByNamesTypesAndActions()
    {
        var (code, stdout, stderr) = MigratorProcess.Run("route53", "policy", "--zone-id", "Z0ABC123", "--role", "updater", "--updater", "acme",
            "--name", "_acme-challenge.shop.example", "--type", "TXT", "--action", "UPSERT,DELETE");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var change = doc.RootElement.GetProperty("Statement")[0];
        Assert.Equal("arn:aws:route53:::hostedzone/Z0ABC123", change.GetProperty("Resource").GetString());
        var condition = change.GetProperty("Condition").GetProperty("ForAllValues:StringEquals");
        Assert.Equal("_acme-challenge.shop.example", condition.GetProperty("route53:ChangeResourceRecordSetsNormalizedRecordNames")[0].GetString());
        Assert.Equal("TXT", condition.GetProperty("route53:ChangeResourceRecordSetsRecordTypes")[0].GetString());
        Assert.Equal(["UPSERT", "DELETE"], condition.GetProperty("route53:ChangeResourceRecordSetsActions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Route53Policy_PrintsTheReadOnlyPolicy()
    {
        var (code, stdout, _) = MigratorProcess.Run("route53", "policy", "--zone-id", "/hostedzone/Z0ABC123", "--role", "read-only");

        Assert.Equal(0, code);
        Assert.DoesNotContain("ChangeResourceRecordSets", stdout, StringComparison.Ordinal);
        Assert.Contains("\"arn:aws:route53:::hostedzone/Z0ABC123\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Route53Policy_ExitsUsage_WhenAnUpdaterIsLimitedByNothing()
    {
        var (code, stdout, stderr) = MigratorProcess.Run("route53", "policy", "--zone-id", "Z0ABC123", "--role", "updater", "--action", "UPSERT");

        Assert.Equal(64, code);
        Assert.Equal("", stdout);
        Assert.Contains("--name or --type", stderr, StringComparison.Ordinal);
    }
}
