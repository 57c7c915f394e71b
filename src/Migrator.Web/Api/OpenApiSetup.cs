using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Migrator.Web.Api;

/// <summary>
/// The OpenAPI document of the REST API at /openapi/v1.json. It is served anonymously: it describes shapes, holds no data,
/// and a pipeline author needs it before holding a token. Only /api endpoints are in it (not the sign-in forms or pages).
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddMigratorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Migrator API",
                    Version = "v1",
                    Description = "Move DNS zones to Route 53 without an outage. Authenticate with `Authorization: Bearer mgr_…` "
                                  + "(a personal token from POST /api/tokens or /api/tokens/login) or the dashboard's session cookie. "
                                  + "Errors are ProblemDetails; 400 bad input, 401 no or bad credentials, 403 role or four-eyes refusal, "
                                  + "404 unknown migration, 409 someone else changed it first.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal API token (mgr_…).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapMigratorOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}
