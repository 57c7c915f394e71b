using System.CommandLine;
using System.Diagnostics;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Tsig;
using Migrator.Core.ZoneTransfer;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator route53 import --zone ZONE (--zone-file FILE | --axfr SERVER) [--dry-run] [--force]</c>: makes the hosted zone
/// hold what the file (or the transfer) holds, as cli53's <c>import --file</c> and octoDNS's <c>sync</c> do. The plan is
/// the one <c>zone diff</c> computes (apex SOA and NS left to Route 53) and its safety check decides; exit codes are
/// those of <c>zone diff</c>: 0 applied (or, with --dry-run, may be applied), 1 refused by the safety check or the
/// transfer failed, 2 syntax errors in the file, 64 bad arguments. Idempotent: a rerun (after a crash too) sends only
/// what is missing.
/// </summary>
public static class Route53Commands
{
    public static Command Create()
    {
        var route53 = new Command("route53", "Route 53: import a zone into a hosted zone.");
        var zone = new Option<string>("--zone", "--origin") { Description = "Zone name, e.g. example.com (the initial $ORIGIN of --zone-file)", Required = true };
        var zoneFile = new Option<FileInfo?>("--zone-file") { Description = "BIND master file to import ($INCLUDE allowed)" };
        var axfr = new Option<string?>("--axfr") { Description = "Import what this server sends by AXFR: IP[:PORT]" };
        var tsig = new Option<string?>("--tsig") { Description = "TSIG key for --axfr: [ALGORITHM:]NAME:BASE64SECRET" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and the safety verdict; change nothing" };
        var force = new Option<bool>("--force") { Description = "Apply a plan the safety check refuses (>30% updates or deletes)" };
        var endpoint = new Option<string?>("--endpoint") { Description = "Route 53 endpoint (the emulator), default AWS" };
        var profile = new Option<string?>("--profile") { Description = "AWS profile; default: access key options, else the SDK chain" };
        var accessKey = new Option<string?>("--access-key") { Description = "Access key id (the secret comes from --secret-env)" };
        var secretEnv = new Option<string>("--secret-env") { Description = "Environment variable holding the secret key", DefaultValueFactory = _ => "AWS_SECRET_ACCESS_KEY" };
        var rps = new Option<double>("--rps") { Description = "Requests per second for the account", DefaultValueFactory = _ => 5 };
        var pollMs = new Option<int>("--poll-ms") { Description = "GetChange poll interval", DefaultValueFactory = _ => 5000 };
        var callerReference = new Option<string?>("--caller-reference") { Description = "Stable caller reference for the zone create" };

        var import = new Command("import", "Make the hosted zone hold the zone file's (or the AXFR's) record sets; idempotent, safe to rerun after a crash.")
        {
            zone, zoneFile, axfr, tsig, dryRun, force, endpoint, profile, accessKey, secretEnv, rps, pollMs, callerReference,
        };
        import.SetAction((parse, ct) => ImportAsync(new ImportArguments(
            parse.GetValue(zone)!, parse.GetValue(zoneFile)?.ToString(), parse.GetValue(axfr), parse.GetValue(tsig),
            parse.GetValue(dryRun), parse.GetValue(force), parse.GetValue(endpoint), parse.GetValue(profile), parse.GetValue(accessKey),
            parse.GetValue(secretEnv)!, parse.GetValue(rps), parse.GetValue(pollMs), parse.GetValue(callerReference)), Console.Out, Console.Error, ct));
        route53.Subcommands.Add(import);
        route53.Subcommands.Add(Route53PolicyCommand.Create());
        return route53;
    }

    private sealed record ImportArguments(string Zone, string? ZoneFile, string? Axfr, string? Tsig, bool DryRun, bool Force,
        string? Endpoint, string? Profile, string? AccessKey, string SecretEnv, double Rps, int PollMs, string? CallerReference);

    private static async Task<int> ImportAsync(ImportArguments a, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!ZoneCliSupport.TryParseOrigin(a.Zone, stderr, out var zoneName)) return ExitCodes.Usage;
        if ((a.ZoneFile is null) == (a.Axfr is null))
        {
            stderr.WriteLine("migrator: give exactly one of --zone-file FILE and --axfr SERVER");
            return ExitCodes.Usage;
        }
        var account = new AwsAccountOptions
        {
            Name = "cli", Profile = a.Profile, AccessKey = a.AccessKey,
            SecretKey = a.AccessKey is null ? null : Environment.GetEnvironmentVariable(a.SecretEnv),
            Route53Endpoint = a.Endpoint is { } e ? new Uri(e) : null, RequestsPerSecond = a.Rps,
        };
        if (account.AccessKey is not null && account.SecretKey is null)
        {
            stderr.WriteLine($"migrator: --access-key given but ${a.SecretEnv} is not set");
            return ExitCodes.Usage;
        }

        IReadOnlyList<ResourceRecord> records;
        if (a.ZoneFile is { } path)
        {
            var read = ZoneCliSupport.ReadZoneFile(path, path, zoneName);
            if (ZoneCliSupport.ReportDiagnostics(read, stderr, warnings: true)) return ExitCodes.Syntax;
            records = read.Records;
        }
        else
        {
            if (!AxfrClient.TryParseServer(a.Axfr!, out var server, out var serverError))
            {
                stderr.WriteLine($"migrator: bad --axfr: {serverError}");
                return ExitCodes.Usage;
            }
            TsigKey? key = null;
            if (a.Tsig is not null && !TsigKey.TryParse(a.Tsig, out key, out var keyError))
            {
                stderr.WriteLine($"migrator: bad --tsig: {keyError}");
                return ExitCodes.Usage;
            }
            var transfer = await AxfrClient.TransferAsync(zoneName, server!, TimeProvider.System, key, TimeSpan.FromSeconds(60), ct);
            if (transfer.Error is { } error)
            {
                stderr.WriteLine($"migrator: {error.Message}");
                return ExitCodes.Problems;
            }
            records = transfer.Records;
        }
        var desired = RecordSet.Group(records);

        using var accounts = new Route53Accounts([account], TimeProvider.System, schedulerOptions: o => new Route53SchedulerOptions
        {
            RequestsPerSecond = o.RequestsPerSecond, PollInterval = TimeSpan.FromMilliseconds(a.PollMs),
        });
        var scheduler = accounts.Get("cli").Scheduler;
        var watch = Stopwatch.StartNew();

        // A dry run must not create the zone: it plans against the zone if it exists, else against an empty one.
        Route53TargetZone? target;
        if (a.DryRun)
        {
            var found = (await scheduler.CallAsync(c => scheduler.Client.FindHostedZonesByNameAsync(zoneName, c), ct)).Where(z => !z.PrivateZone).ToList();
            if (found.Count > 1)
            {
                stderr.WriteLine($"migrator: {found.Count} public hosted zones are named {zoneName}; import into one by hand");
                return ExitCodes.Problems;
            }
            target = found.Count == 1 ? new Route53TargetZone(scheduler, found[0].Id, zoneName) : null;
        }
        else
        {
            target = await Route53TargetZone.FindOrCreateAsync(scheduler, zoneName,
                a.CallerReference ?? $"migrator-cli-{zoneName.ToLowerString()}", "migrator route53 import", ct);
        }
        stdout.WriteLine(target is null ? $"zone (none yet) {zoneName}" : $"zone {target.ZoneId} {zoneName}");

        // The plan is the target's own (zone diff's, apex SOA and NS left to Route 53): what is shown is what is applied.
        var options = new ZoneSyncOptions(Force: a.Force);
        var existing = target is null ? [] : await target.CurrentAsync(ct);
        var plan = (target ?? new Route53TargetZone(scheduler, "(not created)", zoneName)).PlanFrom(existing, desired, options);
        PlanTable.Write(stdout, plan, a.Force, changes: a.DryRun);
        if (!plan.Safety.Allows(a.Force)) return ExitCodes.Problems;
        if (a.DryRun) return ExitCodes.Success;

        // The sync reads the zone again and sends only what is missing, so a change made since the plan is not lost.
        var report = await target!.SyncAsync(desired, options, new ConsoleProgress(stdout), ct);
        var stats = scheduler.Stats;
        stdout.WriteLine($"done created={report.Created} updated={report.Updated} deleted={report.Deleted} batches={report.Batches} " +
            $"calls={stats.Calls} change-calls={stats.ChangeCalls} retried={stats.Retried} seconds={watch.Elapsed.TotalSeconds:F1}");
        return ExitCodes.Success;
    }

    private sealed class ConsoleProgress(TextWriter stdout) : IProgress<ZoneSyncProgress>
    {
        public void Report(ZoneSyncProgress value) => stdout.WriteLine($"progress {value.BatchesDone}/{value.BatchesTotal} {value.Message}");
    }
}
