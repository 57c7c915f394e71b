using System.CommandLine;
using Migrator.Core.Diffing;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator zone diff OLD NEW --origin NAME [--json] [--force] [--ignore-ttl] [--ignore-apex]</c>: the plan that
/// turns OLD into NEW, with its hash and the safety verdict. Exit 0 when the plan may be applied (safe, or unsafe and
/// --force), 1 when the safety check refuses it, 2 for syntax errors in either file.
/// </summary>
internal static class ZoneDiffCommand
{
    public static Command Create()
    {
        var oldFile = new Argument<FileInfo>("old") { Description = "The zone as it is (BIND master file)." };
        var newFile = new Argument<FileInfo>("new") { Description = "The zone as it should be." };
        var origin = new Option<string>("--origin", "-o") { Description = "Zone name (the initial $ORIGIN of both files).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON." };
        var force = new Option<bool>("--force") { Description = "Accept a plan the safety check refuses (>30% updates or deletes, apex NS/SOA changes)." };
        var ignoreTtl = new Option<bool>("--ignore-ttl") { Description = "Sets whose values match are unchanged whatever their TTLs." };
        var ignoreApex = new Option<bool>("--ignore-apex") { Description = "Leave the apex SOA and NS out (Route 53 manages its own)." };
        var command = new Command("diff", "Compute the plan (creates, updates, deletes) from one zone file to another.");
        command.Arguments.Add(oldFile);
        command.Arguments.Add(newFile);
        foreach (var o in new Option[] { origin, json, force, ignoreTtl, ignoreApex }) command.Options.Add(o);
        command.SetAction(parseResult => Run(parseResult.GetValue(oldFile)!.ToString(), parseResult.GetValue(newFile)!.ToString(),
            parseResult.GetValue(origin)!,
            new ZoneDiffOptions(parseResult.GetValue(ignoreApex), parseResult.GetValue(ignoreApex), parseResult.GetValue(ignoreTtl)),
            parseResult.GetValue(json), parseResult.GetValue(force), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string oldPath, string newPath, string originText, ZoneDiffOptions options, bool json, bool force,
        TextWriter stdout, TextWriter stderr)
    {
        if (!ZoneCliSupport.TryParseOrigin(originText, stderr, out var origin)) return ExitCodes.Usage;
        var old = ZoneCliSupport.ReadZoneFile(oldPath, oldPath, origin);
        var @new = ZoneCliSupport.ReadZoneFile(newPath, newPath, origin);
        var oldBad = ZoneCliSupport.ReportDiagnostics(old, stderr);
        var newBad = ZoneCliSupport.ReportDiagnostics(@new, stderr);
        if (oldBad || newBad) return ExitCodes.Syntax;

        var plan = ZoneDiff.Compute(origin, old.Records, @new.Records, options);
        if (json) stdout.WriteLine(PlanJson.Write(plan, force));
        else WriteTable(stdout, plan, force);
        return plan.Safety.Allows(force) ? ExitCodes.Success : ExitCodes.Problems;
    }

    private static void WriteTable(TextWriter stdout, Plan plan, bool force)
    {
        stdout.WriteLine($"Plan for {plan.Zone}  sha256:{plan.Hash}");
        if (plan.HasChanges)
        {
            var rows = new List<string[]>();
            foreach (var c in plan.Changes)
            {
                var ttl = c.Kind switch
                {
                    ChangeKind.Create => c.Desired!.Ttl.ToString(),
                    ChangeKind.Delete => c.Existing!.Ttl.ToString(),
                    _ => c.Existing!.Ttl == c.Desired!.Ttl ? c.Desired.Ttl.ToString() : $"{c.Existing.Ttl} -> {c.Desired.Ttl}",
                };
                var values = c.Kind switch
                {
                    ChangeKind.Create => Values(c.Desired!),
                    ChangeKind.Delete => Values(c.Existing!),
                    _ => Values(c.Existing!) == Values(c.Desired!) ? Values(c.Desired!) : $"{Values(c.Existing!)} -> {Values(c.Desired!)}",
                };
                var name = c.Key.SetIdentifier is { } id ? $"{c.Key.Name} [{id}]" : c.Key.Name.ToString();
                rows.Add([c.Kind.ToString(), name, c.Key.Type.ToString(), ttl, values]);
            }
            var widths = Enumerable.Range(0, 4).Select(i => Math.Max(rows.Max(r => r[i].Length), new[] { "Change", "Name", "Type", "TTL" }[i].Length)).ToArray();
            stdout.WriteLine($"  {"Change".PadRight(widths[0])}  {"Name".PadRight(widths[1])}  {"Type".PadRight(widths[2])}  {"TTL".PadRight(widths[3])}  Values");
            foreach (var r in rows)
                stdout.WriteLine($"  {r[0].PadRight(widths[0])}  {r[1].PadRight(widths[1])}  {r[2].PadRight(widths[2])}  {r[3].PadRight(widths[3])}  {r[4]}");
        }
        else stdout.WriteLine("  No changes.");
        stdout.WriteLine($"{plan.Deletes} delete(s), {plan.Creates} create(s), {plan.Updates} update(s) against {plan.ExistingSetCount} existing record set(s)");
        if (plan.Safety.IsSafe) stdout.WriteLine("Safety: safe");
        else
        {
            stdout.WriteLine(force ? "Safety: UNSAFE, forced with --force:" : "Safety: UNSAFE, refused (use --force to accept):");
            foreach (var v in plan.Safety.Violations) stdout.WriteLine($"  - {v.Message}");
        }
    }

    private static string Values(RecordSet set) => string.Join(", ", set.Values.Order(StringComparer.Ordinal));
}
