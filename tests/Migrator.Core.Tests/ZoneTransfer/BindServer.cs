using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Migrator.Core.Tests.ZoneTransfer;

/// <summary>One zone served by the test BIND: its file text and its allow-transfer clause.</summary>
public sealed record BindZone(string Name, string FileText, string AllowTransfer = "any;");

/// <summary>
/// A real named (BIND 9) on a 127.0.1.x address and a free port, configured in a temporary directory, run in the
/// foreground (-g) and stopped by PID. Requires named on PATH and the loopback alias (scripts/setup.d/axfr.sh).
/// </summary>
public sealed class BindServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public string Directory { get; }
    public IPEndPoint EndPoint { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    private BindServer(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process; Directory = directory; EndPoint = endPoint;
    }

    public string ZoneFilePath(string zone) => Path.Combine(Directory, $"db.{zone.TrimEnd('.')}");

    public static BindServer Start(IPAddress address, IReadOnlyList<BindZone> zones, string? keyClause = null)
    {
        var named = FindOnPath("named") ?? throw new InvalidOperationException("named not found on PATH: install bind9 (scripts/setup.d/axfr.apt)");
        if (!NetworkInterfaceHas(address))
            throw new InvalidOperationException($"{address} is not on any interface: run scripts/setup.d/axfr.sh (ip addr add {address}/32 dev lo)");

        var dir = System.IO.Directory.CreateTempSubdirectory("migrator-bind-").FullName;
        var port = FreePort(address);
        var conf = new StringBuilder();
        conf.AppendLine($$"""
            options {
              directory "{{dir}}";
              pid-file "{{dir}}/named.pid";
              listen-on port {{port}} { {{address}}; };
              listen-on-v6 { none; };
              recursion no;
              notify no;
              dnssec-validation no;
              check-names primary ignore;
              allow-transfer { none; };
            };
            controls { };
            """);
        if (keyClause is not null) conf.AppendLine(keyClause);
        foreach (var z in zones)
        {
            var file = Path.Combine(dir, $"db.{z.Name.TrimEnd('.')}");
            File.WriteAllText(file, z.FileText);
            conf.AppendLine($$"""zone "{{z.Name.TrimEnd('.')}}" { type primary; file "{{file}}"; allow-transfer { {{z.AllowTransfer}} }; };""");
        }
        var confPath = Path.Combine(dir, "named.conf");
        File.WriteAllText(confPath, conf.ToString());

        var psi = new ProcessStartInfo(named) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-g", "-c", confPath, "-n", "1" }) psi.ArgumentList.Add(a);
        if (Environment.UserName == "root") { psi.ArgumentList.Add("-u"); psi.ArgumentList.Add("root"); }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("named did not start");
        var server = new BindServer(process, dir, new IPEndPoint(address, port));
        var ready = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (server._log) server._log.AppendLine(e.Data);
            if (e.Data.Contains("running", StringComparison.Ordinal)) ready.Set();
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || process.HasExited)
        {
            var log = server.Log;
            server.Dispose();
            throw new InvalidOperationException($"named did not come up on {address}:{port}:\n{log}");
        }
        return server;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>A port free for both TCP and UDP on <paramref name="address"/>, as named needs both.</summary>
    public static int FreePort(IPAddress address)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException($"no free port on {address}");
    }

    public static string? FindOnPath(string tool)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]);
        return dirs.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    private static bool NetworkInterfaceHas(IPAddress address) =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));
}
