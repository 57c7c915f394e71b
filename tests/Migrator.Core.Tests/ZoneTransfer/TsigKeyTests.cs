using Migrator.Core.Tsig;
using Migrator.Core.ZoneTransfer;

namespace Migrator.Core.Tests.ZoneTransfer;

public class TsigKeyTests
{
    [Fact]
    public void TryParse_ReadsNameAlgorithmAndSecret()
    {
        Assert.True(TsigKey.TryParse("xfer:HMAC-SHA256:c2VjcmV0", out var key, out _));
        Assert.Equal("xfer.", key!.Name.ToString());
        Assert.Equal("hmac-sha256", key.Algorithm);
    }

    [Fact]
    public void ToString_HidesTheSecret()
    {
        Assert.True(TsigKey.TryParse("xfer:hmac-sha256:c2VjcmV0", out var key, out _));
        Assert.Equal("TSIG key xfer. (hmac-sha256)", key!.ToString());
    }

    [Theory]
    [InlineData("xfer:hmac-sha256", "NAME:ALGORITHM:SECRET")]
    [InlineData("xfer:hmac-foo:c2VjcmV0", "unknown TSIG algorithm 'hmac-foo'")]
    [InlineData("xfer:hmac-sha256:not*base64", "is not valid base64")]
    public void TryParse_Fails_WhenTextIsInvalid(string text, string expected)
    {
        Assert.False(TsigKey.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.DoesNotContain("not*base64", error);
    }
}
