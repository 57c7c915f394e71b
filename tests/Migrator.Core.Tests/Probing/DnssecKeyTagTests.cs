using Migrator.Core.Probing;

namespace Migrator.Core.Tests.Probing;

public sealed class DnssecKeyTagTests
{
    [Fact]
    public void Compute_FollowsRfc4034AppendixB()
    {
        // flags 257, protocol 3, algorithm 8, key bytes 01 02 03: sum of 16-bit words 0x0101+0x0308+0x0102+0x0300 = 0x080B
        Assert.Equal((ushort)0x080B, DnssecKeyTag.Compute([0x01, 0x01, 0x03, 0x08, 0x01, 0x02, 0x03]));
        Assert.Equal((ushort)0x080B, DnssecKeyTag.FromPresentation("257 3 8 " + Convert.ToBase64String(new byte[] { 1, 2, 3 })));
    }

    [Fact]
    public void FromPresentation_IsNull_WhenMalformed() => Assert.Null(DnssecKeyTag.FromPresentation("257 3 8 !!notbase64"));
}
