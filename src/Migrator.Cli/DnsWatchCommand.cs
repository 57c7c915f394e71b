using System.CommandLine;
using System.Globalization;
using Migrator.Core.Probing;

namespace Migrator.Cli;

/// <summary><c>migrator dns watch ZONE --resolver IP...</c>: the canary's new share per interval beside the half-life model.</summary>
internal static class DnsWatchCommand
{
    public static Command Create()
    {
        var zone = new Argument<string>("zone") { Description = "The zone whose _migrator-canary TXT is watched." };
        var resolvers = new Option<string[]>("--resolver") { Description = "Recursive resolver(s) to ask, IP[:PORT] (repeatable or comma-separated).", Required = true, AllowMultipleArgumentsPerToken = true };
        var interval = new Option<double>("--interval") { Description = "Seconds between rounds.", DefaultValueFactory = _ => 10 };
        var duration = new Option<double>("--duration") { Description = "Seconds to watch.", DefaultValueFactory = _ => 1500 };
        var ttl = new Option<uint>("--ttl") { Description = "TTL (s) the model uses: the delegation TTL before the change.", DefaultValueFactory = _ => 300 };
        var since = new Option<DateTimeOffset?>("--since") { Description = "When the change was made (ISO 8601); default: now." };
        var floor = new Option<double>("--isp-floor") { Description = "Share (0–1) of resolvers that hold answers ≥ 24 h.", DefaultValueFactory = _ => 0 };
        var id = new Option<string>("--canary-id") { Description = "Canary id to accept; '*' accepts any.", DefaultValueFactory = _ => Canary.AnyId };
        var command = new Command("watch", "Measure propagation: ask each resolver for the canary every interval and print the measured new share beside the expected share.");
        command.Arguments.Add(zone);
        foreach (var o in new Option[] { resolvers, interval, duration, ttl, since, floor, id }) command.Options.Add(o);
        command.SetAction((p, ct) => Run(p.GetValue(zone)!, p.GetValue(resolvers), p.GetValue(interval), p.GetValue(duration), p.GetValue(ttl),
            p.GetValue(since), p.GetValue(floor), p.GetValue(id)!, Console.Out, Console.Error, TimeProvider.System, ct));
        return command;
    }

    internal static async Task<int> Run(string zoneText, string[]? resolverTexts, double intervalSeconds, double durationSeconds, uint ttl,
        DateTimeOffset? since, double ispFloor, string canaryId, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        if (!DnsCliSupport.TryZone(zoneText, stderr, out var zone)) return ExitCodes.Usage;
        if (!DnsCliSupport.TryEndpoints(resolverTexts, "--resolver", stderr, out var endpoints)) return ExitCodes.Usage;
        if (intervalSeconds <= 0 || durationSeconds < 0 || ttl == 0 || ispFloor is < 0 or > 1)
        {
            stderr.WriteLine("migrator: --interval and --ttl must be positive, --duration not negative, --isp-floor within 0–1");
            return ExitCodes.Usage;
        }
        Canary canary;
        try { canary = new Canary(zone, canaryId); }
        catch (ArgumentException ex) { stderr.WriteLine($"migrator: {ex.Message}"); return ExitCodes.Usage; }

        var model = new PropagationModel(TimeSpan.FromSeconds(ttl), ispFloor);
        var changedAt = since ?? time.GetUtcNow();
        var started = time.GetUtcNow();
        using var probe = new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromSeconds(Math.Clamp(intervalSeconds / 2, 0.2, 2)), Retries: 0));
        var sampler = new PropagationSampler(probe, canary, time);
        var targets = endpoints.Select(e => new PropagationTarget(e.ToString(), e)).ToList();
        stdout.WriteLine($"watching {canary.Name} TXT at {string.Join(", ", targets.Select(t => t.Label))}; model TTL {ttl}s"
                         + (ispFloor > 0 ? $", ISP floor {ispFloor:P0}" : "") + $"; 5 × TTL = {model.WaitBeforeCutover().TotalSeconds:0}s");
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var rounds = 0;
        while (true)
        {
            var round = await sampler.SampleAsync(targets, ct);
            rounds++;
            var at = round.Max(s => s.At);
            var since0 = at - changedAt;
            int o = round.Count(s => s.Classification == CanaryClassification.Old), n = round.Count(s => s.Classification == CanaryClassification.New);
            var measured = o + n == 0 ? "   n/a" : Percent((double)n / (o + n));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"t={since0.TotalSeconds,7:0.0}s  new={measured}  expected={Percent(model.ExpectedShare(since0))}  old={o} new={n} unknown={round.Count(s => s.Classification == CanaryClassification.Unknown)} error={round.Count(s => s.Classification == CanaryClassification.Error)}"));
            var next = started + interval * rounds;
            if (next - started > TimeSpan.FromSeconds(durationSeconds)) break;
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
        }
        return ExitCodes.Success;
    }

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(5) + "%";
}
