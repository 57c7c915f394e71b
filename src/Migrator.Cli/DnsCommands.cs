using System.CommandLine;

namespace Migrator.Cli;

internal static class DnsCommands
{
    public static Command Create()
    {
        var dns = new Command("dns", "See the DNS: delegation, parity, watch.");
        dns.Subcommands.Add(DnsDelegationCommand.Create());
        dns.Subcommands.Add(DnsParityCommand.Create());
        dns.Subcommands.Add(DnsWatchCommand.Create());
        return dns;
    }
}
