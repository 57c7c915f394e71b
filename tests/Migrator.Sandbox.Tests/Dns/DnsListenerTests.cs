using System.Net;
using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Dns;

public sealed class DnsListenerFixture : IAsyncLifetime
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.2.11");
    public EmulatorHost Host { get; private set; } = null!;
    public PlainRoute53Client Client { get; private set; } = null!;
    public IPEndPoint Dns => Host.DnsEndPoint!;

    /// <summary>The emulator's clock: nothing turns INSYNC until a test advances it, however slow the machine.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Moves the emulator's clock past the INSYNC delay; the change (and every one before it) is then INSYNC.</summary>
    public async Task InsyncAsync(string changeId)
    {
        Time.Advance(Host.Emulator.Options.InsyncDelay);
        Assert.Equal("INSYNC", await Client.ChangeStatusAsync(changeId));
    }

    public async Task InitializeAsync()
    {
        // The free port is found before the listener binds it, so another process (a second test run at the same time)
        // can take it in between: then a fresh port is chosen. This is port allocation, not a retried assertion.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Host = await EmulatorHost.StartAsync(new EmulatorOptions
                {
                    Url = $"http://{Address}:0",
                    DnsEndPoint = new IPEndPoint(Address, FreePort.UdpAndTcp(Address)),
                    VerifySignatures = false,
                    InsyncDelay = TimeSpan.FromMilliseconds(2000),
                    TimeProvider = Time,
                    PriorRequestNotComplete = false,
                    RateLimitPerSecond = 0,
                });
                break;
            }
            catch (InvalidOperationException e) when (attempt < 20 && e.InnerException is System.Net.Sockets.SocketException
                { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }) { }
        }
        Client = new PlainRoute53Client(Host.BaseAddress);
    }

    /// <summary>A fresh zone already served by the listener, with the given records (all INSYNC).</summary>
    public async Task<(string Id, string Name)> ServedZoneAsync(string label, params (string Name, string Type, int Ttl, string[] Values)[] records)
    {
        var name = $"{label}-{Guid.NewGuid():N}"[..20] + ".test.";
        var zone = await Client.CreateZoneAsync(name);
        var last = zone.ChangeId;
        if (records.Length > 0)
            last = await Client.ChangeAsync(zone.ZoneId, records.Select(r => ("CREATE", r.Name.Replace("@", name), r.Type, r.Ttl, r.Values.Select(v => v.Replace("@", name)).ToArray())).ToArray());
        // Changes publish in submission order, so the last one being INSYNC means the zone is served whole.
        await InsyncAsync(last);
        return (zone.ZoneId, name);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The emulator's authoritative listener, queried with dig from dnsutils.</summary>
public sealed class DnsListenerTests(DnsListenerFixture f) : IClassFixture<DnsListenerFixture>
{
    [Fact]
    public async Task Answer_ShowsOldDataUntilInsync_ThenNewData_WhenRecordIsUpserted()
    {
        var (id, zone) = await f.ServedZoneAsync("insync", ("www.@", "A", 60, ["192.0.2.1"]));
        var before = await Dig.QueryAsync(f.Dns, $"www.{zone}");
        Assert.Equal(["www." + zone + " 60 IN A 192.0.2.1"], before.Answer);

        var change = await f.Client.ChangeAsync(id, ("UPSERT", $"www.{zone}", "A", 60, ["192.0.2.2"]));
        var during = await Dig.QueryAsync(f.Dns, $"www.{zone}");
        var statusAfterDig = await f.Client.ChangeStatusAsync(change);
        Assert.Equal("PENDING", statusAfterDig); // proves the dig above ran before INSYNC
        Assert.Equal(["www." + zone + " 60 IN A 192.0.2.1"], during.Answer);

        await f.InsyncAsync(change);
        var after = await Dig.QueryAsync(f.Dns, $"www.{zone}");
        Assert.Equal(["www." + zone + " 60 IN A 192.0.2.2"], after.Answer);
    }

    [Fact]
    public async Task Zone_IsRefusedUntilCreationIsInsync_ThenAnsweredWithApexNs()
    {
        var name = $"new-{Guid.NewGuid():N}"[..16] + ".test.";
        var created = await f.Client.CreateZoneAsync(name);
        var early = await Dig.QueryAsync(f.Dns, name, "NS");
        Assert.Equal("PENDING", await f.Client.ChangeStatusAsync(created.ChangeId));
        Assert.Equal("REFUSED", early.Status);
        await f.InsyncAsync(created.ChangeId);
        var ns = await Dig.QueryAsync(f.Dns, name, "NS");
        Assert.Equal("NOERROR", ns.Status);
        Assert.True(ns.IsAuthoritative);
        Assert.Equal(created.NameServers.Select(n => $"{name} 172800 IN NS {n}.").Order(StringComparer.Ordinal), ns.Answer.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Answer_IsAuthoritative_WhenNameExists()
    {
        var (_, zone) = await f.ServedZoneAsync("aa", ("www.@", "A", 300, ["192.0.2.10", "192.0.2.11"]));
        var r = await Dig.QueryAsync(f.Dns, $"www.{zone}");
        Assert.Equal("NOERROR", r.Status);
        Assert.True(r.IsAuthoritative, r.Raw);
        Assert.DoesNotContain("ra", r.Flags);
        Assert.Equal([$"www.{zone} 300 IN A 192.0.2.10", $"www.{zone} 300 IN A 192.0.2.11"], r.Answer.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MissingName_IsNxDomainWithSoa_AndMissingType_IsNoDataWithSoa()
    {
        var (id, zone) = await f.ServedZoneAsync("neg", ("www.@", "A", 300, ["192.0.2.10"]));
        var nx = await Dig.QueryAsync(f.Dns, $"nothere.{zone}");
        Assert.Equal("NXDOMAIN", nx.Status);
        Assert.True(nx.IsAuthoritative);
        Assert.Empty(nx.Answer);
        // RFC 2308: SOA TTL in a negative answer is min(SOA TTL 900, SOA minimum 86400).
        Assert.Single(nx.Authority, a => a.StartsWith($"{zone} 900 IN SOA ", StringComparison.Ordinal));

        var nodata = await Dig.QueryAsync(f.Dns, $"www.{zone}", "TXT");
        Assert.Equal("NOERROR", nodata.Status);
        Assert.Empty(nodata.Answer);
        Assert.Single(nodata.Authority, a => a.Contains(" IN SOA ", StringComparison.Ordinal));

        // A lower SOA minimum becomes the negative TTL.
        var soa = (await f.Client.ListRecordSetsAsync(id)).Descendants().First(e => e.Name.LocalName == "Value" && e.Value.Contains("awsdns-hostmaster")).Value;
        var lowered = string.Join(' ', soa.Split(' ')[..6]) + " 60";
        await f.InsyncAsync(await f.Client.ChangeAsync(id, ("UPSERT", zone, "SOA", 900, [lowered])));
        var nx60 = await Dig.QueryAsync(f.Dns, $"nothere.{zone}");
        Assert.Single(nx60.Authority, a => a.StartsWith($"{zone} 60 IN SOA ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wildcard_SynthesisesAnswers_PerRfc4592()
    {
        var (_, zone) = await f.ServedZoneAsync("wild",
            ("*.@", "A", 120, ["192.0.2.50"]),
            ("exact.@", "A", 120, ["192.0.2.51"]),
            ("x.ent.@", "A", 120, ["192.0.2.52"]),
            ("*.@", "TXT", 120, ["\"wild txt\""]));
        var synthesized = await Dig.QueryAsync(f.Dns, $"anything.{zone}");
        Assert.True(synthesized.IsAuthoritative);
        Assert.Equal([$"anything.{zone} 120 IN A 192.0.2.50"], synthesized.Answer);
        var deeper = await Dig.QueryAsync(f.Dns, $"a.b.c.{zone}");
        Assert.Equal([$"a.b.c.{zone} 120 IN A 192.0.2.50"], deeper.Answer);
        var txt = await Dig.QueryAsync(f.Dns, $"other.{zone}", "TXT");
        Assert.Equal([$"other.{zone} 120 IN TXT \"wild txt\""], txt.Answer);
        // An existing name is never overridden by the wildcard.
        Assert.Equal([$"exact.{zone} 120 IN A 192.0.2.51"], (await Dig.QueryAsync(f.Dns, $"exact.{zone}")).Answer);
        // ent.zone exists as an empty non-terminal: NODATA, and it blocks the wildcard below it.
        var ent = await Dig.QueryAsync(f.Dns, $"ent.{zone}");
        Assert.Equal("NOERROR", ent.Status);
        Assert.Empty(ent.Answer);
        var belowEnt = await Dig.QueryAsync(f.Dns, $"y.ent.{zone}");
        Assert.Equal("NXDOMAIN", belowEnt.Status);
        // Wildcard exists but the type does not: NODATA.
        var wildNoData = await Dig.QueryAsync(f.Dns, $"anything.{zone}", "MX");
        Assert.Equal("NOERROR", wildNoData.Status);
        Assert.Empty(wildNoData.Answer);
    }

    [Fact]
    public async Task Cname_IsChasedInsideTheZone()
    {
        var (_, zone) = await f.ServedZoneAsync("cname",
            ("www.@", "CNAME", 60, ["web.@"]),
            ("web.@", "CNAME", 60, ["host.@"]),
            ("host.@", "A", 30, ["192.0.2.80"]),
            ("ext.@", "CNAME", 60, ["target.example.org."]));
        var r = await Dig.QueryAsync(f.Dns, $"www.{zone}");
        Assert.Equal([$"www.{zone} 60 IN CNAME web.{zone}", $"web.{zone} 60 IN CNAME host.{zone}", $"host.{zone} 30 IN A 192.0.2.80"], r.Answer);
        Assert.True(r.IsAuthoritative);
        var ext = await Dig.QueryAsync(f.Dns, $"ext.{zone}");
        Assert.Equal([$"ext.{zone} 60 IN CNAME target.example.org."], ext.Answer);
        var asked = await Dig.QueryAsync(f.Dns, $"www.{zone}", "CNAME");
        Assert.Equal([$"www.{zone} 60 IN CNAME web.{zone}"], asked.Answer);
    }

    [Fact]
    public async Task Delegation_IsReferralWithGlue_AndNoAaFlag()
    {
        var (_, zone) = await f.ServedZoneAsync("deleg",
            ("sub.@", "NS", 3600, ["ns1.sub.@", "ns.elsewhere.example."]),
            ("ns1.sub.@", "A", 3600, ["192.0.2.53"]));
        var r = await Dig.QueryAsync(f.Dns, $"host.sub.{zone}");
        Assert.Equal("NOERROR", r.Status);
        Assert.False(r.IsAuthoritative, r.Raw);
        Assert.Empty(r.Answer);
        Assert.Equal([$"sub.{zone} 3600 IN NS ns.elsewhere.example.", $"sub.{zone} 3600 IN NS ns1.sub.{zone}"], r.Authority.Order(StringComparer.Ordinal));
        Assert.Contains($"ns1.sub.{zone} 3600 IN A 192.0.2.53", r.Additional);
        var atCut = await Dig.QueryAsync(f.Dns, $"sub.{zone}", "NS");
        Assert.False(atCut.IsAuthoritative);
    }

    [Fact]
    public async Task NameOutsideEveryZone_IsRefused()
    {
        var r = await Dig.QueryAsync(f.Dns, "www.example.org");
        Assert.Equal("REFUSED", r.Status);
        Assert.False(r.IsAuthoritative);
    }

    [Fact]
    public async Task Tcp_GivesTheSameAnswerAsUdp()
    {
        var (_, zone) = await f.ServedZoneAsync("tcp", ("www.@", "TXT", 60, ["\"" + new string('x', 255) + "\" \"tail\""]));
        var udp = await Dig.QueryAsync(f.Dns, $"www.{zone}", "TXT");
        var tcp = await Dig.QueryAsync(f.Dns, $"www.{zone}", "TXT", "+tcp");
        Assert.Equal(udp.Answer, tcp.Answer);
        Assert.Equal([$"www.{zone} 60 IN TXT \"{new string('x', 255)}\" \"tail\""], tcp.Answer);
    }

    [Fact]
    public async Task Axfr_ReturnsWholeZoneBetweenSoaRecords()
    {
        var records = Enumerable.Range(0, 40).Select(i => ($"h{i}.@", "A", 300, new[] { $"192.0.2.{i}" })).ToArray();
        var (_, zone) = await f.ServedZoneAsync("axfr", [.. records, ("mail.@", "MX", 300, ["10 mx.example.net."])]);
        var result = await TestProcess.RunAsync("dig", ["-b", "127.0.0.1", $"@{f.Dns.Address}", "-p", f.Dns.Port.ToString(), "+noall", "+answer", "axfr", zone]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(';')).ToArray();
        Assert.Contains(" SOA ", lines[0].Replace('\t', ' '));
        Assert.Contains(" SOA ", lines[^1].Replace('\t', ' '));
        // SOA twice, 4 NS, 40 A, 1 MX
        Assert.Equal(2 + 4 + 40 + 1, lines.Length);
        Assert.Contains(lines, l => l.Replace('\t', ' ').Contains("h39." + zone) && l.Contains("192.0.2.39"));
    }

    [Fact]
    public async Task Axfr_ReturnsEveryRecord_WhenZoneNeedsSeveralTcpMessages()
    {
        var (id, zone) = await f.ServedZoneAsync("bigaxfr");
        string last = "";
        for (var batch = 0; batch < 6; batch++)
            last = await f.Client.ChangeAsync(id, Enumerable.Range(0, 500)
                .Select(i => ("CREATE", $"host-{batch}-{i:D4}.{zone}", "TXT", 300, new[] { $"\"{new string('v', 40)} {batch} {i}\"" })).ToArray());
        await f.InsyncAsync(last);
        var result = await TestProcess.RunAsync("dig", ["-b", "127.0.0.1", $"@{f.Dns.Address}", "-p", f.Dns.Port.ToString(), "+noall", "+answer", "axfr", zone]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(';')).ToArray();
        Assert.Equal(2 + 4 + 3000, lines.Length);
    }
}
