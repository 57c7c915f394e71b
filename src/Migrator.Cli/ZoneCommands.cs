using System.CommandLine;

namespace Migrator.Cli;

internal static class ZoneCommands
{
    public static Command Create()
    {
        var zone = new Command("zone", "Zone files: print, lint, diff, axfr.");
        zone.Subcommands.Add(ZonePrintCommand.Create());
        return zone;
    }
}
