using Migrator.Cli.Client;

namespace Migrator.Cli.Tests.Client;

/// <summary>Exit codes the client decides before or without a server: bad input 2, unreachable server 69.</summary>
public sealed class MigrationCommandInputTests
{
    // Port 1 on loopback: nothing listens, the connection is refused at once (and the request never leaves 127.0.0.0/8).
    private const string NoServer = "http://127.0.0.1:1";

    [Theory]
    [InlineData("migration", "show", "bad..zone", "--server", NoServer)]
    [InlineData("migration", "create", "bad..zone", "--server", NoServer)]
    [InlineData("migration", "wait", "example.com", "--state", "Nonsense", "--server", NoServer)]
    [InlineData("migration", "wait", "example.com", "--state", "Soaked", "--timeout", "soon", "--server", NoServer)]
    [InlineData("migration", "rollback", "example.com", "--server", NoServer)]
    [InlineData("migration", "rollback", "example.com", "--reason", " ", "--server", NoServer)]
    [InlineData("migration", "show", "example.com", "--server", "ftp://127.0.0.1/")]
    [InlineData("migration", "show", "example.com", "--no-such-option", "--server", NoServer)]
    [InlineData("login", "--server", NoServer)]
    [InlineData("migration", "plan", "shop.example", "--server", NoServer)]
    [InlineData("migration", "plan", "shop.example", "--answers", "-", "--sandbox-defaults", "--server", NoServer)]
    public void Command_ExitsTwo_WhenInputIsBad(params string[] args)
    {
        var (code, stdout, stderr) = MigratorProcess.Run(args);
        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith("migrator: ", stderr);
    }

    [Fact]
    public void Show_ExitsSixtyNine_WhenServerUnreachable()
    {
        var (code, _, stderr) = MigratorProcess.Run("migration", "show", "example.com", "--server", NoServer, "--token", "mgr_x");
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("cannot reach http://127.0.0.1:1/", stderr);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("1.5", 1.5)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    public void TryDuration_ReadsSecondsAndUnits(string text, double seconds)
    {
        Assert.True(MigrationCommands.TryDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("5d")]
    [InlineData("soon")]
    public void TryDuration_Refuses_WhatIsNotADuration(string text) => Assert.False(MigrationCommands.TryDuration(text, out _));
}
