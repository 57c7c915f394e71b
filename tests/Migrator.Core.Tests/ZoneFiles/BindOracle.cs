using System.Diagnostics;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.ZoneFiles;

/// <summary>Runs BIND's named-compilezone / named-checkzone (never with network lookups: -i none) as the oracle.</summary>
internal static class BindOracle
{
    public sealed record Outcome(int ExitCode, IReadOnlyList<string> Lines, string Stderr);

    public static Outcome Compile(string zoneFile, string origin)
    {
        var (code, stdout, stderr) = Run("named-compilezone", ["-i", "none", "-k", "ignore", "-s", "full", "-o", "-", origin, Path.GetFileName(zoneFile)],
            Path.GetDirectoryName(Path.GetFullPath(zoneFile))!);
        // named-compilezone prints the zone, then its own status lines ("zone ...: loaded serial", "OK") on stdout.
        var lines = stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("zone ", StringComparison.Ordinal) && !l.StartsWith(';') && l != "OK").ToList();
        return new Outcome(code, lines, stderr);
    }

    public static Outcome Check(string zoneFile, string origin)
    {
        var (code, stdout, stderr) = Run("named-checkzone", ["-i", "none", "-k", "ignore", origin, Path.GetFileName(zoneFile)],
            Path.GetDirectoryName(Path.GetFullPath(zoneFile))!);
        return new Outcome(code, stdout.Split('\n'), stderr);
    }

    private static (int, string, string) Run(string tool, string[] args, string workDir)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start (is bind9-utils installed?)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException($"{tool} did not finish in 60 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// One record in comparable form: owner lower-cased (BIND prints the first spelling of a node, which depends on tree
    /// order), TTL, class, type, and the RDATA text exactly as printed.
    /// </summary>
    public static string CanonicalLine(string line)
    {
        var fields = new List<string>(4);
        var i = 0;
        while (fields.Count < 4)
        {
            while (i < line.Length && line[i] is ' ' or '\t') i++;
            var start = i;
            while (i < line.Length && line[i] is not (' ' or '\t')) i++;
            if (start == i) throw new FormatException($"not a record line: '{line}'");
            fields.Add(line[start..i]);
        }
        while (i < line.Length && line[i] is ' ' or '\t') i++;
        return $"{fields[0].ToLowerInvariant()} {fields[1]} {fields[2]} {fields[3]} {line[i..]}";
    }

    public static List<string> Canonical(IEnumerable<string> lines) =>
        lines.Select(CanonicalLine).Order(StringComparer.Ordinal).ToList();

    public static List<string> Ours(string zoneFile, string origin, out IReadOnlyList<Migrator.Core.Ports.ZoneReadDiagnostic> diagnostics)
    {
        var cwd = Path.GetDirectoryName(Path.GetFullPath(zoneFile))!;
        var result = ZoneFileReader.Read(zoneFile, DomainName.Parse(origin), new ZoneFileReaderOptions { AllowInclude = true });
        diagnostics = result.Diagnostics;
        _ = cwd;
        return Canonical(result.Records.Select(ZoneFileWriter.Format));
    }
}
