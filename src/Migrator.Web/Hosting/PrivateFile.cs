namespace Migrator.Web.Hosting;

/// <summary>Secrets in the data directory (setup token, audit key, sandbox keys): created owner-only (0600) from the first byte.</summary>
public static class PrivateFile
{
    /// <summary>Creates <paramref name="path"/> (failing if it exists) readable and writable by the owner only.</summary>
    public static FileStream CreateNew(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }
}
