using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Migrator.Core.Linting;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator zone lint FILE --origin NAME [--json] [--max-ttl SECONDS]</c>: Route 53 findings.
/// Exit 0 when no finding is an error, 1 otherwise, 2 for syntax errors (FILE:LINE:COLUMN on stderr).
/// </summary>
internal static class ZoneLintCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "BIND master file ($INCLUDE allowed)." };
        var origin = new Option<string>("--origin", "-o") { Description = "Zone name (the initial $ORIGIN).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON." };
        var maxTtl = new Option<uint>("--max-ttl")
        {
            Description = "Highest TTL (seconds) for web-facing records (A, AAAA, CNAME, HTTPS, SVCB) during the migration.",
            DefaultValueFactory = _ => Route53LintPolicy.Default.MaxMigrationTtl,
        };
        var command = new Command("lint", "Check a zone file against Route 53's rules and the migration policy.");
        command.Arguments.Add(file);
        command.Options.Add(origin);
        command.Options.Add(json);
        command.Options.Add(maxTtl);
        command.SetAction(parseResult => Run(parseResult.GetValue(file)!.ToString(), parseResult.GetValue(origin)!,
            parseResult.GetValue(json), parseResult.GetValue(maxTtl), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string path, string originText, bool json, uint maxTtl, TextWriter stdout, TextWriter stderr)
    {
        if (!ZoneCliSupport.TryParseOrigin(originText, stderr, out var origin)) return ExitCodes.Usage;
        var result = ZoneCliSupport.ReadZoneFile(path, path, origin);
        if (ZoneCliSupport.ReportDiagnostics(result, stderr)) return ExitCodes.Syntax;

        var report = Route53Linter.Lint(origin, result.Records, new Route53LintPolicy(MaxMigrationTtl: maxTtl));
        if (json) stdout.WriteLine(ToJson(origin.ToString(), report));
        else WriteText(stdout, report);
        return report.HasErrors ? ExitCodes.Problems : ExitCodes.Success;
    }

    private static void WriteText(TextWriter stdout, LintReport report)
    {
        foreach (var f in report.Findings)
        {
            var type = f.Type is { } t ? $" {t}" : "";
            stdout.WriteLine($"{Severity(f.Severity)} {f.RuleId} {f.Owner}{type}: {f.Message}");
            stdout.WriteLine($"    fix: {f.SuggestedFix}");
        }
        stdout.WriteLine($"{report.Count(LintSeverity.Error)} error(s), {report.Count(LintSeverity.Warning)} warning(s), {report.Count(LintSeverity.Info)} info");
    }

    private static string Severity(LintSeverity s) => s switch
    {
        LintSeverity.Error => "error",
        LintSeverity.Warning => "warning",
        _ => "info",
    };

    private static string ToJson(string zone, LintReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("zone", zone);
            json.WriteNumber("errors", report.Count(LintSeverity.Error));
            json.WriteNumber("warnings", report.Count(LintSeverity.Warning));
            json.WriteNumber("infos", report.Count(LintSeverity.Info));
            json.WriteStartArray("findings");
            foreach (var f in report.Findings)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", f.RuleId);
                json.WriteString("severity", Severity(f.Severity));
                json.WriteString("owner", f.Owner.ToString());
                if (f.Type is { } t) json.WriteString("type", t.ToString()); else json.WriteNull("type");
                json.WriteString("message", f.Message);
                json.WriteString("suggestedFix", f.SuggestedFix);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
