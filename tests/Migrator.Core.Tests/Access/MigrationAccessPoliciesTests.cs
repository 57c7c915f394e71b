using System.Text.Json.Nodes;
using Migrator.Core.Access;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Access;

/// <summary>The plan's answers (console access, automated updaters with the records they change) become the zone's IAM policies.</summary>
public sealed class MigrationAccessPoliciesTests
{
    private static readonly DomainName Zone = DomainName.Parse("shop.example.");

    private static MigrationPlanAnswers Plan(params AutomatedUpdater[] updaters) =>
        new() { OldServers = ["127.0.0.12"], ConsoleAccess = ["alice@shop.example"], Updaters = updaters };

    private static JsonArray Statements(AccessPolicyDocument d) => JsonNode.Parse(d.Json)!["Statement"]!.AsArray();

    private static IEnumerable<string> Actions(AccessPolicyDocument d) =>
        Statements(d).SelectMany(s => s!["Action"] is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [s!["Action"]!.GetValue<string>()]);

    [Fact]
    public void For_GivesReadOnlyEditorAndOneScopedPolicyPerUpdater_FromThePlan()
    {
        var plan = Plan(new AutomatedUpdater("cert-bot", "platform team", ["_acme-challenge", "_acme-challenge.www.shop.example."], ["TXT"]));

        var docs = MigrationAccessPolicies.For("/hostedzone/Z0123456789ABC", Zone, plan);

        Assert.Equal(["read-only", "record-editor", "updater-cert-bot"], docs.Select(d => d.Name));
        Assert.DoesNotContain("route53:ChangeResourceRecordSets", Actions(docs[0]));
        Assert.Contains("route53:ChangeResourceRecordSets", Actions(docs[1]));
        Assert.Contains("alice@shop.example", docs[0].For);
        var updater = docs[2];
        Assert.Null(updater.Warning);
        var change = Statements(updater).Single(s => Actions(updater).Contains("route53:ChangeResourceRecordSets") && s!["Condition"] is not null)!;
        Assert.Equal("arn:aws:route53:::hostedzone/Z0123456789ABC", change["Resource"]!.GetValue<string>());
        var equals = change["Condition"]!["ForAllValues:StringEquals"]!;
        Assert.Equal(["_acme-challenge.shop.example", "_acme-challenge.www.shop.example"],
            equals[Route53AccessPolicies.NamesKey]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Equal(["TXT"], equals[Route53AccessPolicies.TypesKey]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void For_WarnsThatAnUpdaterIsBroad_WhenThePlanNamesNoRecordsOrTypes()
    {
        var docs = MigrationAccessPolicies.For("Z0123456789ABC", Zone, Plan(new AutomatedUpdater("Legacy deploy script", "web team")));

        var updater = Assert.Single(docs, d => d.Name == "updater-legacy-deploy-script");
        Assert.Contains("may change every record", updater.Warning);
        Assert.Equal(docs.Single(d => d.Name == "record-editor").Json, updater.Json);
    }

    [Theory]
    [InlineData("www.other.example.", null, "every record name it changes must be a name in shop.example.")]
    [InlineData("_acme-challenge", "TXT, NOTATYPE", "not a record type")]
    public void Validate_RefusesAnUpdaterScope_ThatIsNotInTheZone(string record, string? types, string expected)
    {
        var plan = Plan(new AutomatedUpdater("cert-bot", "platform team", [record], types?.Split(", ")));

        var errors = plan.Validate(Zone, _ => true);

        Assert.Contains(errors, e => e.Contains("cert-bot") && e.Contains(expected));
    }

    [Fact]
    public void AutomatedUpdater_ReadsAPlanStoredBeforeItHadRecordsAndTypes()
    {
        var stored = """{"oldServers":["127.0.0.12"],"updaters":[{"name":"cert-bot","owner":"platform team"}]}""";

        var plan = MigrationPlanAnswers.FromJson(stored);

        var updater = Assert.Single(plan.Updaters);
        Assert.Equal(("cert-bot", "platform team"), (updater.Name, updater.Owner));
        Assert.Empty(updater.RecordNamesIn(Zone)!);
        Assert.DoesNotContain(plan.Validate(Zone, _ => true), e => e.Contains("cert-bot"));
    }
}
