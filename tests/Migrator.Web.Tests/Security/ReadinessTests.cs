using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Migrator.Core.Hosting;
using Migrator.Web.Health;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 2: /healthz (= /healthz/ready) fails, naming the part, when the app cannot work; /healthz/live stays up.</summary>
public sealed class ReadinessTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private static string CheckStatus(JsonElement body, string check) => body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task Ready_IsHealthyWithThisProcessHangfireServer_WhenEverythingWorks()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var client = app.CreateClient();
        var (status, body) = await GetAsync(client, "/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var check in new[] { "data-directory", "database", "hangfire-storage", "hangfire-server", "heartbeat-job" })
            Assert.Equal("Healthy", CheckStatus(body, check));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
    }

    [Fact]
    public async Task Ready_Returns503NamingJobStorage_WhenHangfireDbDeleted()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var client = app.CreateClient();
        // Healthy before the deletion; if not, the message names the failing check (one loaded run got 503 here).
        var (before, beforeBody) = await GetAsync(client, "/healthz");
        Assert.True(before == HttpStatusCode.OK, $"before the deletion: {(int)before} {beforeBody}");

        File.Delete(Path.Combine(app.DataDirectory, "hangfire.db"));

        foreach (var path in new[] { "/healthz", "/healthz/ready" })
        {
            var (status, body) = await GetAsync(client, path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", CheckStatus(body, "hangfire-storage"));
            Assert.Contains("hangfire-storage", body.GetProperty("failing").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("hangfire.db", body.GetProperty("checks").GetProperty("hangfire-storage").GetProperty("description").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
    }

    [Fact]
    public async Task Ready_Returns503NamingJobStorage_WhenHangfireStartedAnEmptyFileInPlaceOfTheDeletedOne()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var client = app.CreateClient();
        var (_, before) = await GetAsync(client, "/healthz");
        Assert.Equal("Healthy", CheckStatus(before, "hangfire-storage"));

        var path = Path.Combine(app.DataDirectory, "hangfire.db");
        File.Delete(path);
        // Hangfire's SQLite storage opens, and so creates, a new file with its tables whenever its connection pool is
        // empty (a loaded run met it after the deletion above): take connections until it has done so.
        var storage = app.Service<Hangfire.JobStorage>();
        var held = new List<Hangfire.Storage.IStorageConnection>();
        try
        {
            for (var i = 0; i < 500 && !File.Exists(path); i++) held.Add(storage.GetConnection());
            Assert.True(File.Exists(path), "Hangfire's storage did not start a new file");

            var (status, body) = await GetAsync(client, "/healthz");
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status} {body}");
            Assert.Equal("Unhealthy", CheckStatus(body, "hangfire-storage"));
            Assert.Contains("hangfire.db is not the one this process opened",
                body.GetProperty("checks").GetProperty("hangfire-storage").GetProperty("description").GetString());
        }
        finally
        {
            foreach (var connection in held) connection.Dispose();
        }
    }

    [Fact]
    public async Task Ready_Returns503NamingDataDirectoryAndDatabase_WhenDataDirectoryReadOnly()
    {
        Assert.True(Environment.UserName == "root", "this test mounts a read-only bind over the data directory: run as root (CI does)");
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        // A read-only bind mount over the directory: every new open or create in it fails with EROFS (files already
        // open keep working, as after a remount on a busy file system); pooled database connections are reopened.
        Run("mount", "--bind", app.DataDirectory, app.DataDirectory);
        try
        {
            Run("mount", "-o", "remount,bind,ro", app.DataDirectory);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var (status, body) = await GetAsync(client, "/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", CheckStatus(body, "data-directory"));
            Assert.Equal("Unhealthy", CheckStatus(body, "database"));
            Assert.Contains("does not accept", body.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Run("umount", "-l", app.DataDirectory);
        }
    }

    [Fact]
    public void HeartbeatCheck_IsUnhealthy_WhenHeartbeatJobLate()
    {
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, HeartbeatHealthCheck.Evaluate(null, start, start.AddMinutes(1)).Status);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, HeartbeatHealthCheck.Evaluate(start.AddMinutes(9), start, start.AddMinutes(10)).Status);
        var never = HeartbeatHealthCheck.Evaluate(null, start, start.AddMinutes(10));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, never.Status);
        Assert.Contains("not run", never.Description);
        var late = HeartbeatHealthCheck.Evaluate(start.AddMinutes(2), start, start.AddMinutes(10));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, late.Status);
        Assert.Contains("last ran", late.Description);
    }

    [Fact]
    public void HangfireServerCheck_CountsAMissingServerAsStartingOnlyBeforeItsAnnouncementAndWithinGrace()
    {
        var since = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var none = Array.Empty<DateTime>();
        var starting = HangfireServerHealthCheck.Evaluate(none, 0, announced: false, since, since.AddSeconds(3));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, starting.Status);
        Assert.Contains("is starting (3 s since start)", starting.Description);

        var neverStarted = HangfireServerHealthCheck.Evaluate(none, 1, announced: false, since, since + HangfireServerHealthCheck.StartGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, neverStarted.Status);
        Assert.Contains("has not started 121 s after start (1 registered elsewhere)", neverStarted.Description);

        var lost = HangfireServerHealthCheck.Evaluate(none, 2, announced: true, since, since.AddSeconds(3));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, lost.Status);
        Assert.Contains("no Hangfire server runs in this process (2 registered elsewhere)", lost.Description);

        var beating = HangfireServerHealthCheck.Evaluate([since.UtcDateTime.AddSeconds(50), since.UtcDateTime.AddSeconds(10)], 2, announced: true, since, since.AddMinutes(1));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, beating.Status);
        Assert.Contains("heartbeat 10 s ago", beating.Description);

        var silent = HangfireServerHealthCheck.Evaluate([since.UtcDateTime], 1, announced: true, since, since + HangfireServerHealthCheck.MaxHeartbeatAge + TimeSpan.FromSeconds(1));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, silent.Status);
        Assert.Contains("last sent a heartbeat 121 s ago", silent.Description);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }
}
