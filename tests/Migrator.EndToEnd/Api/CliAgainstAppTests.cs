using System.Text.Json;
using Migrator.EndToEnd.Browser;

namespace Migrator.EndToEnd.Api;

/// <summary>The real web app (sandbox mode) as one process, shared by the CLI tests; each test uses its own zones.</summary>
public sealed class SandboxAppProcess : IAsyncLifetime
{
    public WebAppProcess App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await WebAppProcess.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>`migrator login` and `migrator migration …` against the real app as a child process: exit codes, output, stored credentials.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliAgainstAppTests(SandboxAppProcess fixture) : IClassFixture<SandboxAppProcess>, IDisposable
{
    private const string Operator = "operator@sandbox.local";
    private const string OperatorPassword = "Operator-sandbox-1";
    private const string Viewer = "viewer@sandbox.local";
    private const string ViewerPassword = "Viewer-sandbox-1";

    private readonly DirectoryInfo configHome = Directory.CreateTempSubdirectory("migrator-cli-e2e-");
    private string Server => fixture.App.BaseAddress.ToString();

    public void Dispose() => configHome.Delete(recursive: true);

    private CliProcess Cli() => new(configHome.FullName);

    private static string Zone() => $"cli-{Guid.NewGuid():N}"[..20] + ".example";

    private async Task<CliProcess> LoggedInAsync(string user, string password)
    {
        var cli = Cli();
        var login = await cli.RunAsync(["login", "--server", Server, "--user", user], password + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
        return cli;
    }

    [Fact]
    public async Task Login_StoresTokenInAFileOnlyItsOwnerCanRead_AndLaterCommandsUseIt()
    {
        var cli = Cli();
        var login = await cli.RunAsync(["login", "--server", Server, "--user", Operator], OperatorPassword + "\n");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"Signed in to {Server} as {Operator}", login.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.CredentialsPath));
        using (var stored = JsonDocument.Parse(await File.ReadAllTextAsync(cli.CredentialsPath)))
        {
            Assert.Equal(Server, stored.RootElement.GetProperty("server").GetString());
            Assert.StartsWith("mgr_", stored.RootElement.GetProperty("token").GetString());
        }
        Assert.DoesNotContain(OperatorPassword, login.Stdout + login.Stderr + await File.ReadAllTextAsync(cli.CredentialsPath));

        var zone = Zone();
        var created = await cli.RunAsync("migration", "create", zone);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Drafted {zone}.", created.Stdout);

        var list = await cli.RunAsync("migration", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using var listed = JsonDocument.Parse(list.Stdout);
        Assert.Contains(listed.RootElement.EnumerateArray(), m => m.GetProperty("zoneName").GetString() == zone + ".");
    }

    [Fact]
    public async Task Login_ExitsOne_WhenPasswordWrong_AndStoresNothing()
    {
        var cli = Cli();
        var login = await cli.RunAsync(["login", "--server", Server, "--user", Viewer], "Not-the-password-1\n");
        Assert.True(login.ExitCode == 1, login.ToString());
        Assert.Contains("401", login.Stderr);
        Assert.False(File.Exists(cli.CredentialsPath));
    }

    [Fact]
    public async Task Show_PrintsStateNextStepDueAtPlanHashAndSnapshot_AsJson()
    {
        var cli = await LoggedInAsync(Operator, OperatorPassword);
        var zone = Zone();
        Assert.Equal(0, (await cli.RunAsync("migration", "create", zone)).ExitCode);

        var show = await cli.RunAsync("migration", "show", zone, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using var status = JsonDocument.Parse(show.Stdout);
        var root = status.RootElement;
        Assert.Equal(zone + ".", root.GetProperty("zoneName").GetString());
        Assert.Equal("Drafted", root.GetProperty("state").GetString());
        foreach (var field in new[] { "nextStep", "dueAt", "planHash", "snapshot" })
            Assert.True(root.TryGetProperty(field, out _), $"show --json has no '{field}':\n{show.Stdout}");

        var byId = await cli.RunAsync("migration", "show", root.GetProperty("id").GetString()!);
        Assert.True(byId.ExitCode == 0, byId.ToString());
        Assert.Contains("Drafted", byId.Stdout);
    }

    [Fact]
    public async Task Create_ExitsOne_WhenRoleRefuses_AndWhenZoneAlreadyOpen()
    {
        var viewer = await LoggedInAsync(Viewer, ViewerPassword);
        var refused = await viewer.RunAsync("migration", "create", Zone());
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("403", refused.Stderr);

        var operatorCli = new CliProcess(Directory.CreateTempSubdirectory("migrator-cli-e2e-op-").FullName);
        var login = await operatorCli.RunAsync(["login", "--server", Server, "--user", Operator], OperatorPassword + "\n");
        Assert.Equal(0, login.ExitCode);
        var zone = Zone();
        Assert.Equal(0, (await operatorCli.RunAsync("migration", "create", zone)).ExitCode);
        var again = await operatorCli.RunAsync("migration", "create", zone, "--json");
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("409", again.Stderr);
        Assert.Equal(409, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("status").GetInt32());
        Directory.Delete(operatorCli.ConfigHome, recursive: true);
    }

    [Fact]
    public async Task Show_ExitsTwo_WhenZoneHasNoMigration()
    {
        var cli = await LoggedInAsync(Viewer, ViewerPassword);
        var show = await cli.RunAsync("migration", "show", Zone());
        Assert.True(show.ExitCode == 2, show.ToString());
        Assert.Contains("404", show.Stderr);
    }

    [Fact]
    public async Task Commands_ExitOne_WithoutCredentials_AndUseEnvironmentToken()
    {
        var cli = Cli();
        var anonymous = await cli.RunAsync("migration", "list", "--server", Server);
        Assert.True(anonymous.ExitCode == 1, anonymous.ToString());
        Assert.Contains("migrator login", anonymous.Stderr);

        var logged = await LoggedInAsync(Viewer, ViewerPassword);
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(logged.CredentialsPath));
        var token = stored.RootElement.GetProperty("token").GetString()!;
        var other = new CliProcess(Path.Combine(configHome.FullName, "elsewhere"));
        var viaEnvironment = await other.RunAsync(["migration", "list"], null,
            new Dictionary<string, string> { ["MIGRATOR_SERVER"] = Server, ["MIGRATOR_TOKEN"] = token });
        Assert.True(viaEnvironment.ExitCode == 0, viaEnvironment.ToString());
    }

    [Fact]
    public async Task Wait_ExitsThree_WhenStateNotReachedInTime()
    {
        var cli = await LoggedInAsync(Operator, OperatorPassword);
        var zone = Zone();
        Assert.Equal(0, (await cli.RunAsync("migration", "create", zone)).ExitCode);

        var wait = await cli.RunAsync("migration", "wait", zone, "--state", "Soaked", "--timeout", "1", "--interval", "0.2");
        Assert.True(wait.ExitCode == 3, wait.ToString());
        Assert.Contains("timed out", wait.Stderr);

        var reached = await cli.RunAsync("migration", "wait", zone, "--state", "drafted", "--timeout", "30");
        Assert.True(reached.ExitCode == 0, reached.ToString());
    }

    [Fact]
    public async Task Logout_RevokesTheTokenAtTheServer_AndDeletesTheFile()
    {
        var cli = await LoggedInAsync(Viewer, ViewerPassword);
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(cli.CredentialsPath));
        var token = stored.RootElement.GetProperty("token").GetString()!;

        var logout = await cli.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.False(File.Exists(cli.CredentialsPath));
        var withOldToken = await cli.RunAsync("migration", "list", "--server", Server, "--token", token);
        Assert.True(withOldToken.ExitCode == 1, withOldToken.ToString());
    }

