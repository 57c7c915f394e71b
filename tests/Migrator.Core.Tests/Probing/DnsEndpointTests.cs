using System.Net;
using Migrator.Core.Probing;

namespace Migrator.Core.Tests.Probing;

public sealed class DnsEndpointTests
{
    [Theory]
    [InlineData("127.0.4.1", "127.0.4.1", 53)]
    [InlineData("127.0.4.1:5353", "127.0.4.1", 5353)]
    [InlineData("[::1]:5353", "::1", 5353)]
    [InlineData("::1", "::1", 53)]
    public void TryParse_ReadsAddressAndPort(string text, string ip, int port)
    {
        Assert.True(DnsEndpoint.TryParse(text, out var e));
        Assert.Equal(IPAddress.Parse(ip), e.Address);
        Assert.Equal(port, e.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ns1.example.com")]
    [InlineData("127.0.0.1:70000")]
    public void TryParse_Fails_WhenNotIpAndPort(string text) => Assert.False(DnsEndpoint.TryParse(text, out _));

    [Fact]
    public void ToString_OmitsDefaultPort()
    {
        Assert.Equal("127.0.0.1", new DnsEndpoint(IPAddress.Loopback).ToString());
        Assert.Equal("127.0.0.1:5353", new DnsEndpoint(IPAddress.Loopback, 5353).ToString());
    }
}
