using System.Net;
using Migrator.Core.Tests.ZoneTransfer;

namespace Migrator.Cli.Tests;

/// <summary>A named on 127.0.1.2 serving the print tests' good.zone openly, with a key, and closed.</summary>
public sealed class CliBindFixture : IDisposable
{
    public const string KeySecret = "Y2xpLXRlc3QtdHNpZy1zZWNyZXQtMDEyMzQ1Njc4OWFi"; // test-only

    public BindServer Server { get; }

    public CliBindFixture()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "good.zone"));
        Server = BindServer.Start(IPAddress.Parse("127.0.1.2"),
        [
            new BindZone("example.com", text),
            new BindZone("keyed.example", text, "key \"cli-key\";"),
            new BindZone("closed.example", text, "none;"),
        ], $$"""key "cli-key" { algorithm hmac-sha256; secret "{{KeySecret}}"; };""");
    }

    public string Address => $"{Server.EndPoint.Address}:{Server.EndPoint.Port}";

    public void Dispose() => Server.Dispose();
}

public class ZoneAxfrCommandTests(CliBindFixture bind) : IClassFixture<CliBindFixture>
{
    private static (int Code, string Stdout, string Stderr) Migrator(params string[] args) => MigratorProcess.Run(args);

    [Fact]
    public void ZoneAxfr_PrintsTheZoneAsZonePrintDoes()
    {
        var (code, stdout, stderr) = Migrator("zone", "axfr", "example.com", "--server", bind.Address);
        var print = Migrator("zone", "print", "good.zone", "--origin", "example.com");

        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Equal(Lines(print.Stdout), Lines(stdout));
        Assert.Contains("www.example.com. 300 IN A 192.0.2.2\n", stdout);
    }

    [Fact]
    public void ZoneAxfr_ReturnsTheZone_WhenTheTsigKeyIsRight()
    {
        var (code, stdout, stderr) = Migrator("zone", "axfr", "keyed.example", "--server", bind.Address, "--tsig", $"cli-key:hmac-sha256:{CliBindFixture.KeySecret}");

        Assert.True(code == 0, stderr);
        Assert.StartsWith("keyed.example. 3600 IN SOA ", stdout);
        Assert.DoesNotContain(CliBindFixture.KeySecret, stdout + stderr);
    }

    [Fact]
    public void ZoneAxfr_ExitsOneWithoutPrintingTheSecret_WhenTheKeyIsWrong()
    {
        const string wrong = "d3JvbmctY2xpLXNlY3JldC13cm9uZy1jbGktc2VjcmV0";

        var (code, stdout, stderr) = Migrator("zone", "axfr", "keyed.example", "--server", bind.Address, "--tsig", $"cli-key:hmac-sha256:{wrong}");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("BADSIG", stderr);
        Assert.DoesNotContain(wrong, stderr);
    }

    [Fact]
    public void ZoneAxfr_ExitsOneWithTheReason_WhenRefused()
    {
        var (code, stdout, stderr) = Migrator("zone", "axfr", "closed.example", "--server", bind.Address);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"migrator: AXFR of closed.example. from {bind.Address} was refused (REFUSED): the server does not allow transfers of this zone to this address; if it requires a TSIG key, pass --tsig NAME:ALG:SECRET.\n", stderr);
    }

    [Fact]
    public void ZoneAxfr_ExitsOne_WhenNothingListens()
    {
        var port = BindServer.FreePort(IPAddress.Parse("127.0.1.2"));

        var (code, _, stderr) = Migrator("zone", "axfr", "example.com", "--server", $"127.0.1.2:{port}", "--timeout", "2");

        Assert.Equal(1, code);
        Assert.Contains($"connection refused: nothing listens on TCP port {port} of 127.0.1.2", stderr);
    }

    [Fact]
    public void ZoneAxfr_ExitsUsageWithoutEchoingTheSecret_WhenTheKeyIsMalformed()
    {
        var (code, _, stderr) = Migrator("zone", "axfr", "example.com", "--server", bind.Address, "--tsig", "cli-key:hmac-sha256:not*base64*secret");

        Assert.Equal(64, code);
        Assert.Contains("bad --tsig: the secret of TSIG key cli-key. is not valid base64", stderr);
        Assert.DoesNotContain("not*base64*secret", stderr);
    }

    [Fact]
    public void ZoneAxfr_ExitsUsage_WhenTheServerIsNotAnAddress()
    {
        var (code, _, stderr) = Migrator("zone", "axfr", "example.com", "--server", "ns1.example.com");
        Assert.Equal(64, code);
        Assert.Contains("bad --server", stderr);
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
}
