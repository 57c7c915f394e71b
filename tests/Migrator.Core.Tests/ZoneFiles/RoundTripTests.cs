using CsCheck;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.ZoneFiles;

public class RoundTripTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");

    private static string Print(string text)
    {
        var result = ZoneFileReader.Read(new StringReader(text), "gen.zone", Origin);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Where(d => d.IsError)));
        return ZoneFileWriter.Format(result.Records);
    }

    [Fact]
    public void Print_IsAFixedPoint_ForGeneratedZones()
    {
        Gen.Int[1, int.MaxValue].Sample(seed =>
        {
            var once = Print(ZoneTextGenerator.Generate(new Random(seed), records: 80));
            var twice = Print(once);
            Assert.Equal(once, twice);
        }, iter: 150);
    }

    [Fact]
    public void Print_IsAFixedPoint_ForCorpus()
    {
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "zones", "good"), "*.zone"))
        {
            var first = ZoneFileReader.Read(path, Origin, new ZoneFileReaderOptions { AllowInclude = true });
            Assert.True(first.Succeeded);
            var once = ZoneFileWriter.Format(first.Records);
            Assert.Equal(once, Print(once));
        }
    }
}
