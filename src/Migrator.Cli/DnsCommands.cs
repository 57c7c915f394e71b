using System.CommandLine;

namespace Migrator.Cli;

internal static class DnsCommands
{
    public static Command Create()
    {
        var dns = new Command("dns", "See the DNS: delegation, parity, watch.");
        return dns;
    }
}
