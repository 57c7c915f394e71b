using System.Text.RegularExpressions;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.ZoneFiles;

/// <summary>BIND 9 is the oracle: what named-compilezone prints we print; what it refuses we refuse, with positions.</summary>
public class BindOracleTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "zones");
    private const string Origin = "example.com.";

    public static TheoryData<string> GoodFiles() => new(Directory.GetFiles(Path.Combine(Root, "good"), "*.zone").Select(Path.GetFileName)!);
    public static TheoryData<string> BadFiles() => new(Directory.GetFiles(Path.Combine(Root, "bad"), "*.zone").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Read_PrintsWhatBindPrints_ForHandWrittenZone(string name)
    {
        var path = Path.Combine(Root, "good", name);
        var bind = BindOracle.Compile(path, Origin);
        Assert.True(bind.ExitCode == 0, $"BIND refused the corpus file {name}: {bind.Stderr}");
        var ours = BindOracle.Ours(path, Origin, out var diagnostics);
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        Assert.NotEmpty(ours);
        AssertSameRecords(BindOracle.Canonical(bind.Lines), ours, name);
    }

    private static void AssertSameRecords(List<string> bind, List<string> ours, string what)
    {
        var missing = bind.Except(ours).ToList();
        var extra = ours.Except(bind).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{what}: BIND printed but we did not:\n  {string.Join("\n  ", missing)}\nwe printed but BIND did not:\n  {string.Join("\n  ", extra)}");
        Assert.Equal(bind, ours); // same multiset (duplicates count)
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Read_RefusesWithPositions_WhatBindRefuses(string name)
    {
        var path = Path.Combine(Root, "bad", name);
        var bind = BindOracle.Check(path, Origin);
        Assert.True(bind.ExitCode != 0, $"BIND accepted the bad corpus file {name}");

        var result = ZoneFileReader.Read(path, DomainName.Parse(Origin), new ZoneFileReaderOptions { AllowInclude = true });
        Assert.False(result.Succeeded);
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        Assert.All(errors, e => { Assert.True(e.Line >= 1); Assert.True(e.Column >= 1); Assert.EndsWith(name, e.File); });

        var expected = File.ReadLines(path).Select((l, i) => (l, i + 1)).Where(x => x.l.Contains("; expect-error")).Select(x => x.Item2).ToList();
        Assert.NotEmpty(expected);
        foreach (var line in expected)
            Assert.True(errors.Any(e => e.Line == line), $"no error reported at {name}:{line}; got: {string.Join(" | ", errors)}");
        // Every line BIND names in an error is one we name too.
        foreach (Match m in Regex.Matches(bind.Stderr + string.Join("\n", bind.Lines), Regex.Escape(name) + @":(\d+): (?!no TTL specified; using|TTL set to prior|using RFC1035)"))
            Assert.Contains(errors, e => e.Line == int.Parse(m.Groups[1].Value));
    }

    [Fact]
    public void Read_PrintsWhatBindPrints_ForGeneratedZones()
    {
        var dir = Directory.CreateTempSubdirectory("zone-oracle-");
        try
        {
            for (var seed = 1; seed <= 25; seed++)
            {
                var path = Path.Combine(dir.FullName, $"gen{seed}.zone");
                File.WriteAllText(path, ZoneTextGenerator.Generate(new Random(seed), records: 150));
                var bind = BindOracle.Compile(path, Origin);
                Assert.True(bind.ExitCode == 0, $"BIND refused generated zone {seed}: {bind.Stderr}\n{File.ReadAllText(path)}");
                var ours = BindOracle.Ours(path, Origin, out var diagnostics);
                Assert.DoesNotContain(diagnostics, d => d.IsError);
                AssertSameRecords(BindOracle.Canonical(bind.Lines), ours, $"generated zone {seed}");
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Read_WarnsWithPosition_WhenRrsetTtlsDiffer()
    {
        var path = Path.Combine(Root, "good", "inheritance.zone");
        var result = ZoneFileReader.Read(path, DomainName.Parse(Origin));
        var warning = Assert.Single(result.Diagnostics, d => !d.IsError && d.Line == 6);
        Assert.Contains("prior TTL (300)", warning.Message);
        Assert.Equal(1, warning.Column);
        Assert.Contains(result.Diagnostics, d => !d.IsError && d.Line == 10 && d.Message.Contains("BIND keeps the later one"));
    }
}

/// <summary>Differential check on mutated files: BIND and we agree on accept/refuse, and on the records when both accept.</summary>
public class BindDifferentialTests
{
    private const string Origin = "example.com.";

    [Fact]
    public void Read_AgreesWithBind_OnMutatedZones()
    {
        var dir = Directory.CreateTempSubdirectory("zone-diff-");
        var disagreements = new List<string>();
        int accepted = 0, refused = 0;
        try
        {
            for (var seed = 1; seed <= Iterations; seed++)
            {
                var rng = new Random(seed);
                var text = FuzzTests.Mutate(rng, ZoneTextGenerator.Generate(rng, records: 30));
                var path = Path.Combine(dir.FullName, $"m{seed}.zone");
                File.WriteAllText(path, text);
                var bind = BindOracle.Compile(path, Origin);
                var ours = BindOracle.Ours(path, Origin, out var diagnostics);
                var weAccept = !diagnostics.Any(d => d.IsError);
                if (weAccept) accepted++; else refused++;
                if ((bind.ExitCode == 0) != weAccept)
                    disagreements.Add($"seed {seed}: BIND {(bind.ExitCode == 0 ? "accepts" : "refuses")}, we {(weAccept ? "accept" : "refuse")}: " +
                        $"{bind.Stderr.Trim().Replace('\n', ' ')} | ours: {string.Join(" ", diagnostics.Where(d => d.IsError))}");
                else if (weAccept && !BindOracle.Canonical(bind.Lines).SequenceEqual(ours))
                    disagreements.Add($"seed {seed}: both accept but records differ");
            }
        }
        finally { dir.Delete(recursive: true); }
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements ({accepted} accepted, {refused} refused):\n" + string.Join("\n", disagreements));
        // The mutations must exercise both outcomes, or the comparison proves little.
        Assert.True(accepted > 0 && refused > 0, $"{accepted} accepted, {refused} refused");
        Console.WriteLine($"differential: {accepted} accepted, {refused} refused by both");
    }

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("ZONE_DIFF_ITERATIONS"), out var n) ? n : 60;
}
