using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Migrator.Core.Probing;

namespace Migrator.Cli;

/// <summary><c>migrator dns delegation ZONE --hints IP[:PORT]</c>: the delegation as the DNS shows it; exit 1 with findings.</summary>
internal static class DnsDelegationCommand
{
    public static Command Create()
    {
        var zone = new Argument<string>("zone") { Description = "The delegated zone, e.g. example.com." };
        var hints = new Option<string[]>("--hints") { Description = "Root server(s) to start the walk at, IP[:PORT] (repeatable or comma-separated).", Required = true, AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var timeout = new Option<int>("--timeout") { Description = "Per-query timeout in milliseconds.", DefaultValueFactory = _ => 2000 };
        var command = new Command("delegation", "Walk from the root without recursion: the parent's NS set, TTL, glue and DS, each child server's answer and serial, findings (DELEG01…).");
        command.Arguments.Add(zone);
        command.Options.Add(hints);
        command.Options.Add(json);
        command.Options.Add(timeout);
        command.SetAction((parseResult, ct) => Run(parseResult.GetValue(zone)!, parseResult.GetValue(hints), parseResult.GetValue(json),
            parseResult.GetValue(timeout), Console.Out, Console.Error, ct));
        return command;
    }

    internal static async Task<int> Run(string zoneText, string[]? hintTexts, bool json, int timeoutMs, TextWriter stdout, TextWriter stderr,
        CancellationToken ct)
    {
        if (!DnsCliSupport.TryZone(zoneText, stderr, out var zone)) return ExitCodes.Usage;
        if (!DnsCliSupport.TryEndpoints(hintTexts, "--hints", stderr, out var hints)) return ExitCodes.Usage;
        using var probe = new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromMilliseconds(Math.Max(50, timeoutMs))));
        // a lab or an emulator runs every server on one port: follow the hints' port
        var inspector = new DelegationInspector(probe, new DelegationInspectorOptions(NameServerPort: hints[0].Port));
        var report = await inspector.InspectAsync(zone, hints, ct);

        if (json) stdout.WriteLine(JsonSerializer.Serialize(report, DnsCliSupport.Json));
        else Print(report, stdout);
        return report.Healthy ? ExitCodes.Success : ExitCodes.Problems;
    }

    private static void Print(DelegationReport r, TextWriter o)
    {
        o.WriteLine($"zone {r.Zone}  parent {r.ParentZone?.ToString() ?? "?"} ({string.Join(", ", r.ParentServers)})");
        o.WriteLine($"parent NS (TTL {r.ParentNsTtl?.Seconds.ToString(CultureInfo.InvariantCulture) ?? "?"}): {string.Join(" ", r.ParentNs)}");
        foreach (var g in r.Glue) o.WriteLine($"  glue {g.Name} {string.Join(" ", g.Addresses)}");
        o.WriteLine(r.Ds.Count == 0 ? "DS: none" : "DS: " + string.Join(" | ", r.Ds));
        o.WriteLine($"child NS (TTL {r.ChildNsTtl?.Seconds.ToString(CultureInfo.InvariantCulture) ?? "?"}): {string.Join(" ", r.ChildNs)}");
        foreach (var s in r.Servers)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Name,-28} {s.Endpoint,-22} {(s.Error ?? s.ResponseCode),-10} {(s.Authoritative ? "aa" : "--")} serial {s.SoaSerial?.ToString(CultureInfo.InvariantCulture) ?? "-"}  {s.Latency.TotalMilliseconds:0.0} ms"));
        if (r.Findings.Count == 0) o.WriteLine("healthy: no findings");
        foreach (var f in r.Findings) o.WriteLine(f.ToString());
    }
}
