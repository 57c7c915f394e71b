using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Auditing;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class MigrationsApiTests(SandboxApp app)
{
    [Fact]
    public async Task PostMigrations_CreatesAuditedDraft_ForOperator()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await client.PostAsJsonAsync("/api/migrations", new { zoneName = "Drafted-By-Api.Example" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("drafted-by-api.example.", body.GetProperty("zoneName").GetString());
        Assert.Equal("Drafted", body.GetProperty("state").GetString());
        Assert.Equal("operator@sandbox.local", body.GetProperty("createdBy").GetString());
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/migrations/{id}", response.Headers.Location?.OriginalString);

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/migrations/{id}");
        Assert.Equal("drafted-by-api.example.", fetched.GetProperty("zoneName").GetString());

        var audit = await client.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(AuditActions.MigrationDrafted)}");
        Assert.Contains(audit!, e => e.GetProperty("target").GetString() == $"migration:{id}" && e.GetProperty("actor").GetString() == "operator@sandbox.local");
    }

    [Fact]
    public async Task PostMigrations_Returns400WithField_WhenZoneNameInvalid()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await client.PostAsJsonAsync("/api/migrations", new { zoneName = "bad..name" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("empty label", problem.GetProperty("errors").GetProperty("zoneName")[0].GetString());
    }

    [Fact]
    public async Task PostMigrations_Returns409_WhenZoneAlreadyHasOpenMigration()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/migrations", new { zoneName = "twice.example" })).StatusCode);
        var second = await client.PostAsJsonAsync("/api/migrations", new { zoneName = "TWICE.example." });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("twice.example. already has a migration in state Drafted", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PostMigrations_ReturnsProblemDetails_WhenBodyIsNotJson()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await client.PostAsync("/api/migrations", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
