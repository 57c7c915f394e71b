using Migrator.Core.Auditing;
using Migrator.Web.Access;

namespace Migrator.Web.AuditTrail;

public static class AuditExportEndpoint
{
    public const int MaxRows = 100_000;

    /// <summary>GET /audit/export.csv?target=&amp;actor=&amp;from=&amp;to= (UTC, ISO 8601): the audit log as CSV, for any signed-in role.</summary>
    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(AuditQuery.ExportPath, async (HttpContext http, AuditLog log, string? target, string? actor, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        {
            var events = await log.SearchAsync(new AuditFilter(target, actor, from, to), MaxRows, ct);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"migrator-audit.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
            await AuditQuery.WriteCsvAsync(events, writer, ct);
        }).RequireAuthorization(Policies.CanView);
        return app;
    }
}
