using System.Text;
using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.Auth;

namespace Migrator.Sandbox.Tests.Route53;

/// <summary>
/// Vectors: AWS's published get-vanilla case and the Route 53 / Route 53 Domains vectors of reference/route53-wire.md §7
/// (computed with botocore's SigV4Auth).
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static SigV4Verifier Verifier(DateTimeOffset now, string secret = Secret) =>
        new(key => key == AccessKey ? secret : null, new FakeTimeProvider(now), TimeSpan.FromMinutes(5));

    private static SignedRequest Request(string method, string path, string query, string body, string signature, string signedHeaders, string scope, params (string, string)[] headers)
    {
        var h = headers.ToDictionary(x => x.Item1, x => x.Item2);
        h["authorization"] = $"AWS4-HMAC-SHA256 Credential={AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SignedRequest(method, path, query, h, Encoding.UTF8.GetBytes(body));
    }

    private static readonly DateTimeOffset R53Time = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private const string ChangeBody = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.44</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>";

    private static SignedRequest ChangeRequest(string signature = "50c94e553f27c03852fa927869e6b725f296fea96dcc57faf4edfc72ed6347a3", string body = ChangeBody) =>
        Request("POST", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/", "", body, signature, "content-type;host;x-amz-date",
            "20240102/us-east-1/route53/aws4_request",
            ("content-type", "application/xml"), ("host", "route53.amazonaws.com"), ("x-amz-date", "20240102T030405Z"));

    [Fact]
    public void Verify_Accepts_AwsGetVanillaVector()
    {
        var request = Request("GET", "/", "", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date",
            "20150830/us-east-1/service/aws4_request", ("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"));
        Assert.Null(Verifier(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)).Verify(request, "service"));
    }

    [Fact]
    public void CanonicalRequest_HashesToReferenceValue_ForChangeResourceRecordSets()
    {
        var canonical = SigV4Verifier.CanonicalRequest(ChangeRequest(), ["content-type", "host", "x-amz-date"]);
        Assert.EndsWith("299696fe56bf14c450a84f43509f715c1b1b2f078f00a2fa37ff1c2591629e4c", canonical);
        Assert.Equal("18cba9118360a3b743be24df4bd173f3c198ac23307c042841f77086c71d4647",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }

    [Fact]
    public void Verify_Accepts_Route53ChangeVector_WithTrailingSlash() =>
        Assert.Null(Verifier(R53Time).Verify(ChangeRequest(), "route53"));

    [Fact]
    public void Verify_Accepts_Route53ListVector_WithEscapedQuery()
    {
        var request = Request("GET", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", "maxitems=100&name=%5C052.example.com.&type=A",
            "", "3c7467f08e5823375a6b2ca7b53738ec58a6a4a18069110e8bcb8cefc1f4ee92", "host;x-amz-date",
            "20240102/us-east-1/route53/aws4_request", ("host", "route53.amazonaws.com"), ("x-amz-date", "20240102T030405Z"));
        Assert.Null(Verifier(R53Time).Verify(request, "route53"));
    }

    [Fact]
    public void Verify_Accepts_DomainsVector()
    {
        var request = Request("POST", "/", "", "{\"DomainName\":\"example.com\"}", "1938d396faebc83f8bc96534e463bfeae39e8656e2790e78db4de3df1d851d51",
            "content-type;host;x-amz-date;x-amz-target", "20240102/us-east-1/route53domains/aws4_request",
            ("content-type", "application/x-amz-json-1.1"), ("host", "route53domains.us-east-1.amazonaws.com"),
            ("x-amz-date", "20240102T030405Z"), ("x-amz-target", "Route53Domains_v20140515.GetDomainDetail"));
        Assert.Null(Verifier(R53Time).Verify(request, "route53domains"));
    }

    [Fact]
    public void Verify_RefusesWithSignatureDoesNotMatch_WhenSecretDiffers() =>
        Assert.Equal("SignatureDoesNotMatch", Verifier(R53Time, "another-secret").Verify(ChangeRequest(), "route53")?.Code);

    [Fact]
    public void Verify_RefusesWithSignatureDoesNotMatch_WhenBodyWasAltered() =>
        Assert.Equal("SignatureDoesNotMatch", Verifier(R53Time).Verify(ChangeRequest(body: ChangeBody.Replace("192.0.2.44", "192.0.2.45")), "route53")?.Code);

    [Fact]
    public void Verify_RefusesWithInvalidClientTokenId_WhenAccessKeyUnknown()
    {
        var verifier = new SigV4Verifier(_ => null, new FakeTimeProvider(R53Time), TimeSpan.FromMinutes(5));
        Assert.Equal("InvalidClientTokenId", verifier.Verify(ChangeRequest(), "route53")?.Code);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(-6)]
    public void Verify_RefusesWithRequestExpired_WhenClockSkewExceedsFiveMinutes(int minutes)
    {
        var failure = Verifier(R53Time.AddMinutes(minutes)).Verify(ChangeRequest(), "route53");
        Assert.Equal("RequestExpired", failure?.Code);
        Assert.StartsWith("Signature expired: 20240102T030405Z is now", failure!.Message);
    }

    [Fact]
    public void Verify_Accepts_WhenClockSkewIsWithinFiveMinutes() =>
        Assert.Null(Verifier(R53Time.AddMinutes(4)).Verify(ChangeRequest(), "route53"));

    [Fact]
    public void Verify_Refuses_WhenScopedToAnotherService() =>
        Assert.Equal("SignatureDoesNotMatch", Verifier(R53Time).Verify(ChangeRequest(), "route53domains")?.Code);
}
