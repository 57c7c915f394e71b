using System.CommandLine;
using Migrator.Cli;
using Migrator.Cli.Client;

var root = new RootCommand("Migrator: move DNS zones to Route 53 without an outage.");
root.Subcommands.Add(ZoneCommands.Create());
root.Subcommands.Add(DnsCommands.Create());
root.Subcommands.Add(Route53Commands.Create());
root.Subcommands.Add(LoginCommand.Create(CliConsole.System));
root.Subcommands.Add(LoginCommand.CreateLogout(CliConsole.System));
root.Subcommands.Add(MigrationCommands.Create(CliConsole.System));
root.Subcommands.Add(SandboxCommands.Create());
root.Subcommands.Add(AuditCommands.Create());

var parse = root.Parse(args);
// The REST client's commands promise exit 2 for bad input, and a missing or unknown option is bad input.
if (parse.Errors.Count > 0 && parse.CommandResult.Command is var command && IsRemote(command))
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"migrator: {error.Message}");
    return ExitCodes.BadInput;
}
return await parse.InvokeAsync();

static bool IsRemote(Command command)
{
    for (var c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        if (c.Name is "login" or "logout" or "migration") return true;
    return false;
}
