using System.CommandLine;

namespace Migrator.Cli;

internal static class ZoneCommands
{
    public static Command Create()
    {
        var zone = new Command("zone", "Zone files: print, lint, diff, axfr.");
        zone.Subcommands.Add(ZonePrintCommand.Create());
        zone.Subcommands.Add(ZoneLintCommand.Create());
        zone.Subcommands.Add(ZoneDiffCommand.Create());
        zone.Subcommands.Add(ZoneAxfrCommand.Create());
        zone.Subcommands.Add(ZoneAdviseCommand.Create());
        return zone;
    }
}
