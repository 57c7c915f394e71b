using Migrator.Core.Linting;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Linting;

public class Route53LinterTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");

    /// <summary>"owner ttl type data" with owner relative to example.com. ('@' for the apex); data is already canonical.</summary>
    private static ResourceRecord Rr(string line)
    {
        var parts = line.Split(' ', 4);
        return new ResourceRecord(DomainName.Parse(parts[0], Origin), RecordType.Parse(parts[2]), Ttl.Parse(parts[1]), parts[3]);
    }

    private static readonly string[] CleanZone =
    [
        "@ 3600 SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300",
        "@ 3600 NS ns1.example.com.",
        "@ 3600 NS ns2.example.net.",
        "@ 300 A 192.0.2.1",
        "@ 3600 MX 10 mail.example.com.",
        "@ 3600 TXT \"v=spf1 mx -all\"",
        "@ 3600 CAA 0 issue \"letsencrypt.org\"",
        "ns1 3600 A 192.0.2.53",
        "mail 300 A 192.0.2.25",
        "www 300 CNAME web.example.com.",
        "web 300 A 192.0.2.80",
        "web 300 AAAA 2001:db8::80",
        "*.apps 300 A 192.0.2.81",
        "_sip._tcp 3600 SRV 10 5 5060 sip.example.com.",
        "sip 300 A 192.0.2.82",
        "sub 3600 NS ns.sub.example.com.",
        "sub 3600 DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
        "ns.sub 3600 A 192.0.2.99",
        "other 3600 NS ns1.example.net.",
    ];

    public static TheoryData<string, string[]> Crafted => new()
    {
        { "R53001", ["loc 3600 LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"] },
        { "R53002", ["old 3600 DNAME new.example.com."] },
        { "R53003", ["@ 3600 RRSIG A 13 2 300 20250101000000 20240101000000 12345 example.com. AAAA"] },
        { "R53004", ["@ 300 CNAME web.example.com."] },
        { "R53005", ["web 300 CNAME elsewhere.example.net."] },
        { "R53006", ["alias 300 CNAME a.example.net.", "alias 300 CNAME b.example.net."] },
        { "R53007", [$"long 300 TXT \"{new string('x', 256)}\""] },
        { "R53008", [$"huge 300 TXT {string.Join(' ', Enumerable.Repeat($"\"{new string('y', 250)}\"", 17))}"] },
        { "R53009", [.. Enumerable.Range(0, 401).Select(i => $"many 300 A 10.0.{i / 256}.{i % 256}")] },
        { "R53010", [.. Enumerable.Range(0, 9_990).Select(i => $"h{i} 300 A 192.0.2.1")] },
        { "R53013", ["slow 86400 A 192.0.2.7"] },
        { "R53014", ["www.example.org. 300 A 192.0.2.1"] },
        { "R53015", ["foo*bar 300 A 192.0.2.1"] },
        { "R53016", ["*.wild 3600 NS ns1.example.net."] },
        { "R53017", ["child 3600 NS ns1.child.example.com."] },
        { "R53018", ["child2 3600 NS nowhere.example.com."] },
        { "R53019", ["nodeleg 3600 DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"] },
        { "R53020", ["@ 3600 SPF \"v=spf1 -all\""] },
        { "R53021", ["host.sub 300 A 192.0.2.5"] },
        { "R53022", ["@ 3600 MX 20 www.example.com."] },
        { "R53023", ["deep 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300"] },
    };

    private static LintReport LintClean(params string[] extra) => Route53Linter.Lint(Origin, CleanZone.Concat(extra).Select(Rr).ToList());

    [Fact]
    public void Lint_ReportsOnlyApexSoaAndNsInfo_WhenZoneIsClean()
    {
        var report = LintClean();

        Assert.Equal(["R53011", "R53012"], report.Findings.Select(f => f.RuleId).Order());
        Assert.All(report.Findings, f => Assert.Equal(LintSeverity.Info, f.Severity));
        Assert.False(report.HasErrors);
    }

    [Fact]
    public void Lint_ReportsNothing_WhenZoneHasNoApexSoaOrNs()
    {
        // ns1's TTL is exempt only while it is an apex name server, so it goes too.
        var records = CleanZone.Where(l => !l.StartsWith("@ 3600 SOA") && !l.StartsWith("@ 3600 NS") && !l.StartsWith("ns1 "));
        Assert.Empty(Route53Linter.Lint(Origin, records.Select(Rr).ToList()).Findings);
    }

    [Theory]
    [MemberData(nameof(Crafted))]
    public void Lint_ReportsRule_WhenZoneBreaksIt(string ruleId, string[] extra)
    {
        var report = LintClean(extra);

        var finding = Assert.Single(report.Findings, f => f.RuleId == ruleId);
        var rule = Assert.Single(Route53Linter.Rules.All, r => r.Id == ruleId);
        Assert.Equal(rule.Severity, finding.Severity);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.False(string.IsNullOrWhiteSpace(finding.SuggestedFix));
        Assert.Equal(rule.Severity == LintSeverity.Error, report.HasErrors);
    }

    [Fact]
    public void Rules_AreAllExercised_ByTheCraftedZones()
    {
        var crafted = Crafted.Select(row => (string)row[0]).Concat(["R53011", "R53012"]).Order();
        Assert.Equal(Route53Linter.Rules.All.Select(r => r.Id).Order(), crafted);
        Assert.Equal(Route53Linter.Rules.All.Count, Route53Linter.Rules.All.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Lint_NamesOwnerAndType_OfTheOffendingSet()
    {
        var f = Assert.Single(LintClean("@ 300 CNAME web.example.com.").Findings, f => f.RuleId == "R53004");
        Assert.Equal(Origin, f.Owner);
        Assert.Equal(RecordType.CNAME, f.Type);
        Assert.Contains("alias", f.SuggestedFix);
    }

    [Fact]
    public void Lint_UsesConfiguredTtlPolicy()
    {
        var records = CleanZone.Append("slow 900 A 192.0.2.7").Select(Rr).ToList();
        Assert.Contains(Route53Linter.Lint(Origin, records).Findings, f => f.RuleId == "R53013");
        Assert.DoesNotContain(Route53Linter.Lint(Origin, records, new Route53LintPolicy(MaxMigrationTtl: 3600)).Findings, f => f.RuleId == "R53013");
    }

    [Fact]
    public void Lint_AcceptsTxtWith255OctetStrings_AndCountsEscapesAsOneOctet()
    {
        var exactly = LintClean($"ok 300 TXT \"{new string('x', 255)}\" \"{new string('z', 255)}\"");
        var escaped = LintClean($"esc 300 TXT \"{string.Concat(Enumerable.Repeat("\\\"", 200))}{new string('x', 55)}\"");
        Assert.DoesNotContain(exactly.Findings, f => f.RuleId == "R53007");
        Assert.DoesNotContain(escaped.Findings, f => f.RuleId == "R53007");
    }

    // Pinned when the linter moved onto the shared character-string reader: RFC 1035 §5.1 and BIND read \DDD as one
    // octet, so 255 of them fit and 256 do not; the old counter agreed on these but also counted malformed escapes
    // (\1, \256) that BIND refuses and the reader never lets through.
    [Fact]
    public void Lint_CountsDecimalEscapesAsOneOctet_AtTheLimit()
    {
        var fits = LintClean($"fits 300 TXT \"{string.Concat(Enumerable.Repeat("\\065", 255))}\"");
        var over = LintClean($"over 300 TXT \"{string.Concat(Enumerable.Repeat("\\065", 256))}\"");
        Assert.DoesNotContain(fits.Findings, f => f.RuleId == "R53007");
        Assert.Contains("256 octets", Assert.Single(over.Findings, f => f.RuleId == "R53007").Message);
    }

    [Fact]
    public void Lint_CountsQuota_AtExactlyTheLimit()
    {
        // 16 imported sets in the clean zone + 2 of Route 53's own: 9,982 more is exactly 10,000.
        var atLimit = LintClean([.. Enumerable.Range(0, 9_982).Select(i => $"h{i} 300 A 192.0.2.1")]);
        var overLimit = LintClean([.. Enumerable.Range(0, 9_983).Select(i => $"h{i} 300 A 192.0.2.1")]);
        Assert.DoesNotContain(atLimit.Findings, f => f.RuleId == "R53010");
        Assert.Contains("10,001 record sets", Assert.Single(overLimit.Findings, f => f.RuleId == "R53010").Message);
    }

    [Fact]
    public void Lint_DoesNotFlagGlue_BelowADelegation()
    {
        Assert.DoesNotContain(LintClean().Findings, f => f.RuleId == "R53021");
    }
}
