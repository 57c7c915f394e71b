using MudBlazor;

namespace Migrator.Web.Display;

/// <summary>
/// MudBlazor's palette with the status colours darkened: the defaults (e.g. info #2196f3 on its own light tint, 3.8:1)
/// fail WCAG AA contrast in alerts and chips. Each colour here keeps at least 5.4:1 on white and on its tint; secondary text (field labels) at least 4.5:1 on every tint.
/// </summary>
public static class MigratorTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4a3bc4",
            Info = "#0b5cad",
            Success = "#1b6b1f",
            Warning = "#8a5300",
            Error = "#b00020",
            AppbarBackground = "#4a3bc4",
            // The default (black at 54%) reads 4.46:1 as a field label on a warning alert's tint (axe: below 4.5).
            TextSecondary = "rgba(0,0,0,0.62)",
        },
    };
}
