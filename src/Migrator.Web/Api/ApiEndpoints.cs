using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Migrator.Core.Auditing;
using Migrator.Core.Migrations;
using Migrator.Jobs.Heartbeat;
using Migrator.Web.Access;

namespace Migrator.Web.Api;

public sealed record AuditEventResponse(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Details)
{
    public static AuditEventResponse From(AuditEvent e) => new(e.Id, e.At, e.Actor, e.Action, e.Target, e.Details);
}

public sealed record CreateUserRequest(string? Email, string? Password, string? Role);

public sealed record CreateUserResponse(string Id, string Email, string Role);

public sealed record ScheduleHeartbeatRequest(int DelaySeconds);

/// <summary>The REST API under /api. Roles are checked here, on the server, per endpoint — never only in the UI.</summary>
public static class ApiEndpoints
{
    /// <summary>The API's services and its OpenAPI document.</summary>
    public static IServiceCollection AddMigratorApi(this IServiceCollection services)
    {
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiAuthorizationResults>();
        return services.AddMigratorOpenApi();
    }

    public static IEndpointRouteBuilder MapMigratorApi(this IEndpointRouteBuilder app)
    {
        app.MapMigratorOpenApi();
        var api = app.MapGroup("/api").RequireAuthorization(Policies.CanView);
        api.MapTokenEndpoints();

        api.MapMigrationEndpoints();

        api.MapGet("/audit", async (AuditLog audit, int? take, string? action, CancellationToken ct) =>
            (await audit.LatestAsync(take ?? 100, action, ct)).Select(AuditEventResponse.From));

        api.MapGet("/route53/zones", async (Route53.HostedZoneDirectory zones, CancellationToken ct) =>
            await zones.GetOverviewAsync(ct));

        var admin = api.MapGroup("/admin").RequireAuthorization(Policies.IsAdmin);

        admin.MapPost("/users", async (CreateUserRequest request, ClaimsPrincipal caller, UserAdministration users, CancellationToken ct) =>
        {
            var created = await users.CreateAsync(request.Email, request.Password, request.Role, ActorOf(caller), ct);
            if (!created.Succeeded) return Results.ValidationProblem(created.Errors.ToDictionary());
            return Results.Created($"/api/admin/users/{created.User!.Id}", new CreateUserResponse(created.User.Id, created.User.Email!, request.Role!));
        });

        admin.MapPost("/heartbeat", async (ScheduleHeartbeatRequest request, ClaimsPrincipal caller, HeartbeatScheduler scheduler, CancellationToken ct) =>
        {
            var delay = TimeSpan.FromSeconds(request.DelaySeconds);
            if (delay < TimeSpan.Zero || delay > HeartbeatScheduler.MaxDelay)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["delaySeconds"] = [$"must be between 0 and {HeartbeatScheduler.MaxDelay.TotalSeconds:F0}"] });
            return Results.Accepted(value: await scheduler.ScheduleAsync(ActorOf(caller), delay, ct));
        });

        return app;
    }

    public static string ActorOf(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("An authorized request has no user name.");
}
