using System.Reflection;
using System.Text.RegularExpressions;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

/// <summary>The delegation inspector's findings table and the report's own rules, without the network.</summary>
public class DelegationReportTests
{
    [Fact]
    public void All_ListsEveryRuleOnceWithItsOwnId_InDelegNumberForm()
    {
        var declared = typeof(DelegationRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DelegationRule)).Select(f => (DelegationRule)f.GetValue(null)!).ToList();

        Assert.NotEmpty(declared);
        Assert.Equal(declared.OrderBy(r => r.Id), DelegationRules.All.OrderBy(r => r.Id));
        Assert.Equal(DelegationRules.All.Count, DelegationRules.All.Select(r => r.Id).Distinct().Count());
        Assert.Equal(DelegationRules.All.Count, DelegationRules.All.Select(r => r.Title).Distinct().Count());
        Assert.All(DelegationRules.All, r => Assert.Matches(new Regex(@"^DELEG\d\d$"), r.Id));
    }

    [Theory]
    [InlineData(new FindingSeverity[0], true)]
    [InlineData(new[] { FindingSeverity.Notice }, true)]
    [InlineData(new[] { FindingSeverity.Notice, FindingSeverity.Warning }, false)]
    [InlineData(new[] { FindingSeverity.Error }, false)]
    public void Healthy_IsTrueOnlyWithoutWarningsOrErrors(FindingSeverity[] severities, bool healthy)
    {
        var report = new DelegationReport(DomainName.Parse("example.com."), DomainName.Parse("com."), [], [], null, [], [], [], null, [],
            severities.Select(s => new DelegationFinding("DELEG99", s, "seen")).ToList());

        Assert.Equal(healthy, report.Healthy);
    }

    [Fact]
    public void Finding_TakesIdAndSeverityFromItsRule()
    {
        var finding = new DelegationFinding(DelegationRules.LameServer, "ns1.example.net. answers REFUSED", "192.0.2.1:53");

        Assert.Equal("DELEG01", finding.RuleId);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("DELEG01 ERROR: ns1.example.net. answers REFUSED", finding.ToString());
    }
}
