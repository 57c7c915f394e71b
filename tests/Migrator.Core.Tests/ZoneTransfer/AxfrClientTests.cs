using Migrator.Core.Tsig;
using System.Diagnostics;
using System.Net;
using Migrator.Core.Ports;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;
using Migrator.Core.ZoneTransfer;

namespace Migrator.Core.Tests.ZoneTransfer;

public class AxfrClientTests(BindAxfrFixture bind) : IClassFixture<BindAxfrFixture>
{
    private static readonly IPAddress FakeAddress = IPAddress.Parse("127.0.1.1");

    private static TsigKey Key(string secret = BindAxfrFixture.KeySecret, string name = BindAxfrFixture.KeyName) =>
        TsigKey.TryParse($"{name}:hmac-sha256:{secret}", out var key, out var error) ? key! : throw new InvalidOperationException(error);

    private static List<string> AsLines(IEnumerable<ResourceRecord> records) =>
        records.Select(r => $"{r.Name.ToLowerString()} {r.Ttl} {r.Type} {r.Data}".TrimEnd()).ToList();

    [Fact]
    public async Task TransferAsync_ReturnsEveryRecord_WhenZoneSpansManyMessages()
    {
        var zone = DomainName.Parse("big.test.");

        var result = await AxfrClient.TransferAsync(zone, bind.Server.EndPoint, TimeProvider.System);

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = BindAxfrFixture.CompileZone("big.test", bind.Server.ZoneFilePath("big.test"));
        Assert.True(expected.Count > 10_000, $"the oracle holds only {expected.Count} records");
        Assert.Equal(expected.Order(StringComparer.Ordinal), AsLines(result.Records).Order(StringComparer.Ordinal));
        Assert.Equal(RecordType.SOA, result.Records[0].Type);
        Assert.Single(result.Records, r => r.Type == RecordType.SOA);
    }

