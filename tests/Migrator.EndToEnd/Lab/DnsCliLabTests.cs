using System.Text.Json;

namespace Migrator.EndToEnd.Lab;

public sealed class DnsCliLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Fact]
    public async Task Delegation_ExitsZeroAndPrintsBothViews_WhenDelegationIsHealthy()
    {
        var r = await CliRunner.RunAsync("dns", "delegation", "example.lab", "--hints", _lab.RootIp.ToString());

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("parent NS (TTL 86400): ns1.old-dns.lab. ns2.old-dns.lab.", r.Stdout);
        Assert.Contains("child NS (TTL 15): ns1.old-dns.lab. ns2.old-dns.lab.", r.Stdout);
        Assert.Contains("serial 2024010101", r.Stdout);
        Assert.Contains("healthy: no findings", r.Stdout);
    }

    [Fact]
    public async Task Delegation_PrintsJson_WhenAsked()
    {
        var r = await CliRunner.RunAsync("dns", "delegation", "example.lab.", "--hints", $"{_lab.RootIp}:53", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("example.lab.", doc.RootElement.GetProperty("zone").GetString());
        Assert.Equal(86400, doc.RootElement.GetProperty("parentNsTtl").GetInt32());
        Assert.True(doc.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("servers").GetArrayLength());
    }

    [Fact]
    public async Task Parity_ExitsOneAndListsOnlyTheDifferingName_WhenNewDiffers()
    {
        var r = await CliRunner.RunAsync("dns", "parity", "example.lab", "--zone-file", _lab.OldZoneFile,
            "--old", _lab.OldIp.ToString(), "--new", _lab.NewIp.ToString());

        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var differ = Assert.Single(lines, l => l.StartsWith("DIFFER", StringComparison.Ordinal));
        Assert.Contains("www.example.lab. A  old: [203.0.113.10]  new: [198.51.100.10]", differ);
        Assert.DoesNotContain(lines, l => l.StartsWith("MISSING", StringComparison.Ordinal) || l.StartsWith("ERROR", StringComparison.Ordinal));
        Assert.Matches(@"\d+ RRsets: \d+ match, 1 differ, 0 missing, 0 errors", lines[^1]);
    }

    [Fact]
    public async Task Parity_ExitsZero_WhenBothSidesServeTheSameZone()
    {
        var r = await CliRunner.RunAsync("dns", "parity", "example.lab", "--zone-file", _lab.OldZoneFile,
            "--old", _lab.OldIp.ToString(), "--new", $"{_lab.OldIp}:53", "--json");

        Assert.True(r.ExitCode == 0, r.ToString().Length > 3000 ? r.ToString()[..3000] : r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("allMatch").GetBoolean());
        // every RRset of the file but the apex SOA, apex NS and the canary
        Assert.Equal(LabZone.RecordSets(_lab.OldZoneFile, DnsLab.Zone).Count - 3, doc.RootElement.GetProperty("checked").GetInt32());
    }

    [Fact]
    public async Task Parity_ExitsTwoWithPosition_WhenZoneFileHasASyntaxError()
    {
        var bad = Path.Combine(_lab.Directory, "bad.zone");
        await File.WriteAllTextAsync(bad, "$TTL 60\n@ IN SOA ns. h. 1 2 3 4 5\nwww IN A 999.1.1.1\n");

        var r = await CliRunner.RunAsync("dns", "parity", "example.lab", "--zone-file", bad, "--old", _lab.OldIp.ToString(), "--new", _lab.NewIp.ToString());

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"{bad}:3:", r.Stderr);
    }

    [Fact]
    public async Task Watch_PrintsOneLinePerIntervalWithMeasuredAndExpectedShares()
    {
        var r = await CliRunner.RunAsync("dns", "watch", "example.lab", "--resolver", _lab.ResolverIp.ToString(),
            "--interval", "1", "--duration", "2", "--ttl", "2");

        Assert.True(r.ExitCode == 0, r.ToString());
        var rounds = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("t=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rounds.Count);
        // the delegation still points at the old provider: every round measures 0% new, while the model climbs
        Assert.All(rounds, l => Assert.Contains("new=  0.0%", l));
        Assert.All(rounds, l => Assert.Contains("old=1 new=0 unknown=0 error=0", l));
        // expected = 1 − 0.5^(t/TTL) at the printed t, rising round by round
        var expected = rounds.Select(l =>
        {
            var m = System.Text.RegularExpressions.Regex.Match(l, @"^t=\s*([\d.]+)s .* expected=\s*([\d.]+)%");
            Assert.True(m.Success, l);
            var t = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var e = double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(e, 100 * (1 - Math.Pow(0.5, (t - 0.05) / 2)) - 0.1, 100 * (1 - Math.Pow(0.5, (t + 0.05) / 2)) + 0.1);
            return e;
        }).ToList();
        Assert.True(expected[0] < expected[1] && expected[1] < expected[2], string.Join(", ", expected));
    }

    [Fact]
    public async Task Delegation_ExitsUsage_WhenHintIsNotAnAddress()
    {
        var r = await CliRunner.RunAsync("dns", "delegation", "example.lab", "--hints", "a.root-servers.net");
        Assert.True(r.ExitCode == 64, r.ToString());
        Assert.Contains("is not IP[:PORT]", r.Stderr);
    }
}

public sealed class DnsCliLameLabTests(LameLabFixture fixture) : IClassFixture<LameLabFixture>
{
    [Fact]
    public async Task Delegation_ExitsOneAndListsFindings_WhenAServerIsLame()
    {
        var r = await CliRunner.RunAsync("dns", "delegation", "example.lab", "--hints", fixture.Lab.RootIp.ToString());

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("DELEG01 ERROR: lame server ns1.lame-dns.lab.", r.Stdout);
        Assert.Contains("DELEG02 WARNING: NS sets differ between parent and child", r.Stdout);
    }
}
