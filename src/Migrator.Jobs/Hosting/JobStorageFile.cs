using Microsoft.Data.Sqlite;

namespace Migrator.Jobs.Hosting;

/// <summary>
/// Which file the job storage opened. Hangfire's SQLite storage opens a new connection, creating the file and its
/// tables, whenever its pool is empty; so after hangfire.db is deleted it quietly starts an empty one at the same path
/// while older connections still use the deleted file, and the queued jobs are gone. When the storage opens the file,
/// Migrator stamps it with an id of its own; a file at the path without that id is not the one the jobs are in.
/// </summary>
public sealed class JobStorageFile(string path)
{
    private const string Table = "migrator_job_storage_identity";

    public string Path => path;

    /// <summary>The id stamped into the file when the storage opened it (null before that).</summary>
    public string? OpenedId { get; private set; }

    /// <summary>Stamps the file (once in its life; later starts keep its id) and remembers the id.</summary>
    internal void Stamp()
    {
        using var connection = Open(SqliteOpenMode.ReadWrite);
        Execute(connection, $"CREATE TABLE IF NOT EXISTS \"{Table}\" (\"Id\" TEXT NOT NULL)");
        Execute(connection, $"INSERT INTO \"{Table}\" (\"Id\") SELECT '{Guid.NewGuid():N}' WHERE NOT EXISTS (SELECT 1 FROM \"{Table}\")");
        OpenedId = ReadId(connection);
    }

    /// <summary>The id in the file now at the path; null when the file carries none (a new file).</summary>
    /// <exception cref="SqliteException">The file cannot be read.</exception>
    public string? ReadCurrentId()
    {
        using var connection = Open(SqliteOpenMode.ReadOnly);
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        exists.Parameters.AddWithValue("$name", Table);
        return Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0 ? null : ReadId(connection);
    }

    /// <summary>Its own connection, never from a pool (a pooled one may still hold a deleted file) and never creating the file.</summary>
    private SqliteConnection Open(SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string? ReadId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"Id\" FROM \"{Table}\" LIMIT 1";
        return command.ExecuteScalar() as string;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
