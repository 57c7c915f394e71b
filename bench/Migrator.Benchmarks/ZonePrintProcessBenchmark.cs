using System.Diagnostics;
using System.Globalization;

namespace Migrator.Benchmarks;

/// <summary>
/// `zone-print [N...] [--rounds R]`: the full load path as a user runs it, whole processes in the same run:
/// `migrator zone print FILE --origin example.com` (BIND's load rules: duplicates, TTL conflicts, CNAME and other
/// data, occlusion) against `named-compilezone -i none -k ignore -s full` on the same generated file, rounds
/// interleaved, medians and their ratio printed with the load average. The CLI is the Release build next to the
/// repository (or $MIGRATOR_DLL). Goal (issue 12): ratio at most 0.8.
/// </summary>
internal static class ZonePrintProcessBenchmark
{
    public static int Run(string[] args)
    {
        var rounds = 3;
        var sizes = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.AddRange([300_000, 1_000_000]);
        var cli = Environment.GetEnvironmentVariable("MIGRATOR_DLL") ?? FindCli();
        Console.WriteLine($"migrator: {cli}");
        foreach (var n in sizes)
        {
            var dir = Directory.CreateTempSubdirectory("zoneprint-");
            try
            {
                var path = Path.Combine(dir.FullName, "big.zone");
                ZoneFileBenchmark.Generate(path, n);
                var ours = new List<double>();
                var bind = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    ours.Add(Time("dotnet", [cli, "zone", "print", path, "--origin", "example.com"], out var oursCode));
                    bind.Add(Time("named-compilezone", ["-i", "none", "-k", "ignore", "-s", "full", "-o", "/dev/null", "example.com", path], out var bindCode));
                    if (oursCode != 0 || bindCode != 0) Console.WriteLine($"  round {r}: exit codes migrator={oursCode} bind={bindCode}");
                }
                var (o, b) = (Median(ours), Median(bind));
                Console.WriteLine($"{n,9:N0} records  migrator zone print {o,6:F2} s   named-compilezone {b,6:F2} s   ratio {o / b:F2} (goal <= 0.80)   " +
                    $"median of {rounds}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            }
            finally { dir.Delete(recursive: true); }
        }
        return 0;
    }

    private static double Time(string tool, string[] args, out int exitCode)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null); // the output is written, as a user's would be, then dropped
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        stdout.Wait();
        _ = stderr.Result;
        exitCode = p.ExitCode;
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string FindCli()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "src", "Migrator.Cli", "bin", "Release", "net10.0", "migrator.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("migrator.dll not found: build src/Migrator.Cli in Release or set MIGRATOR_DLL");
    }
}
