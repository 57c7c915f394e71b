using Migrator.Core.Tsig;
using System.CommandLine;
using Migrator.Core.ZoneFiles;
using Migrator.Core.ZoneTransfer;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator zone axfr ZONE --server IP[:PORT] [--tsig NAME:ALG:SECRET] [--timeout SECONDS]</c>: the transferred
/// zone in the writer's form. Exit 0 on success, 1 when the transfer fails (reason on stderr), 64 for bad arguments.
/// The TSIG secret is never printed.
/// </summary>
internal static class ZoneAxfrCommand
{
    public static Command Create()
    {
        var zone = new Argument<string>("zone") { Description = "Zone to transfer, e.g. example.com." };
        var server = new Option<string>("--server", "-s") { Description = "Primary or secondary to transfer from: IP[:PORT] (port 53 by default).", Required = true };
        var tsig = new Option<string?>("--tsig", "-y") { Description = "TSIG key NAME:ALGORITHM:BASE64SECRET (hmac-sha256, hmac-sha512, ...)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection and for each message.", DefaultValueFactory = _ => AxfrClient.DefaultTimeout.TotalSeconds };
        var command = new Command("axfr", "Transfer a zone (AXFR over TCP) and print it one record per line.");
        command.Arguments.Add(zone);
        command.Options.Add(server);
        command.Options.Add(tsig);
        command.Options.Add(timeout);
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(parseResult.GetValue(zone)!, parseResult.GetValue(server)!,
            parseResult.GetValue(tsig), parseResult.GetValue(timeout), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string zoneText, string serverText, string? tsigText, double timeoutSeconds,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!ZoneCliSupport.TryParseOrigin(zoneText, stderr, out var zone)) return ExitCodes.Usage;
        if (!AxfrClient.TryParseServer(serverText, out var server, out var serverError))
        {
            stderr.WriteLine($"migrator: bad --server: {serverError}");
            return ExitCodes.Usage;
        }
        TsigKey? key = null;
        if (tsigText is not null && !TsigKey.TryParse(tsigText, out key, out var keyError))
        {
            stderr.WriteLine($"migrator: bad --tsig: {keyError}");
            return ExitCodes.Usage;
        }
        if (timeoutSeconds is <= 0 or > 3600)
        {
            stderr.WriteLine("migrator: --timeout must be between 0 and 3600 seconds");
            return ExitCodes.Usage;
        }

        var result = await AxfrClient.TransferAsync(zone, server!, TimeProvider.System, key, TimeSpan.FromSeconds(timeoutSeconds), cancellationToken);
        if (result.Error is { } error)
        {
            stderr.WriteLine($"migrator: {error.Message}");
            return ExitCodes.Problems;
        }
        ZoneFileWriter.Write(stdout, result.Records);
        stdout.Flush();
        return ExitCodes.Success;
    }
}
