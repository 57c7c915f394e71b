using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Migrator.Sandbox.Tests.Support;

/// <summary>
/// A real BIND (named) serving a dynamic parent zone "lab." on 127.0.2.53 that accepts RFC 2136 updates signed with
/// a TSIG key: the registry the emulated Route 53 Domains pushes delegation changes to.
/// </summary>
public sealed class BindParentServer : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.2.53");
    public const string KeyName = "parent-key";

    private readonly Process _named;
    private readonly string _dir;

    private BindParentServer(Process named, string dir, IPEndPoint endPoint, string secret)
    {
        _named = named;
        _dir = dir;
        EndPoint = endPoint;
        TsigSecret = secret;
    }

    public IPEndPoint EndPoint { get; }
    public string TsigSecret { get; }

    /// <param name="delegations">Initial delegations in the lab. zone, e.g. ("dom.lab.", ["ns1.old.lab."]).</param>
    public static async Task<BindParentServer> StartAsync(params (string Domain, string[] NameServers)[] delegations)
    {
        var ip = Address.ToString();
        if (!System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses).Any(a => a.Address.Equals(Address)))
            throw new InvalidOperationException($"{ip} is not on an interface; scripts/setup.d/emulator.sh adds it (ip addr add {ip}/32 dev lo)");
        var port = FreePort.UdpAndTcp(Address);
        var dir = Directory.CreateTempSubdirectory("migrator-bind-parent-").FullName;
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(Path.Combine(dir, "named.conf"), $$"""
            options {
                directory "{{dir}}";
                pid-file none;
                session-keyfile "{{dir}}/session.key";
                managed-keys-directory "{{dir}}";
                listen-on port {{port}} { {{ip}}; };
                listen-on-v6 { none; };
                recursion no;
                dnssec-validation no;
                notify no;
                allow-query { 127.0.0.0/8; };
            };
            controls { };
            key "{{KeyName}}" { algorithm hmac-sha256; secret "{{secret}}"; };
            zone "lab" { type primary; file "db.lab"; allow-update { key "{{KeyName}}"; }; };
            """);
        var zone = $"""
            $TTL 60
            lab. 60 IN SOA ns.lab. hostmaster.lab. 1 60 30 600 30
            lab. 60 IN NS ns.lab.
            ns.lab. 60 IN A {ip}
            old.lab. 60 IN NS ns.lab.
            {string.Join('\n', delegations.SelectMany(d => d.NameServers.Select(n => $"{d.Domain} 60 IN NS {n}")))}
            """;
        await File.WriteAllTextAsync(Path.Combine(dir, "db.lab"), zone + "\n");
        var psi = new ProcessStartInfo("named") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-g", "-n", "1", "-c", Path.Combine(dir, "named.conf") }) psi.ArgumentList.Add(a);
        Process named;
        try { named = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("named is not on PATH (apt bind9, see scripts/setup.d/emulator.apt)", e); }
        var log = new System.Text.StringBuilder();
        named.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        named.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        named.BeginErrorReadLine();
        named.BeginOutputReadLine();
        var server = new BindParentServer(named, dir, new IPEndPoint(Address, port), secret);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); // generous: named starts slowly on a loaded machine
        while (DateTime.UtcNow < deadline)
        {
            if (named.HasExited) break;
            var soa = await TestProcess.RunAsync("dig", [$"@{ip}", "-p", port.ToString(), "+norec", "+time=1", "+tries=1", "+short", "lab.", "SOA"]);
            if (soa.ExitCode == 0 && soa.StdOut.Contains("hostmaster.lab.")) return server;
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        string text;
        lock (log) text = log.ToString();
        throw new InvalidOperationException($"named did not start answering on {ip}:{port}:\n{text}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_named.HasExited)
        {
            _named.Kill();
            await _named.WaitForExitAsync();
        }
        _named.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
