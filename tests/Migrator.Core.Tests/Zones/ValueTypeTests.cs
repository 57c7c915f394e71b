using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Tests.Zones;

public class DomainNameTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");

    [Theory]
    [InlineData("www", "www.example.com.")]
    [InlineData("@", "example.com.")]
    [InlineData("a.b.", "a.b.")]
    [InlineData(".", ".")]
    [InlineData("a\\.b", "a\\.b.example.com.")]
    [InlineData("\\065b", "Ab.example.com.")]
    [InlineData("sp\\ ace", "sp\\032ace.example.com.")]
    [InlineData("x\\;\\@\\$\\(\\)\\\"\\\\", "x\\;\\@\\$\\(\\)\\\"\\\\.example.com.")]
    [InlineData("\\255\\000", "\\255\\000.example.com.")]
    [InlineData("caf\u00e9", "caf\\195\\169.example.com.")]
    public void Parse_FormatsAsBindPrints_WhenEscaped(string text, string expected) =>
        Assert.Equal(expected, DomainName.Parse(text, Origin).ToString());

    [Theory]
    [InlineData("a..b")]
    [InlineData("..")]
    [InlineData("\\256")]
    [InlineData("\\12")]
    [InlineData("a\\")]
    [InlineData("\\[x]")]
    [InlineData("a b")]
    public void TryParse_Fails_WhenTextIsInvalid(string text) =>
        Assert.False(DomainName.TryParse(text, Origin, out _, out var error) && error == "");

    [Fact]
    public void TryParse_EnforcesLabelAndNameLimits()
    {
        Assert.True(DomainName.TryParse(new string('a', 63) + ".", null, out _, out _));
        Assert.False(DomainName.TryParse(new string('a', 64) + ".", null, out _, out _));
        var label = new string('a', 63);
        var name253 = $"{label}.{label}.{label}.{new string('a', 61)}."; // wire 255
        Assert.True(DomainName.TryParse(name253, null, out var max, out _));
        Assert.Equal(255, max.WireLength);
        Assert.False(DomainName.TryParse("b" + name253, null, out _, out _));
        // An escaped octet counts as one octet.
        Assert.True(DomainName.TryParse(string.Concat(Enumerable.Repeat("\\065", 63)) + ".", null, out _, out _));
    }

    [Fact]
    public void Equals_IgnoresAsciiCase_ButKeepsSpelling()
    {
        var a = DomainName.Parse("WWW.Example.COM.");
        var b = DomainName.Parse("www.example.com.");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("WWW.Example.COM.", a.ToString());
        Assert.NotEqual(DomainName.Parse("\\200.com."), DomainName.Parse("\\232.com.")); // no case folding above ASCII
    }

    [Fact]
    public void CompareTo_FollowsRfc4034CanonicalOrder()
    {
        // RFC 4034 §6.1 example, in order.
        string[] ordered = ["example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."];
        var names = ordered.Select(n => DomainName.Parse(n)).ToList();
        var shuffled = names.OrderBy(n => n.ToString().GetHashCode()).ToList();
        shuffled.Sort();
        Assert.Equal(ordered, shuffled.Select(n => n.ToString()));
    }

    [Fact]
    public void IsSubdomainOf_ComparesWholeLabels()
    {
        Assert.True(DomainName.Parse("a.example.com.").IsSubdomainOf(Origin));
        Assert.True(Origin.IsSubdomainOf(Origin));
        Assert.False(DomainName.Parse("badexample.com.").IsSubdomainOf(Origin));
    }
}

public class TtlTests
{
    [Theory]
    [InlineData("0", 0u)]
    [InlineData("1h30m", 5400u)]
    [InlineData("2w", 1209600u)]
    [InlineData("1W2D3H4M5S", 788645u)]
    [InlineData("10", 10u)]
    [InlineData("1h5", 3605u)]
    [InlineData("2147483647", 2147483647u)]
    public void TryParse_ReadsBindUnits(string text, uint seconds)
    {
        Assert.True(Ttl.TryParse(text, out var ttl, out var error), error);
        Assert.Equal(seconds, ttl.Seconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("1x")]
    [InlineData("-1")]
    [InlineData("2147483648")]
    [InlineData("99999999999")]
    public void TryParse_Fails_WhenInvalidOrTooLarge(string text) => Assert.False(Ttl.TryParse(text, out _, out _));
}

public class RecordTypeTests
{
    [Theory]
    [InlineData("a", 1)]
    [InlineData("TYPE1", 1)]
    [InlineData("type65534", 65534)]
    [InlineData("HTTPS", 65)]
    [InlineData("caa", 257)]
    public void TryParse_ReadsNamesAndGenericForm(string text, int code)
    {
        Assert.True(RecordType.TryParse(text, out var t));
        Assert.Equal(code, t.Code);
    }

    [Fact]
    public void ToString_UsesMnemonicOrTypeNnn()
    {
        Assert.Equal("TYPE65534", new RecordType(65534).ToString());
        Assert.Equal("SVCB", new RecordType(64).ToString());
        Assert.False(RecordType.TryParse("TYPE65536", out _));
        Assert.False(RecordType.TryParse("FOO", out _));
    }
}

public class RdataFormatTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");

