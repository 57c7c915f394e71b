using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Migrator.Core.Advising;
using Migrator.Core.Linting;
using Migrator.Core.Probing;
using Migrator.Core.ZoneFiles;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator zone advise FILE --origin NAME [--json] [--proposals] [--resolver IP[:PORT]]</c>: security-record advice
/// (SPF, DMARC, TLS-RPT, MTA-STS, DKIM, CAA, SOA, null MX). Exit 0 when no finding is an error, 1 otherwise,
/// 2 for syntax errors in the file (FILE:LINE:COLUMN on stderr), 64 for bad usage.
/// </summary>
internal static class ZoneAdviseCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "BIND master file ($INCLUDE allowed)." };
        var origin = new Option<string>("--origin", "-o") { Description = "Zone name (the initial $ORIGIN).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON." };
        var proposals = new Option<bool>("--proposals") { Description = "Print only the proposed records, as a zone-file fragment." };
        var resolver = new Option<string?>("--resolver") { Description = "Recursive resolver IP[:PORT] for names outside the zone (SPF includes, DMARC report authorisations). Without it nothing is looked up." };
        var command = new Command("advise", "Check the zone's mail and certificate security records (SPF, DMARC, TLS-RPT, MTA-STS, DKIM, CAA, SOA, null MX) and propose fixes.");
        command.Arguments.Add(file);
        foreach (var o in new Option[] { origin, json, proposals, resolver }) command.Options.Add(o);
        command.SetAction((p, ct) => Run(p.GetValue(file)!.ToString(), p.GetValue(origin)!, p.GetValue(json), p.GetValue(proposals),
            p.GetValue(resolver), TimeProvider.System, Console.Out, Console.Error, ct));
        return command;
    }

    internal static async Task<int> Run(string path, string originText, bool json, bool proposalsOnly, string? resolverText, TimeProvider time,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!ZoneCliSupport.TryParseOrigin(originText, stderr, out var origin)) return ExitCodes.Usage;
        DnsEndpoint? resolverEndpoint = null;
        if (resolverText is not null)
        {
            if (!DnsEndpoint.TryParse(resolverText, out var e))
            {
                stderr.WriteLine($"migrator: --resolver '{resolverText}' is not IP[:PORT]");
                return ExitCodes.Usage;
            }
            resolverEndpoint = e;
        }
        var result = ZoneCliSupport.ReadZoneFile(path, path, origin);
        if (ZoneCliSupport.ReportDiagnostics(result, stderr)) return ExitCodes.Syntax;

        using var probe = resolverEndpoint is null ? null : new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromSeconds(2)));
        var options = new AdvisorOptions(Resolver: probe is null ? null : new DnsProbeAdviceResolver(probe, resolverEndpoint!), Now: time.GetUtcNow());
        var report = await SecurityRecordsAdvisor.AdviseAsync(origin, result.Records, options, ct);

        if (proposalsOnly) ZoneFileWriter.Write(stdout, report.Proposals.Distinct());
        else if (json) stdout.WriteLine(ToJson(report));
        else WriteText(stdout, report);
        return report.HasErrors ? ExitCodes.Problems : ExitCodes.Success;
    }

    private static void WriteText(TextWriter stdout, AdviceReport report)
    {
        foreach (var f in report.Findings)
        {
            var type = f.Type is { } t ? $" {t}" : "";
            stdout.WriteLine($"{Severity(f.Severity)} {f.RuleId} {f.Owner}{type}: {f.Message} [{f.Reference}]");
            if (f.Proposed is { } p) stdout.WriteLine($"    propose: {Line(p)}");
        }
        stdout.WriteLine($"{report.Count(LintSeverity.Error)} error(s), {report.Count(LintSeverity.Warning)} warning(s), {report.Count(LintSeverity.Info)} info, "
                         + $"{report.Proposals.Distinct().Count()} proposed record(s)");
    }

    private static string Line(Core.Zones.ResourceRecord r)
    {
        using var w = new StringWriter();
        ZoneFileWriter.Write(w, r);
        return w.ToString().TrimEnd('\n', '\r');
    }

    private static string Severity(LintSeverity s) => s switch
    {
        LintSeverity.Error => "error",
        LintSeverity.Warning => "warning",
        _ => "info",
    };

    private static string ToJson(AdviceReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("zone", report.Zone.ToString());
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
                json.WriteString("reference", f.Reference);
                if (f.Proposed is { } p)
                {
                    json.WriteStartObject("proposed");
                    json.WriteString("name", p.Name.ToString());
                    json.WriteNumber("ttl", p.Ttl.Seconds);
                    json.WriteString("type", p.Type.ToString());
                    json.WriteString("data", p.Data);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
