using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Tests.Route53;

/// <summary>The product's own client signs with AWSSDK.Core; the emulator must accept exactly those signatures.</summary>
public sealed class AwsSdkCoreSignerTests
{
    private static async Task<HttpResponseMessage> SendSignedAsync(HttpClient http, HttpMethod method, Uri uri, string? body, string secret)
    {
        var content = body is null ? null : Encoding.UTF8.GetBytes(body);
        var request = new AWSSigningRequest { HttpMethod = method, RequestUri = uri, Content = content };
        if (content is not null) request.Headers["content-type"] = "application/xml";
        var signed = AWSSigV4Signer.Sign(request, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials("AKIDCORE", secret), Region = RegionEndpoint.USEast1, Service = "route53", SignedAt = DateTime.UtcNow,
        });
        var message = new HttpRequestMessage(method, uri);
        if (content is not null)
        {
            message.Content = new ByteArrayContent(content);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/xml");
        }
        foreach (var (name, value) in signed.Headers) message.Headers.TryAddWithoutValidation(name, value);
        return await http.SendAsync(message);
    }

    [Fact]
    public async Task Emulator_AcceptsAwsSdkCoreSignatures_AndRefusesWrongSecret()
    {
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Url = "http://127.0.2.16:0", AccessKey = "AKIDCORE", SecretKey = "core/secret", InsyncDelay = TimeSpan.Zero, RateLimitPerSecond = 0,
        });
        using var http = new HttpClient();
        var create = await SendSignedAsync(http, HttpMethod.Post, new Uri(host.BaseAddress, "/2013-04-01/hostedzone"),
            "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>core.test</Name><CallerReference>c1</CallerReference></CreateHostedZoneRequest>", "core/secret");
        var createText = await create.Content.ReadAsStringAsync();
        Assert.True(create.StatusCode == HttpStatusCode.Created, createText);
        var id = System.Text.RegularExpressions.Regex.Match(createText, "/hostedzone/(Z[A-Z0-9]+)").Groups[1].Value;

        var change = await SendSignedAsync(http, HttpMethod.Post, new Uri(host.BaseAddress, $"/2013-04-01/hostedzone/{id}/rrset/"),
            "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>*.core.test</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>", "core/secret");
        Assert.True(change.IsSuccessStatusCode, await change.Content.ReadAsStringAsync());

        var list = await SendSignedAsync(http, HttpMethod.Get, new Uri(host.BaseAddress, $"/2013-04-01/hostedzone/{id}/rrset?name=%5C052.core.test.&type=A&maxitems=1"), null, "core/secret");
        var listText = await list.Content.ReadAsStringAsync();
        Assert.True(list.IsSuccessStatusCode, listText);
        Assert.Contains("<Name>\\052.core.test.</Name>", listText);

        var wrong = await SendSignedAsync(http, HttpMethod.Get, new Uri(host.BaseAddress, "/2013-04-01/hostedzone"), null, "not/the/secret");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await wrong.Content.ReadAsStringAsync());
    }
}
