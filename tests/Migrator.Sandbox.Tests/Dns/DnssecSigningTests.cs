using System.Xml.Linq;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Dns;

/// <summary>
/// DNSSEC signing at the emulated Route 53: the key-signing-key API answers as Route 53 does, and the DNS listener's
/// signed answers are accepted by BIND's own validator (delv, anchored at the zone's KSK) and verifier (dnssec-verify).
/// </summary>
public sealed class DnssecSigningTests(DnsListenerFixture f) : IClassFixture<DnsListenerFixture>
{
    private static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
    private const string KmsArn = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private async Task<(int Status, XDocument Body)> CreateKskAsync(string zoneId, string name, string status = "ACTIVE", string arn = KmsArn) =>
        await f.Client.CallAsync(HttpMethod.Post, "/2013-04-01/keysigningkey", new XElement(Ns + "CreateKeySigningKeyRequest",
            new XElement(Ns + "CallerReference", Guid.NewGuid().ToString()), new XElement(Ns + "HostedZoneId", zoneId),
            new XElement(Ns + "KeyManagementServiceArn", arn), new XElement(Ns + "Name", name), new XElement(Ns + "Status", status)));

    private static string Code(XDocument body) => body.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "";
    private static string ChangeId(XDocument body) => body.Descendants(Ns + "Id").First().Value.Replace("/change/", "");

    /// <summary>A zone with an answer, a wildcard, a CNAME, mail and a delegation; signed with one active KSK; everything INSYNC.</summary>
    private async Task<(string Id, string Zone, string Dnskey)> SignedZoneAsync()
    {
        var (id, zone) = await f.ServedZoneAsync("signed",
            ("www.@", "A", 60, ["192.0.2.10"]),
            ("*.w.@", "TXT", 60, ["\"wild\""]),
            ("alias.@", "CNAME", 60, ["www.@"]),
            ("@", "MX", 300, ["10 mail.@"]),
            ("mail.@", "A", 300, ["192.0.2.25"]),
            ("sub.@", "NS", 300, ["ns1.sub.@"]),
            ("ns1.sub.@", "A", 300, ["192.0.2.53"]));
        var (status, created) = await CreateKskAsync(id, "ksk_one");
        Assert.True(status == 201, created.ToString());
        var (enableStatus, enabled) = await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{id}/enable-dnssec");
        Assert.True(enableStatus == 200, enabled.ToString());
        await f.InsyncAsync(ChangeId(enabled));
        var (_, dnssec) = await f.Client.CallAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{id}/dnssec");
        Assert.Equal("SIGNING", dnssec.Descendants(Ns + "ServeSignature").Single().Value);
        return (id, zone, dnssec.Descendants(Ns + "DNSKEYRecord").Single().Value);
    }

    [Fact]
    public async Task SignedAnswers_AreFullyValidatedByDelv_ForDataNxdomainNodataWildcardAndCname()
    {
        var (_, zone, dnskey) = await SignedZoneAsync();
        foreach (var (name, type, expect) in new[]
        {
            ($"www.{zone}", "A", "; fully validated"),
            ($"{zone}", "DNSKEY", "; fully validated"),
            ($"{zone}", "MX", "; fully validated"),
            ($"alias.{zone}", "A", "; fully validated"),
            ($"x.w.{zone}", "TXT", "; fully validated"),
            ($"nothing.{zone}", "A", "; negative response, fully validated"),
            ($"www.{zone}", "TXT", "; negative response, fully validated"),
            ($"x.w.{zone}", "A", "; negative response, fully validated"),
            ($"sub.{zone}", "DS", "; negative response, fully validated"),
        })
            await Delv.AssertSaysAsync(f.Dns, zone, dnskey, name, type, expect);
    }

