using System.Text;
using CsCheck;
using Migrator.Core.Ports;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.ZoneFiles;

/// <summary>Mutated zone files never crash or hang the reader, and every refusal carries a position.</summary>
public class FuzzTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    private static readonly string[] Tricky =
    [
        "(", ")", "\"", "\\", ";", "\n", "\t", " ", "@", ".", "..", "\\#", "\\# 0", "\\# 3 01", "\\999", "\\0", "\\[", "$", "${", "${0,3,n}",
        "$ORIGIN ", "$TTL ", "$INCLUDE /etc/passwd", "$GENERATE 1-5 x$ A 1.2.3.$", "$GENERATE 1-4294967296 x A 1.2.3.4", "$FOO",
        "IN", "CH", "CLASS1", "TYPE65534", "SOA", "CNAME", "TXT", "SVCB", "HTTPS", "alpn=", "key65535=", "mandatory=", "4294967295",
        "2147483648", "1w2d3h4m5s", "-1", "::", "1.2.3.4", new string('a', 64), new string('x', 300), "\r\n", "\u00e9", "\0", "\\\n",
    ];

    private static readonly string[] Seeds =
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "zones"), "*.zone", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToArray();

    internal static string Mutate(Random rng, string text)
    {
        var sb = new StringBuilder(text);
        var n = rng.Next(1, 6);
        for (var i = 0; i < n; i++)
        {
            var at = sb.Length == 0 ? 0 : rng.Next(sb.Length);
            switch (rng.Next(4))
            {
                case 0 when sb.Length > 0: sb[at] = (char)(sb[at] ^ (1 << rng.Next(7))); break;
                case 1: sb.Length = at; break;
                case 2: sb.Insert(at, Tricky[rng.Next(Tricky.Length)]); break;
                default: if (sb.Length > 0) sb.Remove(at, Math.Min(sb.Length - at, rng.Next(1, 20))); break;
            }
        }
        return sb.ToString();
    }

    [Fact]
    public void Read_NeverCrashesOrHangs_AndPositionsEveryError_ForMutatedZones()
    {
        var options = new ZoneFileReaderOptions { MaxGeneratedRecords = 10_000 };
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var rng = new Random(seed);
            var source = rng.Next(3) == 0 ? ZoneTextGenerator.Generate(rng, 40) : Seeds[rng.Next(Seeds.Length)];
            var input = Mutate(rng, source);
            var task = Task.Run(() => ZoneFileReader.Read(new StringReader(input), "fuzz.zone", Origin, options));
            Assert.True(task.Wait(PerInput), $"reader did not finish within {PerInput} (seed {seed})");
            ZoneReadResult result = task.Result;
            foreach (var d in result.Diagnostics.Where(d => d.IsError))
            {
                Assert.Equal("fuzz.zone", d.File);
                Assert.True(d.Line >= 1 && d.Column >= 1, $"error without position: {d} (seed {seed})");
            }
            if (!result.Succeeded) Assert.Contains(result.Diagnostics, d => d.IsError);
            // What is accepted prints and re-reads to the same records.
            if (result.Succeeded)
            {
                var printed = ZoneFileWriter.Format(result.Records);
                var again = ZoneFileReader.Read(new StringReader(printed), "printed.zone", Origin);
                Assert.True(again.Succeeded, $"printed form refused (seed {seed}): {string.Join("; ", again.Diagnostics.Where(d => d.IsError))}");
                Assert.Equal(printed, ZoneFileWriter.Format(again.Records));
            }
        }, iter: 1500, threads: 1);
    }
}
