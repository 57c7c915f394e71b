using System.Net;
using System.Text;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

public class Route53XmlTests
{
    private static byte[] Data(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Route53", file));

    [Fact]
    public void ParseError_ListsEachMessage_WhenInvalidChangeBatchIsLegacyForm()
    {
        var e = Route53Xml.ParseError(Data("invalid-change-batch-legacy.xml"), HttpStatusCode.BadRequest, null);
        Assert.Equal("InvalidChangeBatch", e.Code);
        Assert.Equal("b25f48e8-84fd-11e6-80d9-574e0c4664cb", e.RequestId);
        Assert.False(e.Retryable);
        Assert.Equal([
            "Tried to create resource record set [name='www.example.com.', type='A'] but it already exists",
            "Tried to delete resource record set [name='x.example.com.', type='CNAME'] but it was not found"], e.Messages);
    }

    [Fact]
    public void ParseError_SplitsBracketedMessages_WhenInvalidChangeBatchIsCurrentForm()
    {
        var e = Route53Xml.ParseError(Data("invalid-change-batch-current.xml"), HttpStatusCode.BadRequest, "header-id");
        Assert.Equal("InvalidChangeBatch", e.Code);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("3a5b0a1e-2f0f-4c5e-9a36-2c1f1c0f7d21", e.RequestId);
        Assert.Equal([
            "Tried to create resource record set [name='www.example.com.', type='A'] but it already exists",
            "RRSet of type A with DNS name www.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com."], e.Messages);
    }

    [Fact]
    public void SplitBracketed_KeepsSingleMessage_WhenOneBracketedMessage()
    {
        Assert.Equal(["A HostedZone must contain exactly one SOA record."],
            Route53Xml.SplitBracketed("[A HostedZone must contain exactly one SOA record.]"));
        Assert.Equal(["plain message, with comma"], Route53Xml.SplitBracketed("plain message, with comma"));
    }

    [Fact]
    public void ParseError_ReadsCode_WhenNamespaceIsOld()
    {
        var e = Route53Xml.ParseError(Data("no-such-hosted-zone-old-ns.xml"), HttpStatusCode.NotFound, null);
        Assert.Equal("NoSuchHostedZone", e.Code);
        Assert.Equal("No hosted zone found with ID: Z123", e.ErrorMessage);
        Assert.False(e.Retryable);
    }

    [Theory]
    [InlineData("Throttling", 400, true)]
    [InlineData("PriorRequestNotComplete", 400, true)]
    [InlineData("ServiceUnavailable", 503, true)]
    [InlineData("InternalError", 500, true)]
    [InlineData("InvalidChangeBatch", 400, false)]
    [InlineData("InvalidInput", 400, false)]
    [InlineData("HostedZoneAlreadyExists", 409, false)]
    public void IsRetryable_FollowsRetryTable_ForCode(string code, int status, bool expected) =>
        Assert.Equal(expected, Route53Exception.IsRetryable(code, (HttpStatusCode)status));

    [Fact]
    public void ParseRecordSetPage_DecodesOctalEscapesAndAlias_WhenPageIsTruncated()
    {
        var page = Route53Xml.ParseRecordSetPage(Route53Xml.Parse(Data("list-rrsets-page.xml")));
        Assert.True(page.IsTruncated);
        Assert.Equal("mail.example.com.", page.NextRecordName);
        Assert.Equal("MX", page.NextRecordType);
        Assert.Null(page.NextRecordIdentifier);
        Assert.Equal(3, page.RecordSets.Count);
        var wildcard = page.RecordSets[1];
        Assert.True(wildcard.Name.IsWildcard);
        Assert.Equal(DomainName.Parse("*.example.com."), wildcard.Name);
        Assert.Equal(RecordType.TXT, wildcard.Type);
        Assert.Equal("\"v=spf1 -all\" \"caf\\195\\169\"", Route53Values.FromRoute53(RecordType.TXT, wildcard.Values[0]));
        var alias = page.RecordSets[2];
        Assert.False(alias.IsSimple);
        Assert.Null(alias.Ttl);
        Assert.Equal("Z2FDTNDATAQYW2", alias.AliasTarget!.HostedZoneId);
    }

    [Fact]
    public void ChangeResourceRecordSets_RoundTrips_WhenSerialisedAndParsed()
    {
        var sets = new[]
        {
            new Route53RecordSet(DomainName.Parse("*.Example.com."), RecordType.A, 300, ["192.0.2.1", "192.0.2.2"]),
            new Route53RecordSet(DomainName.Parse("txt.example.com."), RecordType.TXT, 60, ["\"a \\\"quoted\\\" string\" \"second\""]),
            new Route53RecordSet(DomainName.Parse("w.example.com."), RecordType.A, 60, ["192.0.2.9"], SetIdentifier: "blue", Weight: 10),
            new Route53RecordSet(DomainName.Parse("example.com."), RecordType.A, null, [],
                AliasTarget: new AliasTarget("/hostedzone/Z2FDTNDATAQYW2", DomainName.Parse("d1.cloudfront.net."), false)),
        };
        var batch = new ChangeBatch([new(ChangeAction.Delete, sets[0]), new(ChangeAction.Create, sets[1]),
            new(ChangeAction.Upsert, sets[2]), new(ChangeAction.Upsert, sets[3])], "migrator");
        var body = Route53Xml.ChangeResourceRecordSets(batch);
        var text = Encoding.UTF8.GetString(body);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">", text);
        Assert.Contains("<HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId>", text); // prefix stripped as js-v3 does

        var root = Route53Xml.Parse(body);
        var parsed = root.Descendants().Where(e => e.Name.LocalName == "ResourceRecordSet").Select(Route53Xml.ParseRecordSet).ToList();
        Assert.Equal(sets.Length, parsed.Count);
        for (var i = 0; i < sets.Length; i++)
        {
            Assert.Equal(sets[i].Name, parsed[i].Name);
            Assert.Equal(sets[i].Type, parsed[i].Type);
            Assert.Equal(sets[i].Ttl, parsed[i].Ttl);
            Assert.Equal(sets[i].Values, parsed[i].Values);
            Assert.Equal(sets[i].SetIdentifier, parsed[i].SetIdentifier);
            Assert.Equal(sets[i].Weight, parsed[i].Weight);
            Assert.Equal(sets[i].AliasTarget?.DnsName, parsed[i].AliasTarget?.DnsName);
        }
        // element order follows the model: SetIdentifier, Weight before TTL before ResourceRecords
        var weighted = Encoding.UTF8.GetString(body);
        Assert.True(weighted.IndexOf("<SetIdentifier>", StringComparison.Ordinal) < weighted.IndexOf("<Weight>", StringComparison.Ordinal));
    }

