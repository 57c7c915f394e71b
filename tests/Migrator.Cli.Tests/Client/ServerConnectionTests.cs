using Migrator.Cli.Client;

namespace Migrator.Cli.Tests.Client;

public sealed class ServerConnectionTests : IDisposable
{
    private readonly DirectoryInfo home = Directory.CreateTempSubdirectory("migrator-cli-conn-");
    private readonly CredentialStore store;

    public ServerConnectionTests()
    {
        store = new CredentialStore(Path.Combine(home.FullName, "credentials.json"));
        store.Write(new StoredLogin("http://127.0.0.1:5080/", "me@example.test", "stored-token", Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(1)));
    }

    public void Dispose() => home.Delete(recursive: true);

    private static Func<string, string?> Env(string? server = null, string? token = null) => name => name switch
    {
        ServerConnection.ServerVariable => server,
        ServerConnection.TokenVariable => token,
        _ => null,
    };

    [Fact]
    public void TryResolve_PrefersOptions_ThenEnvironment_ThenStoredLogin()
    {
        Assert.True(ServerConnection.TryResolve("http://127.0.0.2:1/", "option-token", Env("http://127.0.0.3:1", "env-token"), store, TextWriter.Null, out var fromOptions));
        Assert.Equal(new ServerConnection(new Uri("http://127.0.0.2:1/"), "option-token"), fromOptions);

        Assert.True(ServerConnection.TryResolve(null, null, Env("http://127.0.0.3:1", "env-token"), store, TextWriter.Null, out var fromEnvironment));
        Assert.Equal(new ServerConnection(new Uri("http://127.0.0.3:1/"), "env-token"), fromEnvironment);

        Assert.True(ServerConnection.TryResolve(null, null, Env(), store, TextWriter.Null, out var fromStore));
        Assert.Equal(new ServerConnection(new Uri("http://127.0.0.1:5080/"), "stored-token"), fromStore);
    }

    [Fact]
    public void TryResolve_NeverSendsTheStoredToken_ToAnotherServer()
    {
        Assert.True(ServerConnection.TryResolve("http://127.0.0.9:5080", null, Env(), store, TextWriter.Null, out var other));
        Assert.Null(other.Token);
        Assert.True(ServerConnection.TryResolve("http://127.0.0.1:5080", null, Env(), store, TextWriter.Null, out var same));
        Assert.Equal("stored-token", same.Token);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public void TryResolve_Fails_WhenServerIsNotHttp(string server)
    {
        var error = new StringWriter();
        Assert.False(ServerConnection.TryResolve(server, null, Env(), store, error, out _));
        Assert.Contains("is not an http(s) URL", error.ToString());
    }

    [Fact]
    public void TryResolve_TellsHowToLogIn_WhenNoServerAnywhere()
    {
        var error = new StringWriter();
        var empty = new CredentialStore(Path.Combine(home.FullName, "none.json"));
        Assert.False(ServerConnection.TryResolve(null, null, Env(), empty, error, out _));
        Assert.Contains("migrator login --server URL --user EMAIL", error.ToString());
    }

    [Fact]
    public void TryParseServer_KeepsAPathPrefix()
    {
        Assert.True(ServerConnection.TryParseServer("https://tools.example.test/migrator", out var server));
        Assert.Equal("https://tools.example.test/migrator/", server.ToString());
    }
}
