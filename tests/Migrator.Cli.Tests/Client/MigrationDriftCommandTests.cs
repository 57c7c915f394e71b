using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Migrator.Cli.Tests.Client;

/// <summary>
/// <c>migration withdraw-approval</c>, <c>migration drift check|resync|accept</c> and <c>migration dnssec set|turn-off</c> against a stand-in API on loopback: the
/// request each sends (path, body, token) and how the answer becomes the exit code.
/// </summary>
public sealed class MigrationDriftCommandTests : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<(string Method, string Path, string Body, string? Authorization)> _requests = new();
    private readonly Task _serving;
    private readonly string _server;

    /// <summary>What the stand-in answers per path suffix: status and JSON body.</summary>
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _answers = new();

    public MigrationDriftCommandTests()
    {
        (_listener, _server) = StartListener();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>
    /// HttpListener cannot bind port 0, so a free port is found first and bound next; another process (a parallel test
    /// run) can take it in between. Then another free port is tried: the port is the test's choice, not its subject.
    /// </summary>
    private static (HttpListener Listener, string Prefix) StartListener()
    {
        for (var attempt = 1; ; attempt++)
        {
            var prefix = $"http://127.0.0.1:{FreeTcpPort()}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return (listener, prefix);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                // Closing a listener whose prefix never bound makes HttpListener try to bind it again to remove it, which
                // fails the same way while the other process holds the port; there is nothing left to release.
                try { listener.Close(); }
                catch (HttpListenerException) { }
            }
        }
    }

    private static int FreeTcpPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext c;
            try { c = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var reader = new StreamReader(c.Request.InputStream, Encoding.UTF8);
            var path = c.Request.Url!.AbsolutePath;
            _requests.Enqueue((c.Request.HttpMethod, path, await reader.ReadToEndAsync(), c.Request.Headers["Authorization"]));
            var (status, body) = _answers.FirstOrDefault(a => path.EndsWith(a.Key, StringComparison.Ordinal)).Value;
            if (status == 0) (status, body) = (404, """{"title":"Not Found"}""");
            c.Response.StatusCode = status;
            c.Response.ContentType = status >= 400 ? "application/problem+json" : "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await c.Response.OutputStream.WriteAsync(bytes);
            c.Response.Close();
        }
    }

    public void Dispose()
    {
        // Close alone: Stop releases the port, and a Close after it binds the port again to remove the prefix, which
        // fails when a parallel test run took the port in between (seen in two runs at once).
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(30));
    }

    private const string Waited = """{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","zoneName":"example.com","state":"Waited","nextStep":"RequestApproval"}""";

    private (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        MigratorProcess.Run([.. args, "--server", _server, "--token", "mgr_test"]);

    [Fact]
    public void WithdrawApproval_PostsToTheWithdrawEndpoint_AndExitsZero()
    {
        _answers["/request-approval/withdraw"] = (200, Waited);

        var (code, stdout, stderr) = Run("migration", "withdraw-approval", "Example.COM");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        var r = Assert.Single(_requests);
        Assert.Equal(("POST", "/api/migrations/example.com./request-approval/withdraw"), (r.Method, r.Path));
        Assert.Equal("Bearer mgr_test", r.Authorization);
        Assert.Contains("Waited", stdout);
    }

    [Fact]
    public void DriftCheck_PostsToTheCheckEndpoint_AndPrintsTheStatusAsJson()
    {
        _answers["/drift/check"] = (200, Waited);

        var (code, stdout, stderr) = Run("migration", "drift", "check", "example.com", "--json");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(("POST", "/api/migrations/example.com./drift/check"), (Assert.Single(_requests).Method, _requests.Single().Path));
        Assert.Contains("\"state\": \"Waited\"", stdout);
    }

    [Fact]
    public void DriftResync_PostsToTheResyncEndpoint_AndExitsZero_WhenTheServerAcceptsIt()
    {
        _answers["/drift/resync"] = (202, Waited);

        var (code, stdout, stderr) = Run("migration", "drift", "resync", "example.com");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(("POST", "/api/migrations/example.com./drift/resync"), (Assert.Single(_requests).Method, _requests.Single().Path));
    }

    [Fact]
    public void DriftAccept_SendsTheReason_AndExitsOne_WhenTheServerRefuses()
    {
        _answers["/drift/accept"] = (409, """{"title":"Conflict","detail":"the migration changed"}""");

        var (code, _, stderr) = Run("migration", "drift", "accept", "example.com", "--reason", "www moves on purpose");

        Assert.Equal(1, code);
        var r = Assert.Single(_requests);
        Assert.Equal("/api/migrations/example.com./drift/accept", r.Path);
        Assert.Contains("\"reason\":\"www moves on purpose\"", r.Body);
        Assert.Contains("the migration changed", stderr);
    }

    [Fact]
    public void DnssecSet_PutsTheChoiceAndTheKey_AndExitsZero()
    {
        const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        _answers["/dnssec"] = (200, Waited);

        var (code, stdout, stderr) = Run("migration", "dnssec", "set", "example.com", "--signing", "aftermigration", "--kms-key-arn", Key);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        var r = Assert.Single(_requests);
        Assert.Equal(("PUT", "/api/migrations/example.com./dnssec"), (r.Method, r.Path));
        Assert.Contains("\"signing\":\"AfterMigration\"", r.Body);
        Assert.Contains($"\"kmsKeyArn\":\"{Key}\"", r.Body);
    }

    [Fact]
    public void DnssecTurnOff_ExitsOne_AndPrintsWhy_WhenSigningIsAlreadyOff()
    {
        _answers["/dnssec/turn-off"] = (409, """{"title":"Migration already in progress","detail":"DNSSEC is already off for example.com. (since 2026-12-02 15:00:00Z): nothing to turn off"}""");

        var (code, stdout, stderr) = Run("migration", "dnssec", "turn-off", "example.com", "--reason", "pressed twice");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("DNSSEC is already off for example.com. (since 2026-12-02 15:00:00Z): nothing to turn off", stderr);
    }

    [Fact]
    public void DnssecTurnOff_SendsTheReason_AndExitsOne_WhenTheServerRefuses()
    {
        _answers["/dnssec/turn-off"] = (409, """{"title":"Conflict","detail":"DNSSEC is turned off only after completion (the migration is Waited)"}""");

        var (code, _, stderr) = Run("migration", "dnssec", "turn-off", "example.com", "--reason", "registrar cannot take DS");

        Assert.Equal(1, code);
        var r = Assert.Single(_requests);
        Assert.Equal(("POST", "/api/migrations/example.com./dnssec/turn-off"), (r.Method, r.Path));
        Assert.Contains("\"reason\":\"registrar cannot take DS\"", r.Body);
        Assert.Contains("only after completion", stderr);
    }

    [Theory]
    [InlineData("migration", "dnssec", "set", "example.com")]
    [InlineData("migration", "dnssec", "set", "example.com", "--signing", "sometimes")]
    [InlineData("migration", "dnssec", "set", "example.com", "--signing", "Now", "--kms-key-arn", "arn:aws:kms:eu-west-1:111122223333:key/x")]
    [InlineData("migration", "dnssec", "turn-off", "example.com")]
    [InlineData("migration", "drift", "accept", "example.com")]
    [InlineData("migration", "drift", "accept", "example.com", "--reason", " ")]
    [InlineData("migration", "drift", "check", "bad..zone")]
    [InlineData("migration", "withdraw-approval", "bad..zone")]
    public void DriftAndWithdraw_ExitTwo_WithoutAskingTheServer_WhenInputIsBad(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Empty(_requests);
    }
}