    [Fact]
    public void ParseHostedZoneDetail_StripsPrefixes_WhenCreateHostedZoneAnswers()
    {
        const string xml = """
            <?xml version="1.0"?>
            <CreateHostedZoneResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZone><Id>/hostedzone/Z0123456789ABCDEFGHIJ</Id><Name>example.com.</Name><CallerReference>ref-1</CallerReference><Config><Comment>c</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone><ChangeInfo><Id>/change/C1PA6795UKMFR9</Id><Status>PENDING</Status><SubmittedAt>2017-02-10T01:36:41.958Z</SubmittedAt></ChangeInfo><DelegationSet><NameServers><NameServer>ns-2048.awsdns-64.com</NameServer><NameServer>ns-2049.awsdns-65.net</NameServer></NameServers></DelegationSet></CreateHostedZoneResponse>
            """;
        var d = Route53Xml.ParseHostedZoneDetail(Route53Xml.Parse(Encoding.UTF8.GetBytes(xml.Trim())));
        Assert.Equal("Z0123456789ABCDEFGHIJ", d.Zone.Id);
        Assert.Equal(2, d.Zone.ResourceRecordSetCount);
        Assert.Equal("C1PA6795UKMFR9", d.ChangeInfo!.Id);
        Assert.Equal(ChangeStatus.Pending, d.ChangeInfo.Status);
        Assert.Equal(new DateTimeOffset(2017, 2, 10, 1, 36, 41, 958, TimeSpan.Zero), d.ChangeInfo.SubmittedAt);
        Assert.Equal(["ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net"], d.NameServers);
    }

