using System.Net;
using System.Text;
using System.Xml.Linq;
using Migrator.Core.Route53;

namespace Migrator.Core.Tests.Route53;

/// <summary>The DNSSEC operations of the Route 53 client on the wire (paths, methods, bodies) and their answers parsed.</summary>
public class Route53DnssecClientTests
{
    private const string ChangeInfo = "<ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status><SubmittedAt>2026-12-01T00:00:00.000Z</SubmittedAt></ChangeInfo>";

    private sealed class Capture(string answer, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public List<(HttpMethod Method, string Path, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add((request.Method, request.RequestUri!.AbsolutePath, request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct)));
            return new HttpResponseMessage(status) { Content = new StringContent(answer, Encoding.UTF8, "text/xml") };
        }
    }

    private static (Route53Client, Capture) Client(string answer, HttpStatusCode status = HttpStatusCode.OK)
    {
        var capture = new Capture(answer, status);
        return (new Route53Client(new HttpClient(capture), new Uri("http://127.0.0.1:1"), new StaticCredentialSource(new AwsCredentials("AKID", "secret")), TimeProvider.System), capture);
    }

    [Fact]
    public async Task CreateKeySigningKeyAsync_PostsTheRequestAndParsesTheKey()
    {
        var (client, capture) = Client($"""<?xml version="1.0"?><CreateKeySigningKeyResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">{ChangeInfo}<KeySigningKey><Name>ksk1</Name><KmsArn>arn:aws:kms:us-east-1:111122223333:key/k</KmsArn><Flag>257</Flag><SigningAlgorithmType>13</SigningAlgorithmType><KeyTag>12345</KeyTag><PublicKey>AAAA</PublicKey><DSRecord>12345 13 2 ABCDEF</DSRecord><Status>ACTIVE</Status></KeySigningKey></CreateKeySigningKeyResponse>""", HttpStatusCode.Created);

        var (change, key) = await client.CreateKeySigningKeyAsync("/hostedzone/Z1", "ksk1", "arn:aws:kms:us-east-1:111122223333:key/k", "ref-1", true, CancellationToken.None);

        var (method, path, body) = Assert.Single(capture.Requests);
        Assert.Equal((HttpMethod.Post, "/2013-04-01/keysigningkey"), (method, path));
        var request = XElement.Parse(body);
        Assert.Equal("CreateKeySigningKeyRequest", request.Name.LocalName);
        Assert.Equal(["ref-1", "Z1", "arn:aws:kms:us-east-1:111122223333:key/k", "ksk1", "ACTIVE"], request.Elements().Select(e => e.Value));
        Assert.Equal("C2682N5HXP0BZ4", change.Id);
        Assert.Equal(("ksk1", "ACTIVE", 257, 13, 12345, "12345 13 2 ABCDEF"), (key.Name, key.Status, key.Flag, key.SigningAlgorithmType, key.KeyTag, key.DsRecord));
    }

    [Theory]
    [InlineData("activate", "POST", "/2013-04-01/keysigningkey/Z1/ksk1/activate")]
    [InlineData("deactivate", "POST", "/2013-04-01/keysigningkey/Z1/ksk1/deactivate")]
    [InlineData("delete", "DELETE", "/2013-04-01/keysigningkey/Z1/ksk1")]
    [InlineData("enable", "POST", "/2013-04-01/hostedzone/Z1/enable-dnssec")]
    [InlineData("disable", "POST", "/2013-04-01/hostedzone/Z1/disable-dnssec")]
    public async Task SigningOperations_UseTheDocumentedPathWithoutBody_AndReturnTheChange(string operation, string method, string expectedPath)
    {
        var (client, capture) = Client($"""<?xml version="1.0"?><R xmlns="https://route53.amazonaws.com/doc/2013-04-01/">{ChangeInfo}</R>""");

        var change = operation switch
        {
            "activate" => await client.ActivateKeySigningKeyAsync("Z1", "ksk1", CancellationToken.None),
            "deactivate" => await client.DeactivateKeySigningKeyAsync("Z1", "ksk1", CancellationToken.None),
            "delete" => await client.DeleteKeySigningKeyAsync("Z1", "ksk1", CancellationToken.None),
            "enable" => await client.EnableHostedZoneDnssecAsync("/hostedzone/Z1", CancellationToken.None),
            _ => await client.DisableHostedZoneDnssecAsync("Z1", CancellationToken.None),
        };

        var (m, path, body) = Assert.Single(capture.Requests);
        Assert.Equal((method, expectedPath, ""), (m.Method, path, body));
        Assert.Equal(ChangeStatus.Pending, change.Status);
    }

    [Fact]
    public async Task EnableHostedZoneDnssecAsync_ThrowsTheServiceError_WhenNoKeyIsActive()
    {
        var (client, _) = Client("""<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>KeySigningKeyWithActiveStatusNotFound</Code><Message>no active KSK</Message></Error><RequestId>r</RequestId></ErrorResponse>""", HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<Route53Exception>(() => client.EnableHostedZoneDnssecAsync("Z1", CancellationToken.None));

        Assert.Equal("KeySigningKeyWithActiveStatusNotFound", e.Code);
    }
}