    [Fact]
    public async Task SignedZone_TransferredWhole_PassesDnssecVerify()
    {
        var (_, zone, _) = await SignedZoneAsync();
        var axfr = await TestProcess.RunAsync("dig", [$"@{f.Dns.Address}", "-p", f.Dns.Port.ToString(), "+onesoa", "+nocmd", "+nostats", "+nocomments", zone, "AXFR"]);
        Assert.True(axfr.ExitCode == 0, axfr.ToString());
        Assert.Contains("RRSIG", axfr.StdOut);
        var file = Path.Combine(Path.GetTempPath(), $"signed-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(file, axfr.StdOut);
        try
        {
            var verify = await TestProcess.RunAsync("dnssec-verify", ["-o", zone, file]);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains("Zone fully signed", verify.StdOut + verify.StdErr);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Answers_CarrySignaturesOnlyWithDo_AndNoneAfterSigningIsDisabled()
    {
        var (id, zone, _) = await SignedZoneAsync();
        var plain = await Dig.QueryAsync(f.Dns, $"www.{zone}", "A");
        Assert.DoesNotContain(plain.Answer, r => r.Contains(" RRSIG ", StringComparison.Ordinal));
        var withDo = await Dig.QueryAsync(f.Dns, $"www.{zone}", "A", "+dnssec");
        Assert.Contains(withDo.Answer, r => r.Contains(" RRSIG A 13 ", StringComparison.Ordinal));

        var (_, deactivateRefused) = await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/keysigningkey/{id}/ksk_one/deactivate");
        Assert.Equal("KeySigningKeyInUse", Code(deactivateRefused));
        var (_, deleteZoneRefused) = await f.Client.CallAsync(HttpMethod.Delete, $"/2013-04-01/hostedzone/{id}");
        Assert.Equal("HostedZoneNotEmpty", Code(deleteZoneRefused));

        var (status, disabled) = await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{id}/disable-dnssec");
        Assert.True(status == 200, disabled.ToString());
        await f.InsyncAsync(ChangeId(disabled));
        var after = await Dig.QueryAsync(f.Dns, $"www.{zone}", "A", "+dnssec");
        Assert.Equal(["www." + zone + " 60 IN A 192.0.2.10"], after.Answer);
        var (_, dnssec) = await f.Client.CallAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{id}/dnssec");
        Assert.Equal("NOT_SIGNING", dnssec.Descendants(Ns + "ServeSignature").Single().Value);

        // The way back ends with the key gone: deactivate, then delete.
        var (deactivated, _) = await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/keysigningkey/{id}/ksk_one/deactivate");
        Assert.Equal(200, deactivated);
        var (deleted, _) = await f.Client.CallAsync(HttpMethod.Delete, $"/2013-04-01/keysigningkey/{id}/ksk_one");
        Assert.Equal(200, deleted);
        var (_, none) = await f.Client.CallAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{id}/dnssec");
        Assert.Empty(none.Descendants(Ns + "KeySigningKeys").Single().Elements());
    }

    [Fact]
    public async Task KeySigningKeyApi_RefusesAsRoute53Does_WhenRulesAreBroken()
    {
        var (id, _) = await f.ServedZoneAsync("ksk-rules");
        Assert.Equal("InvalidKeySigningKeyName", Code((await CreateKskAsync(id, "no")).Body));
        Assert.Equal("InvalidKMSArn", Code((await CreateKskAsync(id, "ksk_a", arn: KmsArn.Replace("us-east-1", "eu-west-1"))).Body));
        Assert.Equal("KeySigningKeyWithActiveStatusNotFound",
            Code((await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{id}/enable-dnssec")).Body));

        var (created, body) = await CreateKskAsync(id, "ksk_a", status: "ACTIVE");
        Assert.Equal(201, created);
        var key = body.Descendants(Ns + "KeySigningKey").Single();
        Assert.Equal("257", key.Element(Ns + "Flag")!.Value);
        Assert.Equal("13", key.Element(Ns + "SigningAlgorithmType")!.Value);
        Assert.StartsWith(key.Element(Ns + "KeyTag")!.Value + " 13 2 ", key.Element(Ns + "DSRecord")!.Value);

        Assert.Equal(409, (await CreateKskAsync(id, "ksk_a")).Status);
        Assert.Equal(201, (await CreateKskAsync(id, "ksk_b", status: "INACTIVE")).Status);
        Assert.Equal("TooManyKeySigningKeys", Code((await CreateKskAsync(id, "ksk_c")).Body));
        Assert.Equal("InvalidKeySigningKeyStatus", Code((await f.Client.CallAsync(HttpMethod.Delete, $"/2013-04-01/keysigningkey/{id}/ksk_a")).Body));
        Assert.Equal("NoSuchKeySigningKey", Code((await f.Client.CallAsync(HttpMethod.Post, $"/2013-04-01/keysigningkey/{id}/ksk_zz/activate")).Body));
        Assert.Equal(200, (await f.Client.CallAsync(HttpMethod.Delete, $"/2013-04-01/keysigningkey/{id}/ksk_b")).Status);
    }
}
