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
}
