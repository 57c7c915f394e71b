using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

public sealed class DnsWireTests
{
    // response to "example.com. MX": QR+AA, one answer MX 10 mail.example.com. with the exchange compressed
    private static readonly byte[] MxResponse =
    [
        0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0,
        7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 15, 0, 1,
        0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, 9, 0, 10, 4, (byte)'m', (byte)'a', (byte)'i', (byte)'l', 0xC0, 12,
    ];

    [Fact]
    public void TryParse_DecompressesNamesInsideRdata()
    {
        Assert.True(DnsWire.TryParse(MxResponse, out var p));
        Assert.Equal(0x1234, p.Id);
        Assert.True(p.Authoritative);
        Assert.Equal(0, p.Rcode);
        Assert.Equal(DomainName.Parse("example.com."), p.QuestionName);
        var mx = Assert.Single(p.Answers);
        Assert.Equal(RecordType.MX, mx.Type);
        Assert.Equal(3600u, mx.Ttl.Seconds);
        Assert.Equal("10 mail.example.com.", mx.Data);
    }

    [Fact]
    public void TryParse_Fails_WhenMessageIsTruncatedOrPointerLoops()
    {
        Assert.False(DnsWire.TryParse(MxResponse.AsSpan(0, MxResponse.Length - 3), out _));
        var loop = (byte[])MxResponse.Clone();
        loop[29] = 0xC0; loop[30] = 29; // answer owner points at itself
        Assert.False(DnsWire.TryParse(loop, out _));
        Assert.False(DnsWire.TryParse(new byte[5], out _));
    }

    [Fact]
    public void BuildQuery_WritesQuestionAndEdns_ThatParseBack()
    {
        var q = DnsWire.BuildQuery(0xBEEF, DomainName.Parse("www.example.com."), RecordType.AAAA, recursion: false, ednsSize: 1232);
        q[2] |= 0x80; // pretend it is a response to reuse the parser
        Assert.True(DnsWire.TryParse(q, out var p));
        Assert.Equal(0xBEEF, p.Id);
        Assert.Equal(DomainName.Parse("www.example.com."), p.QuestionName);
        Assert.Equal(RecordType.AAAA, p.QuestionType);
        Assert.Empty(p.Additionals); // the OPT pseudo-record is not a record
        Assert.Equal(0, q[2] & 0x01); // RD off
    }
}
