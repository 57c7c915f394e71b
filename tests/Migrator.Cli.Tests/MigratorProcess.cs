using System.Diagnostics;

namespace Migrator.Cli.Tests;

/// <summary>Runs the real `migrator` executable (built next to the tests) in TestData, to check exit codes and output streams.</summary>
internal static class MigratorProcess
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Data };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "migrator.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "migrator did not finish in 60 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