    [Fact]
    public async Task TransferAsync_VerifiesEveryMessage_WhenAManyMessageTransferIsSigned()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("bigkeyed.test."), bind.Server.EndPoint, TimeProvider.System, Key());

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = BindAxfrFixture.CompileZone("bigkeyed.test", bind.Server.ZoneFilePath("bigkeyed.test"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), AsLines(result.Records).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task TransferAsync_RefusesTheData_WhenAnySignedMessageIsAltered(int messageIndex)
    {
        using var proxy = new TamperingProxy(FakeAddress, bind.Server.EndPoint, messageIndex);

        var result = await AxfrClient.TransferAsync(DomainName.Parse("bigkeyed.test."), proxy.EndPoint, TimeProvider.System, Key(), TimeSpan.FromSeconds(5));

        Assert.Equal(AxfrErrorKind.TsigFailed, result.Error?.Kind);
        Assert.Empty(result.Records);
        if (messageIndex > 0) Assert.Contains($"the signature of message {messageIndex + 1} does not verify", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_BigZone_IsSentInSeveralMessages()
    {
        // Guards the test above: it only proves multi-message handling if BIND really splits the transfer.
        var dig = BindServer.FindOnPath("dig") ?? throw new InvalidOperationException("dig not on PATH: install dnsutils");
        var psi = new ProcessStartInfo(dig) { RedirectStandardOutput = true };
        foreach (var a in new[] { "-b", "127.0.0.1", "-p", bind.Server.EndPoint.Port.ToString(), $"@{bind.Server.EndPoint.Address}", "big.test", "AXFR", "+nocmd", "+nostats" })
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("+stats");
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var match = System.Text.RegularExpressions.Regex.Match(output, @"XFR size: (\d+) records \(messages (\d+)");
        Assert.True(match.Success, output[^Math.Min(500, output.Length)..]);
        Assert.True(int.Parse(match.Groups[2].Value) > 10, $"only {match.Groups[2].Value} messages");
    }

    [Fact]
    public async Task TransferAsync_ReturnsTheZoneAsBindPrintsIt_WhenZoneIsSmall()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("example.test."), bind.Server.EndPoint, TimeProvider.System);

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = BindAxfrFixture.CompileZone("example.test", bind.Server.ZoneFilePath("example.test"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), AsLines(result.Records).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("types.test")]
    [InlineData("dnssec.test")]
    public async Task TransferAsync_PrintsEveryTypeAsTheWriterDoes(string zone)
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse(zone), bind.Server.EndPoint, TimeProvider.System);

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = BindAxfrFixture.CompileZone(zone, bind.Server.ZoneFilePath(zone));
        Assert.Equal(expected.Order(StringComparer.Ordinal), AsLines(result.Records).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TransferAsync_ReturnsTheRecordsTheZoneReaderReads_WhenZoneIsBig()
    {
        var zone = DomainName.Parse("big.test.");
        var fromFile = ZoneFileReader.Read(bind.Server.ZoneFilePath("big.test"), zone);
        Assert.True(fromFile.Succeeded);

        var result = await AxfrClient.TransferAsync(zone, bind.Server.EndPoint, TimeProvider.System);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(fromFile.Records.Select(ZoneFileWriter.Format).Order(StringComparer.Ordinal),
            result.Records.Select(ZoneFileWriter.Format).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TransferAsync_ReportsRefused_WhenTransfersAreNotAllowed()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("closed.test."), bind.Server.EndPoint, TimeProvider.System);

        Assert.Equal(AxfrErrorKind.Refused, result.Error?.Kind);
        Assert.Contains("AXFR of closed.test. from 127.0.1.1:", result.Error!.Message);
        Assert.Contains("refused (REFUSED)", result.Error.Message);
        Assert.Empty(result.Records);
    }

    [Fact]
    public async Task TransferAsync_ReportsRefusedWithTsigHint_WhenZoneRequiresAKey()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("keyed.test."), bind.Server.EndPoint, TimeProvider.System);

        Assert.Equal(AxfrErrorKind.Refused, result.Error?.Kind);
        Assert.Contains("--tsig", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_ReturnsTheZone_WhenTheTsigKeyIsRight()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("keyed.test."), bind.Server.EndPoint, TimeProvider.System, Key());

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = BindAxfrFixture.CompileZone("keyed.test", bind.Server.ZoneFilePath("keyed.test"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), AsLines(result.Records).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TransferAsync_ReportsBadSignature_WhenTheSecretIsWrong()
    {
        const string wrong = "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZw==";

        var result = await AxfrClient.TransferAsync(DomainName.Parse("keyed.test."), bind.Server.EndPoint, TimeProvider.System, Key(wrong));

        Assert.Equal(AxfrErrorKind.TsigFailed, result.Error?.Kind);
        Assert.Contains("BADSIG", result.Error!.Message);
        Assert.DoesNotContain(wrong, result.Error.Message);
        Assert.DoesNotContain(BindAxfrFixture.KeySecret, result.Error.Message);
    }

    [Fact]
    public async Task TransferAsync_ReportsBadKey_WhenTheServerDoesNotKnowTheKey()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("keyed.test."), bind.Server.EndPoint, TimeProvider.System, Key(name: "other-key"));

        Assert.Equal(AxfrErrorKind.TsigFailed, result.Error?.Kind);
        Assert.Contains("does not know key other-key.", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_ReportsNotAuth_WhenTheServerDoesNotServeTheZone()
    {
        var result = await AxfrClient.TransferAsync(DomainName.Parse("elsewhere.test."), bind.Server.EndPoint, TimeProvider.System);

        Assert.Equal(AxfrErrorKind.NotAuthoritative, result.Error?.Kind);
        Assert.Contains("NOTAUTH", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_ReportsConnectionRefused_WhenNothingListens()
    {
        var port = BindServer.FreePort(FakeAddress);

        var result = await AxfrClient.TransferAsync(DomainName.Parse("example.test."), new IPEndPoint(FakeAddress, port), TimeProvider.System, timeout: TimeSpan.FromSeconds(2));

        Assert.Equal(AxfrErrorKind.ConnectionRefused, result.Error?.Kind);
        Assert.Contains($"nothing listens on TCP port {port}", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_ReportsTimeout_WhenTheServerNeverAnswers()
    {
        using var blackHole = new FakeAxfrServer(FakeAddress, answers: null);
        var clock = Stopwatch.StartNew();

        var result = await AxfrClient.TransferAsync(DomainName.Parse("example.test."), blackHole.EndPoint, TimeProvider.System, timeout: TimeSpan.FromSeconds(1));

        Assert.Equal(AxfrErrorKind.Timeout, result.Error?.Kind);
        Assert.Contains("timed out", result.Error!.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task TransferAsync_ReportsMalformed_WhenTheTransferDoesNotBeginWithSoa()
    {
        using var fake = new FakeAxfrServer(FakeAddress,
            [FakeAxfrServer.A("www.example.test", 192, 0, 2, 1), FakeAxfrServer.Soa("example.test")]);

        var result = await AxfrClient.TransferAsync(DomainName.Parse("example.test."), fake.EndPoint, TimeProvider.System, timeout: TimeSpan.FromSeconds(2));

        Assert.Equal(AxfrErrorKind.MalformedTransfer, result.Error?.Kind);
        Assert.Contains("the first record is A, not the zone's SOA", result.Error!.Message);
    }

    [Fact]
    public async Task TransferAsync_ReportsMalformed_WhenTheTransferStopsBeforeTheClosingSoa()
    {
        using var fake = new FakeAxfrServer(FakeAddress,
            [FakeAxfrServer.Soa("example.test"), FakeAxfrServer.A("www.example.test", 192, 0, 2, 1)]);

        var result = await AxfrClient.TransferAsync(DomainName.Parse("example.test."), fake.EndPoint, TimeProvider.System, timeout: TimeSpan.FromSeconds(3));

        Assert.Equal(AxfrErrorKind.MalformedTransfer, result.Error?.Kind);
        Assert.Contains("before the closing SOA", result.Error!.Message);
    }

    [Fact]
    public async Task ReadAsync_ReturnsDiagnostic_WhenTheTransferFails()
    {
        IZoneSource source = new AxfrZoneSource(bind.Server.EndPoint, TimeProvider.System);

        var result = await source.ReadAsync(DomainName.Parse("closed.test."), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("REFUSED", Assert.Single(result.Diagnostics).Message);
        Assert.StartsWith("AXFR from 127.0.1.1:", source.Description);
    }

    [Fact]
    public async Task ReadAsync_ReturnsRecords_WhenTheTransferSucceeds()
    {
        var source = new AxfrZoneSource(bind.Server.EndPoint, TimeProvider.System, Key());

        var result = await source.ReadAsync(DomainName.Parse("keyed.test."), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(BindAxfrFixture.CompileZone("keyed.test", bind.Server.ZoneFilePath("keyed.test")).Count, result.Records.Count);
        Assert.DoesNotContain(BindAxfrFixture.KeySecret, source.Description);
    }
}
