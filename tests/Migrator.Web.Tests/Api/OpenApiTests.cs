using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class OpenApiTests(SandboxApp app)
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryApiEndpointWithItsMethod_WhenAnonymous()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m.ToLowerInvariant(),
                Path: "/" + System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @"\{([^:}]+)(:[^}]*)?\}", "{$1}").TrimEnd('/'))))
            .ToList();
        Assert.True(endpoints.Count >= 9, $"found only {endpoints.Count} API endpoints");
        foreach (var (method, path) in endpoints)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
        }
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesBodiesResponsesAndBearerAuth()
    {
        var document = await DocumentAsync();
        Assert.Equal("Migrator API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());

        var create = document.GetProperty("paths").GetProperty("/api/tokens").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out var created));
        Assert.True(created.GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("400", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("ApiTokenCreated", out var tokenSchema));
        Assert.True(tokenSchema.GetProperty("properties").TryGetProperty("token", out _));
    }
}
