using System.Diagnostics;
using System.Net;
using Migrator.Sandbox.World;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// The sandbox world on port 53 of 127.0.6.x (as root) with a real unbound on 127.0.6.250 stubbed to the world's
/// root: the reference our resolvers are compared with. One at a time per machine (lock file), unbound stopped by PID.
/// </summary>
public sealed class WorldLab : IAsyncDisposable
{
    public const string Prefix = "127.0.6";
    private FileStream? _lock;
    private Process? _unbound;

    public SandboxWorld World { get; private set; } = null!;
    public IPAddress UnboundIp { get; } = IPAddress.Parse(Prefix + ".250");
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "migrator-worldlab-" + Guid.NewGuid().ToString("N")[..10]);

    public static async Task<WorldLab> StartAsync()
    {
        var lab = new WorldLab();
        try
        {
            lab.Lock();
            System.IO.Directory.CreateDirectory(lab.Directory);
            lab.World = await SandboxWorld.StartAsync(new WorldOptions { AddressPrefix = Prefix, Port = 53, DataDirectory = Path.Combine(lab.Directory, "world") });
            lab.StartUnbound();
            await lab.WaitForUnboundAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private void Lock()
    {
        var path = Path.Combine(Path.GetTempPath(), "migrator-worldlab.lock");
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            try { _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); return; }
            catch (IOException) { Thread.Sleep(100); }
        }
        throw new InvalidOperationException("the world lab stayed busy for 120 s");
    }

    private void StartUnbound()
    {
        var conf = Path.Combine(Directory, "unbound.conf");
        File.WriteAllText(conf, $"""
            server:
                interface: {UnboundIp}
                port: 53
                do-ip4: yes
                do-ip6: no
                num-threads: 1
                access-control: 127.0.0.0/8 allow
                do-not-query-localhost: no
                module-config: "iterator"
                chroot: ""
                username: ""
                directory: "{Directory}"
                pidfile: "{Path.Combine(Directory, "unbound.pid")}"
                logfile: "{Path.Combine(Directory, "unbound.log")}"
                use-syslog: no
                verbosity: 1
                prefetch: no
                serve-expired: no
                cache-min-ttl: 0
                minimal-responses: yes
            stub-zone:
                name: "."
                stub-addr: {World.RootEndPoint.Address}@53
            remote-control:
                control-enable: no
            """ + "\n");
        var psi = new ProcessStartInfo("unbound") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-d", "-c", conf }) psi.ArgumentList.Add(a);
        _unbound = Process.Start(psi) ?? throw new InvalidOperationException("could not start unbound");
        _unbound.OutputDataReceived += (_, _) => { };
        _unbound.ErrorDataReceived += (_, _) => { };
        _unbound.BeginOutputReadLine();
        _unbound.BeginErrorReadLine();
    }

    private async Task WaitForUnboundAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_unbound!.HasExited) throw new InvalidOperationException($"unbound exited: {File.ReadAllText(Path.Combine(Directory, "unbound.log"))}");
            var client = new ARSoft.Tools.Net.Dns.DnsClient([UnboundIp], 500);
            try
            {
                var r = await client.ResolveAsync(ARSoft.Tools.Net.DomainName.Parse("example."), ARSoft.Tools.Net.Dns.RecordType.Soa);
                if (r is not null) return;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("unbound did not answer within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_unbound is { HasExited: false })
        {
            _unbound.Kill();
            await _unbound.WaitForExitAsync();
        }
        _unbound?.Dispose();
        if (World is not null) await World.DisposeAsync();
        _lock?.Dispose();
        try { if (Environment.GetEnvironmentVariable("MIGRATOR_KEEP_LAB") is null) System.IO.Directory.Delete(Directory, true); }
        catch (IOException) { }
    }
}

public sealed class WorldLabFixture : IAsyncLifetime
{
    public WorldLab Lab { get; private set; } = null!;
    public async Task InitializeAsync() => Lab = await WorldLab.StartAsync();
    public async Task DisposeAsync() => await Lab.DisposeAsync();
}
