using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

public class Route53DomainsDelegationChangerTests
{
    private sealed class JsonHandler(Func<string, JsonObject, (HttpStatusCode, string)> answer) : HttpMessageHandler
    {
        public List<(string Target, JsonObject Body)> Requests { get; } = [];
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Assert.Equal("application/x-amz-json-1.1", request.Content!.Headers.ContentType!.MediaType);
            Assert.Contains("/route53domains/aws4_request", request.Headers.GetValues("Authorization").Single());
            var target = request.Headers.GetValues("X-Amz-Target").Single();
            var body = JsonNode.Parse(await request.Content.ReadAsStringAsync(ct))!.AsObject();
            Requests.Add((target, body));
            var (status, json) = answer(target.Split('.')[1], body);
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }

    private static (JsonHandler, Route53DomainsDelegationChanger) Create(Func<string, JsonObject, (HttpStatusCode, string)> answer)
    {
        var handler = new JsonHandler(answer);
        var http = new HttpClient(handler);
        var creds = new StaticCredentialSource(new("AKIDTEST", "secret"));
        var r53 = new Route53Client(http, new Uri("http://127.0.3.1:1"), creds, TimeProvider.System);
        var domains = new Route53DomainsClient(http, new Uri("http://127.0.3.1:1"), creds, TimeProvider.System);
        return (handler, new Route53DomainsDelegationChanger(domains, new Route53ChangeScheduler(r53, TimeProvider.System, Route53ChangeSchedulerTests.Fast), "test", TimeProvider.System));
    }

