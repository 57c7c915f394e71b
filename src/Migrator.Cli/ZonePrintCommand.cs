using System.CommandLine;
using Migrator.Core.Ports;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary><c>migrator zone print FILE --origin NAME</c>: the zone in the writer's form, one record per line; the reader's warnings on stderr.</summary>
internal static class ZonePrintCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "BIND master file ($INCLUDE allowed)." };
        var origin = new Option<string>("--origin", "-o") { Description = "Zone name (the initial $ORIGIN).", Required = true };
        var command = new Command("print", "Read a zone file as BIND does and print it: one record per line, absolute names, explicit TTL and class.");
        command.Arguments.Add(file);
        command.Options.Add(origin);
        command.SetAction(parseResult =>
        {
            var display = parseResult.GetValue(file)!.ToString();
            return Run(display, display, parseResult.GetValue(origin)!, Console.Out, Console.Error);
        });
        return command;
    }

    internal static int Run(string display, string path, string originText, TextWriter stdout, TextWriter stderr)
    {
        if (!ZoneCliSupport.TryParseOrigin(originText, stderr, out var origin)) return ExitCodes.Usage;
        var result = ZoneCliSupport.ReadZoneFile(display, path, origin);
        if (ZoneCliSupport.ReportDiagnostics(result, stderr, warnings: true)) return ExitCodes.Syntax;
        using var buffered = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 65536) { AutoFlush = false };
        var target = ReferenceEquals(stdout, Console.Out) ? buffered : stdout;
        ZoneFileWriter.Write(target, result.Records);
        target.Flush();
        return ExitCodes.Success;
    }
}

/// <summary>Shared behaviour of zone commands: reading a file and reporting every error as FILE:LINE:COLUMN (exit 2).</summary>
internal static class ZoneCliSupport
{
    public static bool TryParseOrigin(string text, TextWriter stderr, out DomainName origin)
    {
        var absolute = text.EndsWith('.') ? text : text + ".";
        if (DomainName.TryParse(absolute, null, out origin, out var error)) return true;
        stderr.WriteLine($"migrator: bad --origin '{text}': {error}");
        return false;
    }

    /// <summary>Reads a zone file the way the CLI does ($INCLUDE allowed, relative to the file).</summary>
    public static ZoneReadResult ReadZoneFile(string display, string path, DomainName origin)
    {
        var options = new ZoneFileReaderOptions { AllowInclude = true };
        if (!File.Exists(path))
            return new ZoneReadResult([], [new ZoneReadDiagnostic("file not found", display, 1, 1)]);
        // Positions name the file as the user typed it.
        return ZoneFileReader.Read(display, origin, options);
    }

    /// <summary>Writes warnings and errors to stderr; true when there was an error.</summary>
    public static bool ReportDiagnostics(ZoneReadResult result, TextWriter stderr, bool warnings = false)
    {
        foreach (var d in result.Diagnostics)
        {
            if (!d.IsError && !warnings) continue;
            stderr.WriteLine(d.IsError ? d.ToString() : $"{d} (warning)");
        }
        return !result.Succeeded;
    }
}
