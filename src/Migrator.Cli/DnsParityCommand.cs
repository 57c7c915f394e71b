using System.CommandLine;
using System.Text.Json;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary><c>migrator dns parity ZONE --zone-file FILE --old IP --new IP</c>: exit 0 when every RRset matches, 1 otherwise.</summary>
internal static class DnsParityCommand
{
    public static Command Create()
    {
        var zone = new Argument<string>("zone") { Description = "The zone, e.g. example.com." };
        var file = new Option<FileInfo>("--zone-file") { Description = "BIND master file listing the RRsets to compare.", Required = true };
        var oldServer = new Option<string>("--old") { Description = "Old provider's server, IP[:PORT].", Required = true };
        var newServer = new Option<string>("--new") { Description = "New provider's server, IP[:PORT].", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var ignoreTtl = new Option<bool>("--ignore-ttl") { Description = "Compare values only." };
        var apex = new Option<bool>("--include-apex") { Description = "Also compare the apex SOA and NS (providers differ there)." };
        var concurrency = new Option<int>("--concurrency") { Description = "RRsets in flight at once.", DefaultValueFactory = _ => 64 };
        var command = new Command("parity", "Ask the old and the new servers directly for every RRset of the zone file and compare the answers.");
        command.Arguments.Add(zone);
        foreach (var o in new Option[] { file, oldServer, newServer, json, ignoreTtl, apex, concurrency }) command.Options.Add(o);
        command.SetAction((p, ct) => Run(p.GetValue(zone)!, p.GetValue(file)!.ToString(), p.GetValue(oldServer)!, p.GetValue(newServer)!,
            new ParityOptions(IgnoreTtl: p.GetValue(ignoreTtl), IncludeApexSoaAndNs: p.GetValue(apex)), p.GetValue(json),
            p.GetValue(concurrency), Console.Out, Console.Error, ct));
        return command;
    }

    internal static async Task<int> Run(string zoneText, string zoneFile, string oldText, string newText, ParityOptions options, bool json,
        int concurrency, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!DnsCliSupport.TryZone(zoneText, stderr, out var zone)) return ExitCodes.Usage;
        if (!DnsCliSupport.TryEndpoints([oldText], "--old", stderr, out var oldEp)) return ExitCodes.Usage;
        if (!DnsCliSupport.TryEndpoints([newText], "--new", stderr, out var newEp)) return ExitCodes.Usage;
        var read = ZoneCliSupport.ReadZoneFile(zoneFile, zoneFile, zone);
        if (ZoneCliSupport.ReportDiagnostics(read, stderr)) return ExitCodes.Syntax;

        using var probe = new MultiplexedUdpProbe(DnsProbeSettings.Default with { MaxConcurrency = Math.Max(1, concurrency) * 2 });
        var report = await new ParityChecker(probe, Math.Max(1, concurrency))
            .CheckAsync(zone, RecordSet.Group(read.Records), oldEp[0], newEp[0], options, cancellationToken: ct);

        if (json) stdout.WriteLine(JsonSerializer.Serialize(report, DnsCliSupport.Json));
        else
        {
            foreach (var r in report.Problems)
                stdout.WriteLine($"{r.Outcome.ToString().ToUpperInvariant(),-14} {r.Name} {r.Type}  old: [{string.Join(", ", r.Old.Values)}]  new: [{string.Join(", ", r.New.Values)}]{(r.Detail is null ? "" : "  (" + r.Detail + ")")}");
            stdout.WriteLine($"{report.Checked} RRsets: {report.Matched} match, {report.Differing} differ, {report.Missing} missing, {report.Errors} errors "
                             + $"({report.Elapsed.TotalMilliseconds:0} ms, old {report.OldServer}, new {report.NewServer})");
        }
        return report.AllMatch ? ExitCodes.Success : ExitCodes.Problems;
    }
}
