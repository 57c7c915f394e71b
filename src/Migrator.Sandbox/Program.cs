using System.Globalization;
using System.Net;
using Migrator.Sandbox.Hosting;

// Standalone emulator. Example:
//   dotnet run --project src/Migrator.Sandbox -- --urls http://127.0.0.1:4566 --dns 127.0.0.1:5353 --data ./data \
//     --domain example.lab=ns1.old.lab,ns2.old.lab --parent 127.0.0.11:53 --tsig-name tld-key --tsig-secret-env TLD_SECRET
var options = new EmulatorOptions();
try
{
    SandboxCommandLine.Apply(args, options);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(SandboxCommandLine.Usage);
    return 2;
}
await using var host = await EmulatorHost.StartAsync(options);
Console.WriteLine($"Route 53 emulator listening on {host.BaseAddress} (keys: {options.AccessKey}/***)");
if (host.DnsEndPoint is not null) Console.WriteLine($"Authoritative DNS on {host.DnsEndPoint} (UDP+TCP)");
if (options.DataDirectory is not null) Console.WriteLine($"State persisted in {Path.GetFullPath(options.DataDirectory)}");
Console.WriteLine($"Control API under {host.BaseAddress}/_emulator/ needs the header {Migrator.Sandbox.Control.ControlApi.TokenHeader}: {host.Emulator.ControlToken}");
using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
return 0;

/// <summary>Command-line options of the standalone emulator.</summary>
public static class SandboxCommandLine
{
    public const string Usage = """
        usage: Migrator.Sandbox --urls http://127.0.0.1:PORT [--dns IP:PORT] [--data DIR]
               [--access-key KEY --secret-key SECRET] [--control-token TOKEN] [--insync-delay-ms N] [--no-prior-request-check]
               [--rate-burst N --rate-per-second N] [--name-server NAME[=IPv4]]... [--domain NAME=ns1,ns2]...
               [--domain-delay-ms N] [--parent IP:PORT [--tsig-name NAME --tsig-alg ALG --tsig-secret-env VAR] [--delegation-ttl N]]
        """;

    public static void Apply(string[] args, EmulatorOptions o)
    {
        string? tsigName = null, tsigAlg = null, tsigSecret = null;
        IPEndPoint? parent = null;
        var delegationTtl = 172800;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--urls": o.Url = Next().Split(';')[0]; break;
                case "--dns": o.DnsEndPoint = IPEndPoint.Parse(Next()); break;
                case "--data": o.DataDirectory = Next(); break;
                case "--access-key": o.AccessKey = Next(); break;
                case "--secret-key": o.SecretKey = Next(); break;
                case "--control-token": o.ControlToken = Next(); break;
                case "--insync-delay-ms": o.InsyncDelay = TimeSpan.FromMilliseconds(Num(Next())); break;
                case "--no-prior-request-check": o.PriorRequestNotComplete = false; break;
                case "--rate-burst": o.RateLimitBurst = Num(Next()); break;
                case "--rate-per-second": o.RateLimitPerSecond = Num(Next()); break;
                case "--domain-delay-ms": o.DomainOperationDelay = TimeSpan.FromMilliseconds(Num(Next())); break;
                case "--name-server":
                {
                    var v = Next().Split('=', 2);
                    o.NameServers.Add(new NameServerSpec(v[0], v.Length > 1 ? IPAddress.Parse(v[1]) : null));
                    break;
                }
                case "--domain":
                {
                    var v = Next().Split('=', 2);
                    o.Domains.Add(new RegisteredDomainSpec(v[0], v.Length > 1 ? v[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : []));
                    break;
                }
                case "--parent": parent = IPEndPoint.Parse(Next()); break;
                case "--tsig-name": tsigName = Next(); break;
                case "--tsig-alg": tsigAlg = Next(); break;
                // The secret comes from an environment variable so it never shows in a process listing.
                case "--tsig-secret-env": tsigSecret = Environment.GetEnvironmentVariable(Next()) ?? throw new FormatException("TSIG secret variable is not set"); break;
                case "--delegation-ttl": delegationTtl = (int)Num(Next()); break;
                default: throw new FormatException($"unknown option {args[i]}");
            }
        }
        if (parent is not null) o.ParentZone = new ParentZoneSpec(parent, tsigName, tsigAlg ?? "hmac-sha256", tsigSecret, delegationTtl);
    }

    private static double Num(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"not a number: {s}");
}
