using System.Diagnostics;
using Migrator.Core.Advising;
using Migrator.Core.Linting;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Advising;

/// <summary>
/// The crafted zones in TestData/advising each carry their expected rule ids in a "; expect:" line: the advisor must fire
/// exactly those, and its proposals must be accepted by BIND and by the Route 53 linter.
/// </summary>
public class AdvisorCorpusTests
{
    internal static readonly DomainName Origin = DomainName.Parse("shop.example.");
    internal static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "advising");

    internal static IEnumerable<string> CorpusFileNames() =>
        System.IO.Directory.GetFiles(Directory, "*.zone").Select(Path.GetFileName).Where(f => f != "shop-demo.zone").Order(StringComparer.Ordinal)!;

    public static TheoryData<string> CorpusFiles() => new(CorpusFileNames());

    internal static IReadOnlyList<ResourceRecord> Read(string file)
    {
        var result = ZoneFileReader.Read(Path.Combine(Directory, file), Origin);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Records;
    }

    private static SortedSet<string> Expected(string file)
    {
        var line = File.ReadLines(Path.Combine(Directory, file)).First(l => l.StartsWith("; expect:", StringComparison.Ordinal));
        var ids = line["; expect:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => t != "(none)");
        return new SortedSet<string>(ids, StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Advise_FiresExactlyTheExpectedRules_ForEachCraftedZone(string file)
    {
        var report = SecurityRecordsAdvisor.Advise(Origin, Read(file));

        var fired = new SortedSet<string>(report.Findings.Select(f => f.RuleId), StringComparer.Ordinal);
        Assert.True(Expected(file).SetEquals(fired),
            $"{file}: expected [{string.Join(' ', Expected(file))}], fired [{string.Join(' ', fired)}]:\n{string.Join('\n', report.Findings)}");
    }

    [Fact]
    public void Corpus_FiresEveryRule_WhenAllZonesAreAdvised()
    {
        var fired = CorpusFileNames().SelectMany(file => SecurityRecordsAdvisor.Advise(Origin, Read(file)).Findings.Select(f => f.RuleId)).ToHashSet();
        // SEC015 needs a resolver that answers: covered by AdvisorResolverTests.
        var missing = SecurityRecordsAdvisor.Rules.All.Select(r => r.Id).Where(id => !fired.Contains(id) && id != "SEC015").ToList();
        Assert.True(missing.Count == 0, "no crafted zone fires " + string.Join(", ", missing));
    }

    [Fact]
    public void Advise_IsSilent_WhenTheZoneIsClean()
    {
        var report = SecurityRecordsAdvisor.Advise(Origin, Read("clean.zone"));

        Assert.Empty(report.Findings);
        Assert.False(report.HasErrors);
    }

    [Fact]
    public void Rules_HaveUniqueStableIdsAndReferences()
    {
        var all = SecurityRecordsAdvisor.Rules.All;
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        Assert.All(all, r => Assert.Matches(@"^SEC\d{3}$", r.Id));
        Assert.All(all, r => Assert.StartsWith("RFC ", r.Reference, StringComparison.Ordinal));
    }

    public static TheoryData<string> ZonesWithProposals()
    {
        var data = new TheoryData<string>();
        foreach (var file in CorpusFileNames())
            if (SecurityRecordsAdvisor.Advise(Origin, Read(file)).Proposals.Count > 0) data.Add(file);
        data.Add("shop-demo.zone");
        return data;
    }

    [Theory]
    [MemberData(nameof(ZonesWithProposals))]
    public void Proposals_AreAcceptedByBindAndTheRoute53Linter_WhenApplied(string file)
    {
        var records = Read(file);
        var report = SecurityRecordsAdvisor.Advise(Origin, records, new AdvisorOptions(Now: new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero)));
        Assert.NotEmpty(report.Proposals);

        var applied = Apply(records, report.Proposals);
        var lint = Route53Linter.Lint(Origin, applied);
        Assert.False(lint.HasErrors, string.Join("\n", lint.Findings.Where(f => f.Severity == LintSeverity.Error)));

        var path = Path.Combine(Path.GetTempPath(), $"advise-{Guid.NewGuid():N}.zone");
        try
        {
            using (var w = new StreamWriter(path)) ZoneFileWriter.Write(w, applied);
            var (code, output) = NamedCheckzone(path);
            Assert.True(code == 0, $"named-checkzone refused the proposals for {file}:\n{output}\n{File.ReadAllText(path)}");
        }
        finally { File.Delete(path); }

        // applying the proposals answers the findings that proposed them
        var after = SecurityRecordsAdvisor.Advise(Origin, applied, new AdvisorOptions(Now: new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero)));
        var fixedIds = report.Findings.Where(f => f.Proposed is not null && f.RuleId is not ("SEC010" or "SEC018")).Select(f => f.RuleId).ToHashSet();
        Assert.DoesNotContain(after.Findings, f => fixedIds.Contains(f.RuleId) && f.Proposed is not null);
    }

    /// <summary>Proposals add to their set; an SOA proposal replaces the SOA.</summary>
    internal static List<ResourceRecord> Apply(IReadOnlyList<ResourceRecord> records, IReadOnlyList<ResourceRecord> proposals)
    {
        var result = records.Where(r => !(r.Type == RecordType.SOA && proposals.Any(p => p.Type == RecordType.SOA))).ToList();
        foreach (var p in proposals.Distinct())
            result.Add(p.Type == RecordType.SOA ? p : p with { Ttl = result.FirstOrDefault(r => r.Name.Equals(p.Name) && r.Type == p.Type)?.Ttl ?? p.Ttl });
        return result;
    }

    private static (int, string) NamedCheckzone(string path)
    {
        var psi = new ProcessStartInfo("named-checkzone") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "local", Origin.ToString(), path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("named-checkzone did not start (is bind9-utils installed?)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("named-checkzone did not finish in 60 s"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
