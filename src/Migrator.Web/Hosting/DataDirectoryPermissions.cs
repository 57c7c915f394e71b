using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Migrator.Core.Hosting;

namespace Migrator.Web.Hosting;

/// <summary>
/// The data directory holds password hashes, data-protection keys and AWS state: on Unix it is 0700 and every file
/// in it 0600. New files get that through the process umask (077, set before anything is created); files made by an
/// older version are tightened at start.
/// </summary>
internal sealed class DataDirectoryPermissions(IOptions<MigratorOptions> options, ILogger<DataDirectoryPermissions> logger) : IHostedService
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);

    /// <summary>Files and directories this process creates from now on are private to its user.</summary>
    public static void RestrictNewFiles()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) SetUmask(0b000_111_111);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return Task.CompletedTask;
        var root = options.Value.DataDirectory!;
        Directory.CreateDirectory(root, DirectoryMode);
        Tighten(root, DirectoryMode);
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)) Tighten(dir, DirectoryMode);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)) Tighten(file, FileMode);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Tighten(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            var current = File.GetUnixFileMode(path);
            if ((current & ~mode) == 0) return;
            File.SetUnixFileMode(path, current & mode);
            logger.LogInformation("Restricted {Path} to its owner (was {Mode})", path, current);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not restrict {Path}: {Error}", path, e.Message);
        }
    }
}
