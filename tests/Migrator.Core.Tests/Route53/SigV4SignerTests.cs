using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using CsCheck;
using Migrator.Core.Route53;

namespace Migrator.Core.Tests.Route53;

public class SigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteDate = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset R53Date = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TheoryData<string> VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in Load().RootElement.GetProperty("vectors").EnumerateArray()) data.Add(v.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Route53", "sigv4-vectors.json")));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_MatchesPublishedAuthorization_ForAwsSuiteVector(string name)
    {
        var v = Load().RootElement.GetProperty("vectors").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var headers = v.GetProperty("headers").EnumerateArray()
            .Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!)).ToList();
        var creds = v.TryGetProperty("token", out var t) ? Example with { SessionToken = t.GetString() } : Example;
        var uri = new Uri("https://example.amazonaws.com" + v.GetProperty("target").GetString());

        var result = SigV4Signer.Sign(v.GetProperty("method").GetString()!, uri, headers,
            Encoding.UTF8.GetBytes(v.GetProperty("body").GetString()!), creds, "us-east-1", "service", SuiteDate);

        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={v.GetProperty("signedHeaders").GetString()}, Signature={v.GetProperty("signature").GetString()}",
            result.Authorization);
        if (v.TryGetProperty("canonicalRequestSha256", out var c))
            Assert.Equal(c.GetString(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(result.CanonicalRequest))));
    }

    [Fact]
    public void Sign_MatchesBotocoreVector_ForChangeResourceRecordSets()
    {
        var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.44</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
        Assert.Equal("299696fe56bf14c450a84f43509f715c1b1b2f078f00a2fa37ff1c2591629e4c", Convert.ToHexStringLower(SHA256.HashData(body)));

        var r = SigV4Signer.Sign("POST", new Uri("https://route53.amazonaws.com/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/"),
            [new("content-type", "application/xml")], body, Example, "us-east-1", "route53", R53Date);

        Assert.Equal("18cba9118360a3b743be24df4bd173f3c198ac23307c042841f77086c71d4647", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(r.CanonicalRequest))));
        Assert.Equal("50c94e553f27c03852fa927869e6b725f296fea96dcc57faf4edfc72ed6347a3", r.Signature);
    }

    [Fact]
    public void Sign_MatchesBotocoreVector_ForListResourceRecordSetsWithOctalEscape()
    {
        var r = SigV4Signer.Sign("GET", new Uri("https://route53.amazonaws.com/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset?type=A&name=%5C052.example.com.&maxitems=100"),
            [], [], Example, "us-east-1", "route53", R53Date);
        Assert.Contains("\nmaxitems=100&name=%5C052.example.com.&type=A\n", r.CanonicalRequest);
        Assert.Equal("3c7467f08e5823375a6b2ca7b53738ec58a6a4a18069110e8bcb8cefc1f4ee92", r.Signature);
    }

    [Fact]
    public void Sign_MatchesBotocoreVector_ForDomainsGetDomainDetail()
    {
        var r = SigV4Signer.Sign("POST", new Uri("https://route53domains.us-east-1.amazonaws.com/"),
            [new("content-type", "application/x-amz-json-1.1"), new("x-amz-target", "Route53Domains_v20140515.GetDomainDetail")],
            Encoding.UTF8.GetBytes("{\"DomainName\":\"example.com\"}"), Example, "us-east-1", "route53domains", R53Date);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,", r.Authorization);
        Assert.Equal("1938d396faebc83f8bc96534e463bfeae39e8656e2790e78db4de3df1d851d51", r.Signature);
    }

    [Fact]
    public void Sign_AgreesWithAwsSdkPublicSigner_WhenContentShaIsSigned()
    {
        var segment = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_.~"], 1, 12];
        Gen.Select(Gen.Int[0, 2].Select(i => new[] { "GET", "POST", "DELETE" }[i]), segment, segment, Gen.String[Gen.Char.AlphaNumeric, 0, 40],
                Gen.DateTime[new DateTime(2020, 1, 1), new DateTime(2030, 1, 1)])
            .Sample((method, seg, qv, body, when) =>
            {
                var at = DateTime.SpecifyKind(new DateTime(when.Ticks - when.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
                var uri = new Uri($"https://route53.amazonaws.com/2013-04-01/hostedzone/{seg}/rrset?name={qv}&maxitems=10");
                var bytes = Encoding.UTF8.GetBytes(body);
                var ours = SigV4Signer.Sign(method, uri, [], bytes, Example, "us-east-1", "route53", at, includeContentSha256: true);
                var sdk = AWSSigV4Signer.Sign(new AWSSigningRequest { HttpMethod = new HttpMethod(method), RequestUri = uri, Content = bytes },
                    new AWSSigV4Parameters { Credentials = new BasicAWSCredentials(Example.AccessKey, Example.SecretKey),
                        Region = Amazon.RegionEndpoint.USEast1, Service = "route53", SignedAt = at });
                Assert.Equal(sdk.Headers["Authorization"], ours.Authorization);
            }, iter: 200);
    }

    [Fact]
    public void ToString_HidesSecret_WhenCredentialsArePrinted()
    {
        var text = (Example with { SessionToken = "tok" }).ToString();
        Assert.DoesNotContain(Example.SecretKey, text);
        Assert.DoesNotContain("tok", text.Replace("SessionToken", ""));
    }
}