    [Fact]
    public async Task Abandon_OneProcessWinsAndTheOtherExitsOne_WhenTwoRace()
    {
        var cli = await LoggedInAsync(Operator, OperatorPassword);
        var zone = Zone();
        Assert.Equal(0, (await cli.RunAsync("migration", "create", zone)).ExitCode);

        var results = await Task.WhenAll(
            cli.RunAsync("migration", "abandon", zone, "--reason", "race one", "--json"),
            cli.RunAsync("migration", "abandon", zone, "--reason", "race two", "--json"));
        Assert.True(results.Select(r => r.ExitCode).Order().SequenceEqual([0, 1]), string.Join("\n", results.Select(r => r.ToString())));
        var loser = results.Single(r => r.ExitCode == 1);
        Assert.Contains("409", loser.Stderr);

        var show = await cli.RunAsync("migration", "show", zone, "--json");
        Assert.Equal("Abandoned", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("state").GetString());
        var wait = await cli.RunAsync("migration", "wait", zone, "--state", "Soaked", "--timeout", "30");
        Assert.True(wait.ExitCode == 1, wait.ToString());
    }

    [Fact]
    public async Task Approve_ExitsOne_WhenRoleRefusesOrNothingAwaitsApproval()
    {
        var operatorCli = await LoggedInAsync(Operator, OperatorPassword);
        var zone = Zone();
        Assert.Equal(0, (await operatorCli.RunAsync("migration", "create", zone)).ExitCode);

        var byOperator = await operatorCli.RunAsync("migration", "approve", zone, "--plan-hash", "abc");
        Assert.True(byOperator.ExitCode == 1, byOperator.ToString());
        Assert.Contains("403", byOperator.Stderr);

        var approverHome = Directory.CreateTempSubdirectory("migrator-cli-e2e-ap-");
        try
        {
            var approver = new CliProcess(approverHome.FullName);
            Assert.Equal(0, (await approver.RunAsync(["login", "--server", Server, "--user", "approver@sandbox.local"], "Approver-sandbox-1\n")).ExitCode);
            var nothing = await approver.RunAsync("migration", "approve", zone);
            Assert.True(nothing.ExitCode == 1, nothing.ToString());
            Assert.Contains("no cutover plan waiting for approval (state Drafted)", nothing.Stderr);
        }
        finally
        {
            approverHome.Delete(recursive: true);
        }
    }
}