    [Fact]
    public async Task GetCurrentAsync_MapsNameServersGlueAndDs_FromDomainDetail()
    {
        var (_, changer) = Create((op, body) => (HttpStatusCode.OK, op == "GetDomainDetail"
            ? """{"DomainName":"example.com","Nameservers":[{"Name":"ns1.example.com","GlueIps":["192.0.2.1","2001:db8::1"]},{"Name":"ns-2.awsdns-02.net"}],"DnssecKeys":[{"Algorithm":13,"Flags":257,"PublicKey":"AAAA","DigestType":2,"Digest":"abcdef","KeyTag":12345,"Id":"k1"}],"StatusList":["clientTransferProhibited"]}"""
            : "{}"));
        var d = await changer.GetCurrentAsync(DomainName.Parse("Example.COM."), CancellationToken.None);
        Assert.Equal(2, d.NameServers.Count);
        Assert.Equal(DomainName.Parse("ns1.example.com."), d.NameServers[0].Name);
        Assert.Equal([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")], d.NameServers[0].Glue);
        Assert.Empty(d.NameServers[1].Glue);
        Assert.Equal(["12345 13 2 ABCDEF"], d.DsRecords);
    }

    [Fact]
    public async Task RequestChangeAsync_SendsNamesWithoutTrailingDot_AndReturnsOperationId()
    {
        var (handler, changer) = Create((_, _) => (HttpStatusCode.OK, """{"OperationId":"op-123"}"""));
        var id = await changer.RequestChangeAsync(new Delegation(DomainName.Parse("example.com."),
            [new(DomainName.Parse("ns-1.awsdns-01.com."), []), new(DomainName.Parse("ns.example.com."), [IPAddress.Parse("192.0.2.53")])], []), CancellationToken.None);
        Assert.Equal("op-123", id);
        var (target, body) = Assert.Single(handler.Requests);
        Assert.Equal("Route53Domains_v20140515.UpdateDomainNameservers", target);
        Assert.Equal("""{"DomainName":"example.com","Nameservers":[{"Name":"ns-1.awsdns-01.com"},{"Name":"ns.example.com","GlueIps":["192.0.2.53"]}]}""", body.ToJsonString());
    }

    [Fact]
    public async Task RequestDsChangeAsync_RemovesTheUnwantedKeyFirst_ThenAddsTheMissingOne_ThenRefusesWhenExact()
    {
        // A registry that holds an old key (K0) and runs one operation at a time; the migration wants only K1.
        var held = new List<JsonObject> { new() { ["Algorithm"] = 13, ["Flags"] = 257, ["PublicKey"] = "K0", ["Id"] = "id-k0", ["KeyTag"] = 1, ["DigestType"] = 2, ["Digest"] = "aa" } };
        var (handler, changer) = Create((op, body) =>
        {
            switch (op)
            {
                case "GetDomainDetail":
                    return (HttpStatusCode.OK, new JsonObject { ["DomainName"] = "example.com", ["Nameservers"] = new JsonArray(), ["DnssecKeys"] = new JsonArray(held.Select(k => (JsonNode)k.DeepClone()).ToArray()) }.ToJsonString());
                case "DisassociateDelegationSignerFromDomain":
                    held.RemoveAll(k => (string?)k["Id"] == (string?)body["Id"]);
                    return (HttpStatusCode.OK, """{"OperationId":"op-remove"}""");
                case "AssociateDelegationSignerToDomain":
                    var attrs = body["SigningAttributes"]!.AsObject();
                    held.Add(new JsonObject { ["Algorithm"] = (int)attrs["Algorithm"]!, ["Flags"] = (int)attrs["Flags"]!, ["PublicKey"] = (string)attrs["PublicKey"]!, ["Id"] = "id-new" });
                    return (HttpStatusCode.OK, """{"OperationId":"op-add"}""");
                default:
                    return (HttpStatusCode.BadRequest, $$"""{"__type":"InvalidInput","message":"unexpected {{op}}"}""");
            }
        });
        var zone = DomainName.Parse("example.com.");
        IReadOnlyList<DsKeyMaterial> wanted = [new DsKeyMaterial("2 13 2 BB", 13, 257, "K1")];

        Assert.Equal("op-remove", await changer.RequestDsChangeAsync(zone, wanted, CancellationToken.None));
        Assert.Equal("""{"DomainName":"example.com","Id":"id-k0"}""", handler.Requests.Last().Body.ToJsonString());
        Assert.Equal("op-add", await changer.RequestDsChangeAsync(zone, wanted, CancellationToken.None));
        Assert.Equal("""{"DomainName":"example.com","SigningAttributes":{"Algorithm":13,"Flags":257,"PublicKey":"K1"}}""", handler.Requests.Last().Body.ToJsonString());
        Assert.Equal(["K1"], held.Select(k => (string?)k["PublicKey"]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => changer.RequestDsChangeAsync(zone, wanted, CancellationToken.None));

        // And the way back: with no key wanted, the one held is removed.
        Assert.Equal("op-remove", await changer.RequestDsChangeAsync(zone, [], CancellationToken.None));
        Assert.Empty(held);
    }

    [Theory]
    [InlineData("SUBMITTED", DelegationChangeStatus.Submitted)]
    [InlineData("IN_PROGRESS", DelegationChangeStatus.InProgress)]
    [InlineData("SUCCESSFUL", DelegationChangeStatus.Succeeded)]
    [InlineData("FAILED", DelegationChangeStatus.Failed)]
    [InlineData("ERROR", DelegationChangeStatus.Failed)]
    public async Task GetStatusAsync_MapsOperationStatus_ForEachValue(string status, DelegationChangeStatus expected)
    {
        var (_, changer) = Create((_, body) => (HttpStatusCode.OK, $$"""{"OperationId":"{{body["OperationId"]}}","Status":"{{status}}","Type":"UPDATE_NAMESERVER"}"""));
        Assert.Equal(expected, await changer.GetStatusAsync("op-1", CancellationToken.None));
    }

    [Fact]
    public async Task RequestChangeAsync_ThrowsTypedError_WhenDomainIsBusy()
    {
        var (handler, changer) = Create((_, _) => (HttpStatusCode.BadRequest, """{"__type":"DuplicateRequest","message":"An operation is already in progress","requestId":"r-1"}"""));
        var e = await Assert.ThrowsAsync<Route53Exception>(() => changer.RequestChangeAsync(
            new Delegation(DomainName.Parse("example.com."), [new(DomainName.Parse("ns-1.awsdns-01.com."), [])], []), CancellationToken.None));
        Assert.Equal(("DuplicateRequest", "r-1", false), (e.Code, e.RequestId, e.Retryable));
        Assert.Single(handler.Requests);
    }
}
