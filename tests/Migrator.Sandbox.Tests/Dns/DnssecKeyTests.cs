using Migrator.Sandbox.Dns;

namespace Migrator.Sandbox.Tests.Dns;

/// <summary>
/// Keys the emulator and the world draw. About one key in 90 that ARSoft 3.6.1 makes is malformed (22 of 2,000
/// measured: 64 bytes, but no point on P-256; "Point not on curve" when verifying, bogus at a validator). CI drew one.
/// </summary>
public sealed class DnssecKeyTests
{
    [Fact]
    public void Create_GivesOnlyKeysWhosePublicPointIsOnP256_WhenManyAreDrawn()
    {
        // 400 draws meet a malformed key from ARSoft with probability 1 - (1 - 22/2000)^400 ≈ 99%, so without the check this fails
        for (var i = 0; i < 400; i++)
        {
            var key = DnssecKey.Create(keySigning: i % 2 == 0);
            var publicKey = Convert.FromBase64String(key.PublicKey);
            Assert.True(DnssecKey.IsPointOnP256(publicKey), $"draw {i}: {publicKey.Length}-byte public key {key.PublicKey} is not a point on P-256");
        }
    }

    [Fact]
    public void IsPointOnP256_RefusesAShortenedOrAlteredKey_WhenAGoodOneIsAccepted()
    {
        var good = Convert.FromBase64String(DnssecKey.Create(keySigning: true).PublicKey);
        Assert.True(DnssecKey.IsPointOnP256(good));
        Assert.False(DnssecKey.IsPointOnP256(good[1..])); // not 2 × 32 bytes
        var altered = (byte[])good.Clone();
        altered[^1] ^= 1; // y no longer matches x
        Assert.False(DnssecKey.IsPointOnP256(altered));
        Assert.False(DnssecKey.IsPointOnP256(Enumerable.Repeat((byte)0xFF, 64).ToArray())); // coordinates beyond the field
    }
}
