using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Web.Access;

public sealed record SetRoleRequest(string? Role);

public sealed record AuditVerifyResponse(bool Intact, long RowsChecked, long LegacyRows, string? HeadHash, string? BreakKind, long? RowId, long? Sequence, string? Message)
{
    public static AuditVerifyResponse From(AuditChainReport r) => new(r.Intact, r.RowsChecked, r.LegacyRows, r.HeadHash,
        r.FirstBreak?.Kind.ToString(), r.FirstBreak?.RowId, r.FirstBreak?.Sequence, r.FirstBreak?.Message);
}

/// <summary>Admin-only API: account control (disable, enable, end sessions, role) and the audit log's chain check and export.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(Policies.IsAdmin);

        admin.MapGet("/users", async (AccountDirectory directory, CancellationToken ct) => await directory.ListAsync(ct));
        admin.MapPost("/users/{id}/disable", async (string id, ClaimsPrincipal caller, UserAdministration users, CancellationToken ct) =>
            ToResult(await users.DisableAsync(id, Actor(caller), ct)));
        admin.MapPost("/users/{id}/enable", async (string id, ClaimsPrincipal caller, UserAdministration users, CancellationToken ct) =>
            ToResult(await users.EnableAsync(id, Actor(caller), ct)));
        admin.MapPost("/users/{id}/end-sessions", async (string id, ClaimsPrincipal caller, UserAdministration users, CancellationToken ct) =>
            ToResult(await users.EndSessionsAsync(id, Actor(caller), ct)));
        admin.MapPut("/users/{id}/role", async (string id, SetRoleRequest request, ClaimsPrincipal caller, UserAdministration users, CancellationToken ct) =>
            ToResult(await users.SetRoleAsync(id, request.Role ?? "", Actor(caller), ct)));

        admin.MapGet("/audit/verify", async (IDbContextFactory<MigratorDbContext> contexts, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return AuditVerifyResponse.From(await AuditChain.VerifyAsync(db, ct));
        });
        admin.MapGet("/audit/export", async (HttpContext http, IDbContextFactory<MigratorDbContext> contexts, CancellationToken ct) =>
        {
            http.Response.ContentType = "application/x-ndjson";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"migrator-audit.jsonl\"";
            await using var db = await contexts.CreateDbContextAsync(ct);
            await AuditExport.WriteJsonLinesAsync(db, http.Response.Body, ct);
        });
        return app;
    }

    private static string Actor(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("An authorized request has no user name.");

    private static IResult ToResult(UserChangeResult result) => result.Outcome switch
    {
        UserChangeOutcome.Done => Results.NoContent(),
        UserChangeOutcome.NotFound => Results.NotFound(),
        _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused", detail: result.Message),
    };
}
