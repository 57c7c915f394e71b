using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Migrator.Sandbox.Tests.Support;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>Runs external tools (dig, node, named); a missing tool is a failure, never a skip.</summary>
public static class TestProcess
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Win32Exception e) { throw new InvalidOperationException($"'{file}' could not be started (is it on PATH? scripts/setup.d installs it): {e.Message}", e); }
        using var _ = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}; output so far: {await stdout}{await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Migrator.sln"))) return d.FullName;
        throw new InvalidOperationException("Migrator.sln not found above " + AppContext.BaseDirectory);
    }
}

public static class FreePort
{
    /// <summary>A port free for both UDP and TCP on <paramref name="address"/> (the DNS listener needs both).</summary>
    public static int UdpAndTcp(IPAddress address)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var tcp = new TcpListener(address, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) { }
            finally { tcp.Stop(); }
        }
        throw new InvalidOperationException($"no free UDP+TCP port on {address}");
    }
}
