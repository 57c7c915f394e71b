using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Migrator.Cli.Client;

/// <summary>What a command of the REST client reads and writes; tests substitute every part.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool InputRedirected, Func<string, string?> Environment, CredentialStore Store)
{
    public static CliConsole System() => new(Console.Out, Console.Error, Console.In, Console.IsInputRedirected,
        global::System.Environment.GetEnvironmentVariable, CredentialStore.Default());
}

/// <summary>Options shared by every command that talks to a server, and the one place its failures become exit codes.</summary>
internal static class RemoteCommand
{
    public static readonly Option<string?> Server = new("--server") { Description = $"Server URL (else ${ServerConnection.ServerVariable}, else the stored login)" };
    public static readonly Option<string?> Token = new("--token") { Description = $"API token (else ${ServerConnection.TokenVariable}, else the stored login)" };
    public static readonly Option<bool> Json = new("--json") { Description = "Print the server's answer as JSON" };

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void AddConnectionOptions(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
        command.Options.Add(Json);
    }

    /// <summary>Resolves the connection and runs <paramref name="body"/>; an unreachable server is exit 69 with the reason on stderr.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CliConsole console, Func<MigratorApiClient, bool, Task<int>> body)
    {
        if (!ServerConnection.TryResolve(parse.GetValue(Server), parse.GetValue(Token), console.Environment, console.Store, console.Error, out var connection))
            return ExitCodes.BadInput;
        using var client = new MigratorApiClient(connection);
        try
        {
            return await body(client, parse.GetValue(Json));
        }
        catch (ServerUnreachableException e)
        {
            console.Error.WriteLine($"migrator: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }

    /// <summary>Prints a failed answer (stderr always; the ProblemDetails on stdout too with --json) and returns its exit code.</summary>
    public static int Fail(ApiAnswer answer, bool json, CliConsole console)
    {
        console.Error.WriteLine($"migrator: {answer.Describe()}");
        if (answer.Status == global::System.Net.HttpStatusCode.Unauthorized)
            console.Error.WriteLine("migrator: run `migrator login --server URL --user EMAIL`, or pass --token / set MIGRATOR_TOKEN");
        if (json && answer.Body is { } body) console.Out.WriteLine(JsonSerializer.Serialize(body, Indented));
        return answer.ExitCode;
    }

    public static void PrintJson(JsonElement? body, CliConsole console) =>
        console.Out.WriteLine(body is { } b ? JsonSerializer.Serialize(b, Indented) : "null");
}
