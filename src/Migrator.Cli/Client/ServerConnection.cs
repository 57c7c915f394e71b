namespace Migrator.Cli.Client;

/// <summary>
/// Which server to call and with which token: <c>--server</c>/<c>--token</c>, else <c>MIGRATOR_SERVER</c>/<c>MIGRATOR_TOKEN</c>,
/// else the stored login. A stored token is only ever sent to the server it was issued by.
/// </summary>
public sealed record ServerConnection(Uri Server, string? Token)
{
    public const string ServerVariable = "MIGRATOR_SERVER";
    public const string TokenVariable = "MIGRATOR_TOKEN";

    public static bool TryResolve(string? serverOption, string? tokenOption, Func<string, string?> environment, CredentialStore store,
        TextWriter stderr, out ServerConnection connection)
    {
        connection = null!;
        var stored = store.Read();
        var serverText = NonEmpty(serverOption) ?? NonEmpty(environment(ServerVariable)) ?? stored?.Server;
        if (serverText is null)
        {
            stderr.WriteLine($"migrator: no server: give --server URL, set {ServerVariable}, or run `migrator login --server URL --user EMAIL`");
            return false;
        }
        if (!TryParseServer(serverText, out var server))
        {
            stderr.WriteLine($"migrator: '{serverText}' is not an http(s) URL");
            return false;
        }
        var token = NonEmpty(tokenOption) ?? NonEmpty(environment(TokenVariable))
                    ?? (stored is not null && TryParseServer(stored.Server, out var storedServer) && SameServer(storedServer, server) ? stored.Token : null);
        connection = new ServerConnection(server, token);
        return true;
    }

    public static bool TryParseServer(string text, out Uri server)
    {
        server = null!;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return false;
        server = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        return true;
    }

    private static bool SameServer(Uri a, Uri b) => Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
