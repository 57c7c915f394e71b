using System.Text.Json.Nodes;
using Migrator.Core.Access;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Access;

/// <summary>The generated policies against the examples in AWS's documentation of the Route 53 condition keys (TestData/access/SOURCE.md).</summary>
public class Route53AccessPoliciesTests
{
    private const string ZoneId = "Z11111112222222333333";

    private static JsonObject Example(string file) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "access", file)))!;

    /// <summary>The statement that grants ChangeResourceRecordSets, without its Sid (the documentation's examples have none).</summary>
    private static JsonObject ChangeStatement(JsonObject document)
    {
        var statement = document["Statement"]!.AsArray().Select(s => s!.AsObject())
            .Single(s => s["Action"] is JsonValue v && v.GetValue<string>() == "route53:ChangeResourceRecordSets");
        var copy = (JsonObject)statement.DeepClone();
        copy.Remove("Sid");
        return copy;
    }

    private static void AssertSame(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected\n{expected.ToJsonString()}\nactual\n{actual.ToJsonString()}");

    public static TheoryData<string, RecordUpdaterScope> DocumentedExamples() => new()
    {
        { "names.json", new RecordUpdaterScope("web", [DomainName.Parse("example.com."), DomainName.Parse("Marketing.Example.COM.")]) },
        { "names-like.json", new RecordUpdaterScope("beta", [], [], [], ["*-beta.example.com"]) },
        { "wildcard-name.json", new RecordUpdaterScope("wild", [DomainName.Parse("*.example.com.")]) },
        { "names-types-actions.json", new RecordUpdaterScope("mail", [DomainName.Parse("example.com.")], [RecordType.MX],
            [RecordChangeAction.CREATE, RecordChangeAction.UPSERT]) },
        { "types.json", new RecordUpdaterScope("addresses", [], [RecordType.A, RecordType.AAAA], []) },
    };

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public void Updater_GrantsExactlyTheDocumentedChangeStatement_ForTheSameScope(string file, RecordUpdaterScope scope)
    {
        var policy = Route53AccessPolicies.Updater(ZoneId, scope);

        var expected = Example(file);
        Assert.Equal(expected["Version"]!.GetValue<string>(), policy["Version"]!.GetValue<string>());
        AssertSame(expected["Statement"]![0]!, ChangeStatement(policy));
    }

    [Fact]
    public void Updater_CanReadTheZoneAndFollowItsChange_ButNotListOtherZones()
    {
        var policy = Route53AccessPolicies.Updater("/hostedzone/Z0ABC", new RecordUpdaterScope("acme", [DomainName.Parse("_acme-challenge.shop.example.")],
            [RecordType.TXT], [RecordChangeAction.UPSERT, RecordChangeAction.DELETE]));

        var statements = policy["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.All(statements, s => Assert.NotEqual("*", s["Resource"]!.GetValue<string>()));
        Assert.Equal(["UpdateAcme", "ReadAcme", "TrackChangesAcme"], statements.Select(s => s["Sid"]!.GetValue<string>()));
        Assert.Equal("arn:aws:route53:::hostedzone/Z0ABC", statements[0]["Resource"]!.GetValue<string>());
        Assert.Equal("arn:aws:route53:::change/*", statements[2]["Resource"]!.GetValue<string>());
        var condition = statements[0]["Condition"]!["ForAllValues:StringEquals"]!;
        Assert.Equal("_acme-challenge.shop.example", condition[Route53AccessPolicies.NamesKey]![0]!.GetValue<string>());
    }

    [Fact]
    public void ReadOnly_GrantsNoChange_AndScopesZoneActionsToTheZoneArn()
    {
        var policy = Route53AccessPolicies.ReadOnly("Z0ABC");

        var statements = policy["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var actions = statements.SelectMany(Actions).ToList();
        Assert.DoesNotContain(actions, a => a.StartsWith("route53:Change", StringComparison.Ordinal) || a.StartsWith("route53:Create", StringComparison.Ordinal)
                                            || a.StartsWith("route53:Delete", StringComparison.Ordinal));
        Assert.Equal("arn:aws:route53:::hostedzone/Z0ABC", statements.Single(s => s["Sid"]!.GetValue<string>() == "ReadZone")["Resource"]!.GetValue<string>());
        // only the list actions without resource-level permissions use "*"
        var star = statements.Where(s => s["Resource"]!.GetValue<string>() == "*").SelectMany(Actions);
        Assert.All(star, a => Assert.True(a.StartsWith("route53:List", StringComparison.Ordinal) || a == "route53:GetHostedZoneCount", a));
    }

    private static IEnumerable<string> Actions(JsonObject statement) =>
        statement["Action"] is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [statement["Action"]!.GetValue<string>()];

    [Fact]
    public void RecordEditor_AddsUnconditionalChangesOnTheZoneOnly()
    {
        var policy = Route53AccessPolicies.RecordEditor("Z0ABC");

        var edit = policy["Statement"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["Sid"]!.GetValue<string>() == "EditRecords");
        Assert.Equal("route53:ChangeResourceRecordSets", edit["Action"]!.GetValue<string>());
        Assert.Equal("arn:aws:route53:::hostedzone/Z0ABC", edit["Resource"]!.GetValue<string>());
        Assert.Null(edit["Condition"]);
    }

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("*.example.com.", "\\052.example.com")]
    [InlineData("_dmarc.shop.example.", "_dmarc.shop.example")]
    [InlineData("a\\ b.example.", "a\\040b.example")]
    [InlineData("x\\@y.example.", "x\\100y.example")]
    public void NormalizeRecordName_FollowsRoute53sNormalisation(string name, string expected) =>
        Assert.Equal(expected, Route53AccessPolicies.NormalizeRecordName(DomainName.Parse(name)));

    [Fact]
    public void Updater_Refuses_WhenTheScopeLimitsNothing() =>
        Assert.Throws<ArgumentException>(() => Route53AccessPolicies.Updater(ZoneId, new RecordUpdaterScope("any", [], [], [RecordChangeAction.UPSERT])));
}
