using System.Net;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Route53;

/// <summary>--data keeps zones, records, used caller references and domains across restarts.</summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly IPAddress Address = IPAddress.Parse("127.0.2.13");
    private readonly string _dir = Directory.CreateTempSubdirectory("migrator-emulator-data-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private EmulatorOptions Options() => new()
    {
        Url = $"http://{Address}:0",
        DnsEndPoint = new IPEndPoint(Address, FreePort.UdpAndTcp(Address)),
        DataDirectory = _dir,
        VerifySignatures = false,
        InsyncDelay = TimeSpan.FromMilliseconds(50),
        RateLimitPerSecond = 0,
        Domains = [new RegisteredDomainSpec("kept.lab", ["ns1.old.lab"])],
    };

    [Fact]
    public async Task Restart_KeepsZonesRecordsCallerReferencesAndServing_WhenDataDirectoryIsSet()
    {
        string zoneId;
        var reference = Guid.NewGuid().ToString();
        await using (var first = await EmulatorHost.StartAsync(Options()))
        {
            using var client = new PlainRoute53Client(first.BaseAddress);
            (zoneId, _) = await client.CreateZoneWithReferenceAsync("persist.test", reference);
            await client.WaitInsyncAsync(await client.ChangeAsync(zoneId, ("CREATE", "www.persist.test.", "A", 60, ["192.0.2.7"])));
            Assert.True(File.Exists(Path.Combine(_dir, "route53-emulator.json")));
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));

        await using var second = await EmulatorHost.StartAsync(Options());
        using var again = new PlainRoute53Client(second.BaseAddress);
        var zone = await again.GetZoneAsync(zoneId);
        Assert.Contains("persist.test.", zone.ToString());
        Assert.Contains("192.0.2.7", (await again.ListRecordSetsAsync(zoneId)).ToString());
        Assert.Equal((409, "HostedZoneAlreadyExists"), await again.CreateZoneExpectingErrorAsync("other.test", reference));
        var dig = await Dig.QueryAsync(second.DnsEndPoint!, "www.persist.test");
        Assert.Equal(["www.persist.test. 60 IN A 192.0.2.7"], dig.Answer);
        Assert.Contains("kept.lab", await again.PostJsonAsync("GetDomainDetail", "{\"DomainName\":\"kept.lab\"}"));
    }

    [Fact]
    public async Task Restart_KeepsSigningKeysAndSignatureChain_WhenZoneIsSigned()
    {
        System.Xml.Linq.XNamespace ns = "https://route53.amazonaws.com/doc/2013-04-01/";
        string zoneId, dnskeyBefore;
        await using (var first = await EmulatorHost.StartAsync(Options()))
        {
            using var client = new PlainRoute53Client(first.BaseAddress);
            (zoneId, _) = await client.CreateZoneWithReferenceAsync("signed-persist.test", Guid.NewGuid().ToString());
            await client.WaitInsyncAsync(await client.ChangeAsync(zoneId, ("CREATE", "www.signed-persist.test.", "A", 60, ["192.0.2.8"])));
            var (created, createdBody) = await client.CallAsync(HttpMethod.Post, "/2013-04-01/keysigningkey", new System.Xml.Linq.XElement(ns + "CreateKeySigningKeyRequest",
                new System.Xml.Linq.XElement(ns + "CallerReference", Guid.NewGuid().ToString()), new System.Xml.Linq.XElement(ns + "HostedZoneId", zoneId),
                new System.Xml.Linq.XElement(ns + "KeyManagementServiceArn", "arn:aws:kms:us-east-1:111122223333:key/persist-1"),
                new System.Xml.Linq.XElement(ns + "Name", "ksk_kept"), new System.Xml.Linq.XElement(ns + "Status", "ACTIVE")));
            Assert.Equal(201, created);
            await client.WaitInsyncAsync(createdBody.Descendants(ns + "Id").First().Value.Replace("/change/", "")); // one change at a time per zone
            var (_, enabled) = await client.CallAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{zoneId}/enable-dnssec");
            await client.WaitInsyncAsync(enabled.Descendants(ns + "Id").First().Value.Replace("/change/", ""));
            dnskeyBefore = string.Join("|", (await Dig.QueryAsync(first.DnsEndPoint!, "signed-persist.test", "DNSKEY")).Answer.Order());
            Assert.Contains(" 257 3 13 ", dnskeyBefore);
        }

        await using var second = await EmulatorHost.StartAsync(Options());
        using var again = new PlainRoute53Client(second.BaseAddress);
        var (_, dnssec) = await again.CallAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{zoneId}/dnssec");
        Assert.Equal("SIGNING", dnssec.Descendants(ns + "ServeSignature").Single().Value);
        Assert.Equal("ksk_kept", dnssec.Descendants(ns + "KeySigningKeys").Single().Elements(ns + "member").Single().Element(ns + "Name")!.Value);
        // Same keys after the restart (a new key would break the DS at the parent), and answers are signed again.
        Assert.Equal(dnskeyBefore, string.Join("|", (await Dig.QueryAsync(second.DnsEndPoint!, "signed-persist.test", "DNSKEY")).Answer.Order()));
        var signed = await Dig.QueryAsync(second.DnsEndPoint!, "www.signed-persist.test", "A", "+dnssec");
        Assert.Contains(signed.Answer, r => r.Contains(" RRSIG A 13 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StandaloneProcess_ServesSignedRequests_AndKeepsStateAcrossRestart()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Migrator.Sandbox.dll");
        var port = FreePort.UdpAndTcp(Address);
        var dnsPort = FreePort.UdpAndTcp(Address);
        string[] args = [dll, "--urls", $"http://{Address}:{port}", "--dns", $"{Address}:{dnsPort}", "--data", _dir,
            "--access-key", "AKIDSTANDALONE", "--secret-key", "standalone-secret", "--insync-delay-ms", "100"];
        var baseAddress = new Uri($"http://{Address}:{port}");
        string zoneId;
        await using (var process = await StandaloneEmulator.StartAsync(args, baseAddress))
        {
            using var client = new PlainRoute53Client(baseAddress, ("AKIDSTANDALONE", "standalone-secret"));
            var created = await client.CreateZoneAsync("standalone.test");
            zoneId = created.ZoneId;
            await client.WaitInsyncAsync(await client.ChangeAsync(zoneId, ("CREATE", "*.standalone.test.", "TXT", 60, ["\"hello\""])));
            Assert.Equal(["x.standalone.test. 60 IN TXT \"hello\""], (await Dig.QueryAsync(new IPEndPoint(Address, dnsPort), "x.standalone.test", "TXT")).Answer);
            using var unsigned = new PlainRoute53Client(baseAddress);
            await Assert.ThrowsAsync<HttpRequestException>(() => unsigned.GetZoneAsync(zoneId));
        }
        await using (var process = await StandaloneEmulator.StartAsync(args, baseAddress))
        {
            using var client = new PlainRoute53Client(baseAddress, ("AKIDSTANDALONE", "standalone-secret"));
            Assert.Contains("\\052.standalone.test.", (await client.ListRecordSetsAsync(zoneId)).ToString());
        }
    }
}

/// <summary>`dotnet Migrator.Sandbox.dll ...` as a child process, stopped with SIGTERM like a service manager would.</summary>
internal sealed class StandaloneEmulator : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private StandaloneEmulator(System.Diagnostics.Process p) => _process = p;

    public static async Task<StandaloneEmulator> StartAsync(string[] args, Uri baseAddress)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = System.Diagnostics.Process.Start(psi)!;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = baseAddress };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); // generous: start-up on a loaded machine
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync("/_emulator/health")).IsSuccessStatusCode) return new StandaloneEmulator(p);
            }
            catch (HttpRequestException) { }
            if (p.HasExited) throw new InvalidOperationException($"emulator exited with {p.ExitCode}");
            await Task.Delay(50);
        }
        p.Kill();
        throw new TimeoutException("standalone emulator did not answer /_emulator/health");
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM, as systemd or docker would send; the process must exit by itself.
        System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(); throw new InvalidOperationException("emulator ignored SIGTERM"); }
        _process.Dispose();
    }
}
