using System.Text;

namespace Migrator.Cli.Client;

/// <summary>Reads a password: from a terminal without echo, or the first line of standard input when it is not a terminal (pipelines).</summary>
internal static class PasswordPrompt
{
    public static string? Read(CliConsole console, string prompt)
    {
        if (console.InputRedirected) return console.In.ReadLine();

        console.Error.Write(prompt);
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0) password.Length--;
                continue;
            }
            if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.C or ConsoleKey.D) return null;
            if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        console.Error.WriteLine();
        return password.ToString();
    }
}
