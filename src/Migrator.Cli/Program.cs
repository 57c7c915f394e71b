using System.CommandLine;
using Migrator.Cli;

var root = new RootCommand("Migrator: move DNS zones to Route 53 without an outage.");
root.Subcommands.Add(ZoneCommands.Create());
root.Subcommands.Add(DnsCommands.Create());
root.Subcommands.Add(Route53Commands.Create());
root.Subcommands.Add(AuditCommands.Create());
return await root.Parse(args).InvokeAsync();
