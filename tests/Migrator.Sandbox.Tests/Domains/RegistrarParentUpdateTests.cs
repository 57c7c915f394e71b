using System.Net;
using System.Text.Json;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Domains;

/// <summary>Route 53 Domains changes reach a real BIND parent zone by RFC 2136 with TSIG.</summary>
public sealed class RegistrarParentUpdateTests
{
    private static readonly IPAddress EmulatorAddress = IPAddress.Parse("127.0.2.12");

    private static async Task<(EmulatorHost Host, PlainRoute53Client Client)> StartEmulatorAsync(BindParentServer parent, string domain, string secret)
    {
        var host = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Url = $"http://{EmulatorAddress}:0",
            VerifySignatures = false,
            RateLimitPerSecond = 0,
            DomainOperationDelay = TimeSpan.FromMilliseconds(200),
            Domains = [new RegisteredDomainSpec(domain, ["ns1.old.lab"])],
            ParentZone = new ParentZoneSpec(parent.EndPoint, BindParentServer.KeyName, "hmac-sha256", secret, DelegationTtl: 30),
        });
        return (host, new PlainRoute53Client(host.BaseAddress));
    }

    private static async Task<JsonElement> WaitOperationAsync(PlainRoute53Client client, string operationId)
    {
        // Generous: the condition ends the wait; the limit only stops a hung test on a loaded machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var detail = JsonDocument.Parse(await client.PostJsonAsync("GetOperationDetail", JsonSerializer.Serialize(new { OperationId = operationId }))).RootElement;
            if (detail.GetProperty("Status").GetString() is not ("IN_PROGRESS" or "SUBMITTED")) return detail;
            await Task.Delay(50);
        }
        throw new TimeoutException($"operation {operationId} did not finish");
    }

    private static string OperationId(string json) => JsonDocument.Parse(json).RootElement.GetProperty("OperationId").GetString()!;

    [Fact]
    public async Task UpdateDomainNameservers_MovesDelegationAtBindParent_WhenOperationSucceeds()
    {
        var domain = $"d{Guid.NewGuid():N}"[..12] + ".lab";
        await using var parent = await BindParentServer.StartAsync(($"{domain}.", ["ns1.old.lab."]));
        var (host, client) = await StartEmulatorAsync(parent, domain, parent.TsigSecret);
        await using var _ = host;
        using var __ = client;

        var before = await Dig.QueryAsync(parent.EndPoint, domain, "NS");
        Assert.Equal([$"{domain}. 60 IN NS ns1.old.lab."], before.Authority);

        var op = OperationId(await client.PostJsonAsync("UpdateDomainNameservers", JsonSerializer.Serialize(new
        {
            DomainName = domain,
            Nameservers = new object[] { new { Name = "ns-1.awsdns-00.com" }, new { Name = $"ns1.{domain}", GlueIps = new[] { "127.0.2.99" } } },
        })));
        var done = await WaitOperationAsync(client, op);
        Assert.Equal("SUCCESSFUL", done.GetProperty("Status").GetString());

        var after = await Dig.QueryAsync(parent.EndPoint, domain, "NS");
        Assert.Equal([$"{domain}. 30 IN NS ns-1.awsdns-00.com.", $"{domain}. 30 IN NS ns1.{domain}."], after.Authority.Order(StringComparer.Ordinal));
        Assert.Contains($"ns1.{domain}. 30 IN A 127.0.2.99", after.Additional);
        var detail = await client.PostJsonAsync("GetDomainDetail", JsonSerializer.Serialize(new { DomainName = domain }));
        Assert.Contains("ns-1.awsdns-00.com", detail);
    }

    [Fact]
    public async Task UpdateDomainNameservers_Fails_WhenParentRefusesTheTsigKey()
    {
        var domain = $"r{Guid.NewGuid():N}"[..12] + ".lab";
        await using var parent = await BindParentServer.StartAsync(($"{domain}.", ["ns1.old.lab."]));
        var wrongSecret = Convert.ToBase64String(new byte[32]);
        var (host, client) = await StartEmulatorAsync(parent, domain, wrongSecret);
        await using var _ = host;
        using var __ = client;

        var op = OperationId(await client.PostJsonAsync("UpdateDomainNameservers", JsonSerializer.Serialize(new
        {
            DomainName = domain, Nameservers = new object[] { new { Name = "ns-1.awsdns-00.com" } },
        })));
        var done = await WaitOperationAsync(client, op);
        Assert.Equal("FAILED", done.GetProperty("Status").GetString());
        var message = done.GetProperty("Message").GetString()!;
        Assert.Contains("refused", message);
        Assert.DoesNotContain(wrongSecret, message);
        Assert.Equal([$"{domain}. 60 IN NS ns1.old.lab."], (await Dig.QueryAsync(parent.EndPoint, domain, "NS")).Authority);
        // The registrar still reports the old servers.
        Assert.Contains("ns1.old.lab", await client.PostJsonAsync("GetDomainDetail", JsonSerializer.Serialize(new { DomainName = domain })));
    }

    [Fact]
    public async Task AssociateDelegationSigner_PublishesDsAtBindParent()
    {
        var domain = $"s{Guid.NewGuid():N}"[..12] + ".lab";
        await using var parent = await BindParentServer.StartAsync(($"{domain}.", ["ns1.old.lab."]));
        var (host, client) = await StartEmulatorAsync(parent, domain, parent.TsigSecret);
        await using var _ = host;
        using var __ = client;
        var publicKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());

        var op = OperationId(await client.PostJsonAsync("AssociateDelegationSignerToDomain", JsonSerializer.Serialize(new
        {
            DomainName = domain, SigningAttributes = new { Algorithm = 13, Flags = 257, PublicKey = publicKey },
        })));
        Assert.Equal("SUCCESSFUL", (await WaitOperationAsync(client, op)).GetProperty("Status").GetString());
        var key = JsonDocument.Parse(await client.PostJsonAsync("GetDomainDetail", JsonSerializer.Serialize(new { DomainName = domain })))
            .RootElement.GetProperty("DnssecKeys")[0];
        var ds = await Dig.QueryAsync(parent.EndPoint, domain, "DS");
        Assert.True(ds.IsAuthoritative);
        var answer = Assert.Single(ds.Answer);
        var digest = key.GetProperty("Digest").GetString()!;
        Assert.Equal($"{domain}. 30 IN DS {key.GetProperty("KeyTag").GetInt32()} 13 2 {digest[..56]} {digest[56..]}", answer);
    }
}