    [Theory]
    [InlineData("\\052.example.com.", "*.example.com.")]
    [InlineData("WWW.Example.COM", "www.example.com.")]
    [InlineData("a\\056b.example.com.", "a\\.b.example.com.")]
    [InlineData("\\100x.example.com.", "@x.example.com.")]
    public void Parse_DecodesOctalEscapes_WhenNameComesFromRoute53(string route53, string canonical) =>
        Assert.Equal(DomainName.Parse(canonical), Route53Names.Parse(route53));

    [Fact]
    public void Format_EscapesDotsAndControlOctetsInOctal_WhenNameIsSent()
    {
        var name = DomainName.FromLabels("a.b", "x y", "example", "com");
        Assert.Equal("a\\056b.x\\040y.example.com.", Route53Names.Format(name));
        Assert.Equal(name, Route53Names.Parse(Route53Names.Format(name)));
        Assert.Equal("*.example.com.", Route53Names.Format(DomainName.Parse("*.example.com.")));
    }

    [Theory]
    [InlineData("TXT", "\"hello world\"", "\"hello world\"")]
    [InlineData("TXT", "\"caf\\195\\169\"", "\"caf\\303\\251\"")]
    [InlineData("TXT", "\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\"")]
    [InlineData("MX", "10 mail.example.com.", "10 mail.example.com.")]
    public void ToRoute53_RoundTripsThroughFromRoute53_ForCanonicalData(string type, string canonical, string route53)
    {
        var t = RecordType.Parse(type);
        Assert.Equal(route53, Route53Values.ToRoute53(t, canonical));
        Assert.Equal(canonical, Route53Values.FromRoute53(t, route53));
    }

    [Fact]
    public void ToRoute53_SplitsAt255Octets_WhenTxtStringIsLonger()
    {
        var value = Route53Values.ToRoute53(RecordType.TXT, "\"" + new string('x', 300) + "\"");
        Assert.Equal("\"" + new string('x', 255) + "\" \"" + new string('x', 45) + "\"", value);
    }

    [Theory]
    [InlineData("CNAME", "Target.Example.com", "target.example.com.")]
    [InlineData("MX", "10 mail.example.com", "10 mail.example.com.")]
    [InlineData("SRV", "1 2 443 sip.example.com", "1 2 443 sip.example.com.")]
    [InlineData("AAAA", "2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    public void FromRoute53_MakesCanonical_WhenValueLacksTrailingDot(string type, string route53, string canonical) =>
        Assert.Equal(canonical, Route53Values.FromRoute53(RecordType.Parse(type), route53));

    [Fact]
    public void DomainsParseError_StripsNamespace_WhenTypeIsQualified()
    {
        var e = Route53DomainsClient.ParseError(Encoding.UTF8.GetBytes("""{"__type":"com.amazon.coral.service#UnrecognizedClientException:http://internal","Message":"bad token"}"""),
            HttpStatusCode.BadRequest, "rid");
        Assert.Equal("UnrecognizedClientException", e.Code);
        Assert.Equal("bad token", e.ErrorMessage);
        Assert.Equal("rid", e.RequestId);
        var d = Route53DomainsClient.ParseError(Encoding.UTF8.GetBytes("""{"__type":"DuplicateRequest","message":"busy","requestId":"r-9"}"""),
            HttpStatusCode.BadRequest, null);
        Assert.Equal(("DuplicateRequest", "busy", "r-9"), (d.Code, d.ErrorMessage, d.RequestId));
    }
}

public class SyntheticRecordSetsTests
{
    [Fact]
    public void Generate_ProducesValidDistinctCanonicalValues_ForLargeCounts()
    {
        var sets = SyntheticRecordSets.Generate(DomainName.Parse("example.com."), 70_000);
        Assert.Equal(sets.Count, sets.Select(s => s.Key).Distinct().Count());
        var notCanonical = sets.Where(s => (s.Type == RecordType.AAAA || s.Type == RecordType.A)
            && s.Values[0] != System.Net.IPAddress.Parse(s.Values[0]).ToString()).Select(s => s.Values[0]).Take(3).ToList();
        Assert.Empty(notCanonical);
    }
}
