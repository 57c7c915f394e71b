using System.CommandLine;

namespace Migrator.Cli.Client;

/// <summary>
/// <c>migrator login --server URL --user EMAIL</c>: asks for the password, exchanges it for a personal API token
/// (POST /api/tokens/login, with the sign-in page's lockout rules) and stores server and token in the credentials file (0600).
/// </summary>
internal static class LoginCommand
{
    public static Command Create(Func<CliConsole> console)
    {
        var server = new Option<string>("--server") { Description = "Server URL, e.g. https://migrator.example.com", Required = true };
        var user = new Option<string>("--user") { Description = "Your email address", Required = true };
        var name = new Option<string?>("--name") { Description = "What the token is for (default: migrator CLI on HOSTNAME)" };
        var days = new Option<int?>("--expires-in-days") { Description = "Token lifetime in days, 1-365 (default 30)" };
        var command = new Command("login", "Sign in with your password and store an API token for later commands.") { server, user, name, days };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(server)!, parse.GetValue(user)!, parse.GetValue(name), parse.GetValue(days), console(), ct));
        return command;
    }

    public static Command CreateLogout(Func<CliConsole> console)
    {
        var logout = new Command("logout", "Revoke the stored token at its server and delete the credentials file.");
        logout.SetAction((_, ct) => LogoutAsync(console(), ct));
        return logout;
    }

    internal static async Task<int> RunAsync(string serverText, string email, string? name, int? days, CliConsole console, CancellationToken ct)
    {
        if (!ServerConnection.TryParseServer(serverText, out var server))
        {
            console.Error.WriteLine($"migrator: '{serverText}' is not an http(s) URL");
            return ExitCodes.BadInput;
        }
        var password = PasswordPrompt.Read(console, $"Password for {email} at {server}: ");
        if (string.IsNullOrEmpty(password))
        {
            console.Error.WriteLine("migrator: no password given");
            return ExitCodes.BadInput;
        }

        using var client = new MigratorApiClient(new ServerConnection(server, null));
        ApiAnswer answer;
        try
        {
            answer = await client.PostAsync("api/tokens/login", new
            {
                email, password, name = name ?? $"migrator CLI on {Environment.MachineName}", expiresInDays = days,
            }, ct);
        }
        catch (ServerUnreachableException e)
        {
            console.Error.WriteLine($"migrator: {e.Message}");
            return ExitCodes.Unavailable;
        }
        if (!answer.Succeeded || answer.Body is not { } body) return RemoteCommand.Fail(answer, json: false, console);

        var login = new StoredLogin(server.ToString(), email, body.GetProperty("token").GetString()!, body.GetProperty("id").GetGuid(),
            body.GetProperty("expiresAt").GetDateTimeOffset());
        console.Store.Write(login);
        console.Out.WriteLine($"Signed in to {server} as {email}; token {body.GetProperty("hint").GetString()} expires {login.ExpiresAt:yyyy-MM-dd HH:mm} UTC, saved in {console.Store.Path}");
        return ExitCodes.Success;
    }

    internal static async Task<int> LogoutAsync(CliConsole console, CancellationToken ct)
    {
        var stored = console.Store.Read();
        if (stored is null)
        {
            console.Error.WriteLine($"migrator: not logged in ({console.Store.Path} does not exist)");
            return ExitCodes.Success;
        }
        if (ServerConnection.TryParseServer(stored.Server, out var server))
        {
            using var client = new MigratorApiClient(new ServerConnection(server, stored.Token));
            try
            {
                var answer = await client.DeleteAsync($"api/tokens/{stored.TokenId}", ct);
                if (!answer.Succeeded) console.Error.WriteLine($"migrator: the server did not revoke the token: {answer.Describe()}");
            }
            catch (ServerUnreachableException e)
            {
                console.Error.WriteLine($"migrator: {e.Message}; the token stays valid at the server until it expires or is revoked there");
            }
        }
        console.Store.Delete();
        console.Out.WriteLine($"Logged out of {stored.Server}");
        return ExitCodes.Success;
    }
}
