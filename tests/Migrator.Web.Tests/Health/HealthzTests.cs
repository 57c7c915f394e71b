using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Health;

[Collection(SandboxAppCollection.Name)]
public sealed class HealthzTests(SandboxApp app)
{
    [Fact]
    public async Task Healthz_Returns200ForAnonymous_WhenDatabaseAndJobStorageAnswer()
    {
        using var client = app.CreateBrowserLikeClient();
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("hangfire-storage").GetProperty("status").GetString());
    }
}

public sealed class HealthzFailureTests
{
    [Fact]
    public async Task Healthz_Returns503_WhenDatabaseFileIsGone()
    {
        await using var app = new MigratorWebFactory(Migrator.Core.Hosting.MigratorMode.Sandbox);
        using var client = app.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(app.DataDirectory, "migrator.db*")) File.Delete(file);

        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_Returns503_WhenTheDatabaseFileWasReplacedByAnEmptyOne_WhileAPooledConnectionHoldsTheOld()
    {
        await using var app = new MigratorWebFactory(Migrator.Core.Hosting.MigratorMode.Sandbox);
        using var client = app.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var path = Path.Combine(app.DataDirectory, "migrator.db");

        // A connection the app's way, closed: back in the pool, still open on the file about to be deleted.
        await using (var pooled = new SqliteConnection(Migrator.Core.Persistence.MigratorDbContext.SqliteConnectionString(path)))
        {
            await pooled.OpenAsync();
            await using var command = pooled.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM \"AuditEvents\"";
            await command.ExecuteScalarAsync();
        }
        foreach (var file in Directory.GetFiles(app.DataDirectory, "migrator.db*")) File.Delete(file);
        await File.WriteAllBytesAsync(path, []);

        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var database = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
    }
}
