using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Migrator.Web.Api;

/// <summary>
/// 401 and 403 from the role policies under /api carry a ProblemDetails body like every other API error (the schemes
/// themselves only set the status); pages keep their redirects.
/// </summary>
internal sealed class ApiAuthorizationResults(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        await standard.HandleAsync(next, http, policy, result);
        if (result.Succeeded || !http.Request.Path.StartsWithSegments("/api") || http.Response.HasStarted) return;
        if (http.Response.StatusCode is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)) return;
        var forbidden = http.Response.StatusCode == StatusCodes.Status403Forbidden;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = http.Response.StatusCode,
                Title = forbidden ? "Not allowed" : "Not signed in",
                Detail = forbidden
                    ? "Your role may not do this."
                    : "Send a personal API token (Authorization: Bearer mgr_…) or sign in; an expired, revoked or voided token is refused.",
            },
        });
    }
}
