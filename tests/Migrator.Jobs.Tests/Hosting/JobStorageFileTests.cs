using Microsoft.Data.Sqlite;
using Migrator.Jobs.Hosting;

namespace Migrator.Jobs.Tests.Hosting;

public sealed class JobStorageFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("job-storage-file-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Stamp_KeepsTheFilesId_AcrossOpens_AndANewFileAtThePathHasNone()
    {
        var path = Path.Combine(directory, "hangfire.db");
        CreateEmptyDatabase(path);

        var first = new JobStorageFile(path);
        first.Stamp();
        Assert.Matches("^[0-9a-f]{32}$", first.OpenedId);
        Assert.Equal(first.OpenedId, first.ReadCurrentId());

        var restarted = new JobStorageFile(path);
        restarted.Stamp();
        Assert.Equal(first.OpenedId, restarted.OpenedId);

        File.Delete(path);
        CreateEmptyDatabase(path);
        Assert.Null(first.ReadCurrentId());
    }

    [Fact]
    public void ReadCurrentId_NeverCreatesTheFile()
    {
        var path = Path.Combine(directory, "gone.db");
        Assert.Throws<SqliteException>(() => new JobStorageFile(path).ReadCurrentId());
        Assert.False(File.Exists(path));
    }

    private static void CreateEmptyDatabase(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE \"Server\" (\"Id\" TEXT)";
        command.ExecuteNonQuery();
    }
}
