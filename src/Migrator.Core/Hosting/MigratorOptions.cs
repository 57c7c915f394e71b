namespace Migrator.Core.Hosting;

/// <summary>Which world Migrator talks to. Sandbox unless an operator explicitly chooses Real.</summary>
public enum MigratorMode
{
    /// <summary>Demo accounts, emulated Route 53, every packet on 127.0.0.0/8.</summary>
    Sandbox = 0,

    /// <summary>Real AWS account and real DNS providers; no default accounts.</summary>
    Real = 1,
}

/// <summary>
/// The "Migrator" configuration section.
/// Invariant after post-configuration: <see cref="DataDirectory"/> is an absolute path.
/// </summary>
public sealed class MigratorOptions
{
    public const string SectionName = "Migrator";

    public MigratorMode Mode { get; set; } = MigratorMode.Sandbox;

    /// <summary>
    /// Holds the SQLite databases (EF Core and Hangfire) and the data-protection keys.
    /// Relative paths are resolved against the content root; empty means <see cref="DefaultDataDirectory"/>.
    /// </summary>
    public string? DataDirectory { get; set; }

    public string DatabasePath => Path.Combine(RequireDataDirectory(), "migrator.db");

    public string HangfireDatabasePath => Path.Combine(RequireDataDirectory(), "hangfire.db");

    public string KeysDirectory => Path.Combine(RequireDataDirectory(), "keys");

    /// <summary>
    /// One directory per mode, so sandbox and real data never share a database: ~/.local/share/migrator/{sandbox,real}
    /// on Linux, %LOCALAPPDATA%\migrator\{sandbox,real} on Windows; &lt;content root&gt;/data/{sandbox,real} when there is no home.
    /// </summary>
    public static string DefaultDataDirectory(string contentRootPath, MigratorMode mode)
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        var root = string.IsNullOrEmpty(local) ? Path.Combine(contentRootPath, "data") : Path.Combine(local, "migrator");
        return Path.Combine(root, mode == MigratorMode.Real ? "real" : "sandbox");
    }

    internal void ResolveDataDirectory(string contentRootPath) =>
        DataDirectory = string.IsNullOrWhiteSpace(DataDirectory)
            ? DefaultDataDirectory(contentRootPath, Mode)
            : Path.GetFullPath(DataDirectory, contentRootPath);

    private string RequireDataDirectory() =>
        DataDirectory ?? throw new InvalidOperationException("MigratorOptions.DataDirectory is read before post-configuration resolved it.");
}
