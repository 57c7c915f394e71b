namespace Migrator.Cli.Tests;

/// <summary>Runs the real `migrator` executable (built next to the tests) to check exit codes and output streams.</summary>
public class ZonePrintCommandTests
{
    private static (int Code, string Stdout, string Stderr) Migrator(params string[] args) => MigratorProcess.Run(args);

    [Fact]
    public void ZonePrint_ExitsZeroAndPrintsOneRecordPerLine_WhenFileIsValid()
    {
        var (code, stdout, stderr) = Migrator("zone", "print", "good.zone", "--origin", "example.com");
        Assert.True(code == 0, stderr);
        Assert.Equal(
            "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n" +
            "example.com. 3600 IN NS ns1.example.com.\n" +
            "ns1.example.com. 3600 IN A 192.0.2.1\n" +
            "www.example.com. 300 IN A 192.0.2.2\n" +
            "txt.example.com. 3600 IN TXT \"hello\" \"world\"\n", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void ZonePrint_ExitsTwoAndReportsEveryErrorWithPosition_WhenFileHasSyntaxErrors()
    {
        var (code, stdout, stderr) = Migrator("zone", "print", "bad.zone", "--origin", "example.com.");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("bad.zone:5:5: ", lines[0]);
        Assert.Contains("1.2.3", lines[0]);
        Assert.StartsWith("bad.zone:6:6: ", lines[1]);
        Assert.StartsWith("bad.zone:7:3: ", lines[2]);
        Assert.Contains("unknown RR type 'FOO'", lines[2]);
    }

    [Fact]
    public void ZonePrint_ExitsTwo_WhenFileIsMissing()
    {
        var (code, _, stderr) = Migrator("zone", "print", "missing.zone", "--origin", "example.com");
        Assert.Equal(2, code);
        Assert.StartsWith("missing.zone:1:1: ", stderr);
    }

    [Fact]
    public void ZonePrint_ExitsZeroAndWritesWarningsToStderr_WhenReaderWarns()
    {
        var (code, stdout, stderr) = Migrator("zone", "print", "warnings.zone", "--origin", "example.com");
        Assert.True(code == 0, stderr);
        Assert.Contains("www.example.com. 300 IN A 192.0.2.3\n", stdout); // BIND's rule: the RRset keeps its first TTL
        Assert.DoesNotContain("other.example.net.", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("warnings.zone:6:", lines[0]);
        Assert.EndsWith("(warning)", lines[0]);
        Assert.StartsWith("warnings.zone:7:", lines[1]);
        Assert.Contains("out-of-zone data (other.example.net.)", lines[1]);
    }
}
