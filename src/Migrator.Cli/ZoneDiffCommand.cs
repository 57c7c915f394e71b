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
        else PlanTable.Write(stdout, plan, force);
        return plan.Safety.Allows(force) ? ExitCodes.Success : ExitCodes.Problems;
    }
}
