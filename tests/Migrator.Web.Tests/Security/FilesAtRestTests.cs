using Migrator.Core.Hosting;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 11: the data directory is 0700 and every file in it 0600.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FilesAtRestTests
{
    [Fact]
    public async Task DataDirectory_Is0700AndItsFiles0600_AfterStart()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using (var client = await SignIn.AsAsync(app, Migrator.Web.Access.MigratorRoles.Admin)) { }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(app.DataDirectory));
        var files = Directory.GetFiles(app.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("migrator.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("hangfire.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".xml", StringComparison.Ordinal)); // a data-protection key
        foreach (var file in files)
            Assert.True((File.GetUnixFileMode(file) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0, $"{file} is {File.GetUnixFileMode(file)}");
    }

    [Fact]
    public async Task Start_TightensFilesLeftWorldReadable_ByAnOlderVersion()
    {
        var directory = Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
        try
        {
            await using (var first = new MigratorWebFactory(nameof(MigratorMode.Sandbox), directory)) first.CreateClient().Dispose();
            var db = Path.Combine(directory, "migrator.db");
            File.SetUnixFileMode(db, (UnixFileMode)0b110_100_100);
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);

            await using (var second = new MigratorWebFactory(nameof(MigratorMode.Sandbox), directory)) second.CreateClient().Dispose();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
