using Hangfire;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Migrator.Core.Hosting;
using Migrator.Core.Persistence;
using Migrator.Jobs.Hosting;

namespace Migrator.Web.Health;

/// <summary>Tags: "ready" checks decide /healthz and /healthz/ready; /healthz/live runs none.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}

/// <summary>Healthy when the data directory accepts a new file (the data-protection keys and SQLite journals need that).</summary>
internal sealed class DataDirectoryHealthCheck(IOptions<MigratorOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var directory = options.Value.DataDirectory!;
        var probe = Path.Combine(directory, $".health-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"data directory {directory} does not accept writes: {e.Message}");
        }
    }
}

/// <summary>
/// Healthy when the database file in the data directory holds the migrated schema and accepts a write (rolled back).
/// The probe opens the file itself, never from the connection pool and never creating it: a pooled connection may still
/// hold a file that was deleted (and answer from it), and an open that creates would answer "healthy" for an empty file.
/// </summary>
internal sealed class DatabaseHealthCheck(IOptions<MigratorOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var path = options.Value.DatabasePath;
        if (!File.Exists(path)) return HealthCheckResult.Unhealthy($"database file {path} is missing");
        var probe = new SqliteConnectionStringBuilder(MigratorDbContext.SqliteConnectionString(path))
        {
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        };
        try
        {
            await using var connection = new SqliteConnection(probe.ToString());
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "SELECT EXISTS (SELECT 1 FROM \"AuditEvents\")", cancellationToken);
            await using var transaction = connection.BeginTransaction();
            await ExecuteAsync(connection, transaction, "UPDATE \"__EFMigrationsHistory\" SET \"ProductVersion\" = \"ProductVersion\"", cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"database does not accept a write: {e.Message}", e);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// Healthy when Hangfire's storage file is still the one the storage opened (see <see cref="JobStorageFile"/>: after a
/// deletion Hangfire quietly starts an empty file at the same path) and the storage answers its monitoring query.
/// </summary>
internal sealed class HangfireStorageHealthCheck(JobStorage storage, JobStorageFile file) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file.Path))
            return HealthCheckResult.Unhealthy($"job storage file {file.Path} is missing");
        try
        {
            var current = await Task.Run(file.ReadCurrentId, cancellationToken);
            if (current != file.OpenedId)
                return HealthCheckResult.Unhealthy($"job storage file {file.Path} is not the one this process opened (deleted and started anew?): the jobs queued before are not in it");
            var count = await Task.Run(() => storage.GetMonitoringApi().Servers().Count, cancellationToken);
            return HealthCheckResult.Healthy($"{count} Hangfire server(s)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"job storage does not answer: {e.Message}", e);
        }
    }
}

/// <summary>
/// Healthy when a Hangfire server of this very process is registered and sent a heartbeat recently. Hangfire starts the
/// server after the host has started and announces it on its own thread, so until that announcement (at most
/// <see cref="StartGrace"/> after start) the missing server counts as starting, not as lost.
/// </summary>
internal sealed class HangfireServerHealthCheck(JobStorage storage, TimeProvider time, JobServerStartup startup) : IHealthCheck
{
    public static readonly TimeSpan MaxHeartbeatAge = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = await Task.Run(() => storage.GetMonitoringApi().Servers(), cancellationToken);
            var mine = servers.Where(s => IsThisProcess(s.Name)).Select(s => DateTime.SpecifyKind(s.Heartbeat ?? s.StartedAt, DateTimeKind.Utc)).ToList();
            return Evaluate(mine, servers.Count, startup.IsAnnounced, startup.Since, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"job storage does not answer: {e.Message}", e);
        }
    }

    /// <param name="heartbeats">The last heartbeat (UTC) of each registered server of this process.</param>
    /// <param name="registered">How many servers are registered in all.</param>
    internal static HealthCheckResult Evaluate(IReadOnlyCollection<DateTime> heartbeats, int registered, bool announced, DateTimeOffset since, DateTimeOffset now)
    {
        if (heartbeats.Count == 0)
        {
            var waited = now - since;
            if (announced) return HealthCheckResult.Unhealthy($"no Hangfire server runs in this process ({registered} registered elsewhere)");
            return waited <= StartGrace
                ? HealthCheckResult.Healthy($"the Hangfire server of this process is starting ({waited.TotalSeconds:F0} s since start)")
                : HealthCheckResult.Unhealthy($"the Hangfire server of this process has not started {waited.TotalSeconds:F0} s after start ({registered} registered elsewhere)");
        }
        var age = now.UtcDateTime - heartbeats.Max();
        return age <= MaxHeartbeatAge
            ? HealthCheckResult.Healthy($"Hangfire server of this process, heartbeat {age.TotalSeconds:F0} s ago")
            : HealthCheckResult.Unhealthy($"the Hangfire server of this process last sent a heartbeat {age.TotalSeconds:F0} s ago");
    }

    /// <summary>Hangfire names servers "{server name}:{process id}:{guid}".</summary>
    internal static bool IsThisProcess(string serverName)
    {
        var parts = serverName.Split(':');
        return parts.Length >= 3 && parts[^2] == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
