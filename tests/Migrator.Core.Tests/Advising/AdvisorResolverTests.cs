using Migrator.Core.Advising;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Advising;

/// <summary>The advisor's lookups outside the zone: SPF includes counted through, DMARC report authorisations.</summary>
public class AdvisorResolverTests
{
    private static readonly DomainName Origin = AdvisorCorpusTests.Origin;

    private sealed class FakeResolver(Dictionary<string, string[]?> answers) : IAdviceResolver
    {
        public List<string> Asked { get; } = [];

        public Task<IReadOnlyList<string>?> TxtAsync(DomainName name, CancellationToken ct)
        {
            Asked.Add(name.ToLowerString());
            return Task.FromResult<IReadOnlyList<string>?>(answers.TryGetValue(name.ToLowerString(), out var a) ? a : []);
        }
    }

    private static List<ResourceRecord> Clean(params (string Name, RecordType Type, string Data)[] replace)
    {
        var records = AdvisorCorpusTests.Read("clean.zone").ToList();
        foreach (var (name, type, data) in replace)
        {
            var owner = DomainName.Parse(name, Origin);
            records.RemoveAll(r => r.Name.Equals(owner) && r.Type == type);
            records.Add(new ResourceRecord(owner, type, new Ttl(3600), data));
        }
        return records;
    }

    [Fact]
    public async Task AdviseAsync_CountsLookupsThroughExternalIncludes_WhenTheResolverAnswers()
    {
        var records = Clean(("@", RecordType.TXT, "\"v=spf1 include:_spf.mailhost.test -all\""));
        var resolver = new FakeResolver(new()
        {
            ["_spf.mailhost.test."] = ["v=spf1 include:a.mailhost.test include:b.mailhost.test -all"],
            ["a.mailhost.test."] = ["v=spf1 a mx ptr:x.mailhost.test exists:y.mailhost.test -all"],
            ["b.mailhost.test."] = ["v=spf1 a:1.mailhost.test a:2.mailhost.test a:3.mailhost.test a:4.mailhost.test -all"],
        });

        var report = await SecurityRecordsAdvisor.AdviseAsync(Origin, records, new AdvisorOptions(Resolver: resolver), CancellationToken.None);

        var finding = Assert.Single(report.Findings, f => f.RuleId == "SEC003");
        Assert.Contains("takes 11 DNS-querying terms (", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "SEC009");
        Assert.Contains("b.mailhost.test.", resolver.Asked);
    }

    [Fact]
    public async Task AdviseAsync_StaysWithinTheLimit_WhenResolvedIncludesAreFew()
    {
        var records = Clean(("@", RecordType.TXT, "\"v=spf1 include:_spf.mailhost.test -all\""));
        var resolver = new FakeResolver(new() { ["_spf.mailhost.test."] = ["v=spf1 ip4:203.0.113.0/24 include:a.mailhost.test -all"], ["a.mailhost.test."] = ["v=spf1 a -all"] });

        var report = await SecurityRecordsAdvisor.AdviseAsync(Origin, records, new AdvisorOptions(Resolver: resolver), CancellationToken.None);

        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task AdviseAsync_ReportsUnauthorisedDestination_WhenTheVendorPublishesNoAuthorisation()
    {
        var records = Clean(("_dmarc", RecordType.TXT, "\"v=DMARC1; p=reject; rua=mailto:r@dmarc-vendor.test\""));
        var resolver = new FakeResolver([]);

        var report = await SecurityRecordsAdvisor.AdviseAsync(Origin, records, new AdvisorOptions(Resolver: resolver), CancellationToken.None);

        var f = Assert.Single(report.Findings);
        Assert.Equal("SEC015", f.RuleId);
        Assert.Contains("shop.example._report._dmarc.dmarc-vendor.test.", f.Message, StringComparison.Ordinal);
        Assert.Contains("shop.example._report._dmarc.dmarc-vendor.test.", resolver.Asked);
    }

    [Fact]
    public async Task AdviseAsync_IsSilent_WhenTheVendorAuthorisesTheZone()
    {
        var records = Clean(("_dmarc", RecordType.TXT, "\"v=DMARC1; p=reject; rua=mailto:r@dmarc-vendor.test!10m\""));
        var resolver = new FakeResolver(new() { ["shop.example._report._dmarc.dmarc-vendor.test."] = ["v=DMARC1"] });

        var report = await SecurityRecordsAdvisor.AdviseAsync(Origin, records, new AdvisorOptions(Resolver: resolver), CancellationToken.None);

        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task AdviseAsync_SaysTheDestinationWasNotChecked_WhenTheResolverCannotAnswer()
    {
        var records = Clean(("_dmarc", RecordType.TXT, "\"v=DMARC1; p=reject; rua=mailto:r@dmarc-vendor.test\""));
        var resolver = new FakeResolver(new() { ["shop.example._report._dmarc.dmarc-vendor.test."] = null });

        var report = await SecurityRecordsAdvisor.AdviseAsync(Origin, records, new AdvisorOptions(Resolver: resolver), CancellationToken.None);

        Assert.Equal("SEC016", Assert.Single(report.Findings).RuleId);
    }

    [Fact]
    public void Advise_ProposesNullMxSpfAndRejectDmarc_WhenTheZoneHasNoMail()
    {
        var report = SecurityRecordsAdvisor.Advise(Origin, AdvisorCorpusTests.Read("no-mail.zone"));

        var proposals = report.Proposals.Select(p => $"{p.Name} {p.Type} {p.Data}").ToList();
        Assert.Contains("shop.example. MX 0 .", proposals);
        Assert.Contains("shop.example. TXT \"v=spf1 -all\"", proposals);
        Assert.Contains("_dmarc.shop.example. TXT \"v=DMARC1; p=reject\"", proposals);
    }
}
