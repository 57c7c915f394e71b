using System.CommandLine;
using System.Diagnostics;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>`migrator route53 ...`: direct Route 53 operations (imports for load tests, crash/rerun checks).</summary>
public static class Route53Commands
{
    public static Command Create()
    {
        var route53 = new Command("route53", "Route 53: import record sets into a hosted zone.");
        var zone = new Option<string>("--zone") { Description = "Zone name, e.g. example.com", Required = true };
        var generate = new Option<int>("--generate") { Description = "Import N deterministic synthetic record sets", Required = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "Route 53 endpoint (the emulator), default AWS" };
        var profile = new Option<string?>("--profile") { Description = "AWS profile; default: access key options, else the SDK chain" };
        var accessKey = new Option<string?>("--access-key") { Description = "Access key id (the secret comes from --secret-env)" };
        var secretEnv = new Option<string>("--secret-env") { Description = "Environment variable holding the secret key", DefaultValueFactory = _ => "AWS_SECRET_ACCESS_KEY" };
        var rps = new Option<double>("--rps") { Description = "Requests per second for the account", DefaultValueFactory = _ => 5 };
        var pollMs = new Option<int>("--poll-ms") { Description = "GetChange poll interval", DefaultValueFactory = _ => 5000 };
        var callerReference = new Option<string?>("--caller-reference") { Description = "Stable caller reference for the zone create" };

        var import = new Command("import", "Make the zone hold the given record sets (idempotent; safe to rerun after a crash).")
        {
            zone, generate, endpoint, profile, accessKey, secretEnv, rps, pollMs, callerReference,
        };
        import.SetAction(async (parse, ct) =>
        {
            var account = new AwsAccountOptions
            {
                Name = "cli", Profile = parse.GetValue(profile), AccessKey = parse.GetValue(accessKey),
                SecretKey = parse.GetValue(accessKey) is null ? null : Environment.GetEnvironmentVariable(parse.GetValue(secretEnv)!),
                Route53Endpoint = parse.GetValue(endpoint) is { } e ? new Uri(e) : null, RequestsPerSecond = parse.GetValue(rps),
            };
            if (account.AccessKey is not null && account.SecretKey is null)
            {
                Console.Error.WriteLine($"error: --access-key given but ${parse.GetValue(secretEnv)} is not set");
                return ExitCodes.Usage;
            }
            using var accounts = new Route53Accounts([account], schedulerOptions: o => new Route53SchedulerOptions
            {
                RequestsPerSecond = o.RequestsPerSecond, PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(pollMs)),
            });
            var r53 = accounts.Get("cli");
            var zoneName = DomainName.Parse(parse.GetValue(zone)!.TrimEnd('.') + ".");
            var desired = SyntheticRecordSets.Generate(zoneName, parse.GetValue(generate));
            var watch = Stopwatch.StartNew();
            var target = await Route53TargetZone.FindOrCreateAsync(r53.Scheduler, zoneName,
                parse.GetValue(callerReference) ?? $"migrator-cli-{zoneName.ToLowerString()}", "migrator route53 import", ct);
            Console.WriteLine($"zone {target.ZoneId} {zoneName}");
            var report = await target.SyncAsync(desired, new ZoneSyncOptions(), new ConsoleProgress(), ct);
            var stats = r53.Scheduler.Stats;
            Console.WriteLine($"done created={report.Created} updated={report.Updated} deleted={report.Deleted} batches={report.Batches} " +
                $"calls={stats.Calls} change-calls={stats.ChangeCalls} retried={stats.Retried} seconds={watch.Elapsed.TotalSeconds:F1}");
            return ExitCodes.Success;
        });
        route53.Subcommands.Add(import);
        return route53;
    }

    private sealed class ConsoleProgress : IProgress<ZoneSyncProgress>
    {
        public void Report(ZoneSyncProgress value) => Console.WriteLine($"progress {value.BatchesDone}/{value.BatchesTotal} {value.Message}");
    }
}