    [Theory]
    [InlineData("A", "\\# 4 C0000201", "192.0.2.1")]
    [InlineData("MX", "10 Mail", "10 Mail.example.com.")]
    [InlineData("TXT", "a \"b c\" \"\\065\"", "\"a\" \"b c\" \"A\"")]
    [InlineData("AAAA", "2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("AAAA", "::ffff:c000:0201", "::ffff:192.0.2.1")]
    [InlineData("CAA", "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\"")]
    [InlineData("TYPE65534", "\\# 2 abcd", "\\# 2 ABCD")]
    [InlineData("HTTPS", "1 . port=443 alpn=h2", "1 . alpn=\"h2\" port=443")]
    [InlineData("SOA", "ns1 host 1 1h 1m 1w 1d", "ns1.example.com. host.example.com. 1 3600 60 604800 86400")]
    [InlineData("LOC", "52 N 4 E 2 1.5", "52 0 0.000 N 4 0 0.000 E 2.00m 1m 10000m 10m")]
    [InlineData("NSEC", "host CAA A", "host.example.com. A CAA")]
    [InlineData("RRSIG", "A 8 2 300 1706745600 1704067200 1 . AAAA", "A 8 2 300 20240201000000 20240101000000 1 . AAAA")]
    public void TryCanonicalize_PrintsAsBind(string type, string presentation, string expected)
    {
        Assert.True(RdataFormat.TryCanonicalize(RecordType.Parse(type), presentation, Origin, out var canonical, out var error), error);
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("A", "1.2.3")]
    [InlineData("A", "01.2.3.4")]
    [InlineData("MX", "10")]
    [InlineData("TYPE65534", "00")]
    [InlineData("TYPE65534", "\\# 3 0102")]
    [InlineData("DS", "1 8 2 AB")]
    [InlineData("APL", "3:192.168.32.0/21")]   // BIND: only families 1 and 2 are implemented
    [InlineData("APL", "1:192.168.32.0/33")]
    [InlineData("IPSECKEY", "10 4 2 . AQNR")]     // gateway type above 3
    [InlineData("IPSECKEY", "10 0 2 gw AQNR")]    // type 0 takes "." only
    [InlineData("IPSECKEY", "10 3 0 gw")]         // BIND requires the key
    [InlineData("HIP", "2 XYZ AwEA")]
    [InlineData("LOC", "91 N 0 E 0m")]
    [InlineData("NSEC", "next. FOO")]
    public void TryCanonicalize_Fails_WhenDataIsInvalidOrUnsupported(string type, string presentation) =>
        Assert.False(RdataFormat.TryCanonicalize(RecordType.Parse(type), presentation, Origin, out _, out _));

    [Fact]
    public void CanonicalOrSelf_GivesOneFormForADs_HoweverItsDigestIsPrinted()
    {
        // Route 53's GetDNSSEC prints the digest in one upper-case run; BIND and dig split it into groups.
        const string Route53 = "2371 13 2 1F987CC6583E92DF0890718C42D8D8B8B6B3F9C5F0A0C9D2E4B7A1C3D5E7F901";
        const string Dig = "2371 13 2 1f987cc6583e92df0890718c42d8d8b8b6b3f9c5 f0a0c9d2e4b7a1c3d5e7f901";
        Assert.Equal(RdataFormat.CanonicalOrSelf(RecordType.DS, Route53), RdataFormat.CanonicalOrSelf(RecordType.DS, Dig));
        Assert.NotEqual(RdataFormat.CanonicalOrSelf(RecordType.DS, Route53), RdataFormat.CanonicalOrSelf(RecordType.DS, Route53.Replace("2371", "2372")));
        Assert.Equal("2371 13 2 not-hex", RdataFormat.CanonicalOrSelf(RecordType.DS, " 2371  13 2\tnot-hex "));
    }

    [Theory]
    [InlineData("SRV", "0 5 5060 sip.example.com.")]
    [InlineData("TXT", "\"x\\\"y\" \"\\200\"")]
    [InlineData("DNSKEY", "257 3 13 oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8 KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA==")]
    [InlineData("SVCB", "1 . mandatory=alpn alpn=\"h2,h3\" ipv6hint=2001:db8::1")]
    [InlineData("LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m")]
    [InlineData("NSEC3", "1 0 12 AABB 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A NS TYPE65534")]
    [InlineData("RRSIG", "A 13 3 300 20240201000000 20240101000000 1 Example.com. AAAA")]
    [InlineData("APL", "1:192.168.32.0/21 !1:192.168.38.0/28 2:2001:db8::/32 1:0.0.0.0/0")]
    [InlineData("APL", "")]
    [InlineData("IPSECKEY", "10 3 2 gw.example.com. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==")]
    [InlineData("IPSECKEY", "10 2 2 2001:db8:0:8002::2000:1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==")]
    [InlineData("HIP", "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9 rvs1.example.com. rvs2.example.com.")]
    public void FromWire_InvertsToWire(string type, string canonical)
    {
        var t = RecordType.Parse(type);
        var wire = RdataFormat.ToWire(t, canonical, Origin);
        Assert.Equal(canonical, RdataFormat.FromWire(t, wire));
    }
}
