using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Migrator.Core.ApiTokens;
using Migrator.Core.Auditing;

namespace Migrator.Web.Tokens;

public static class ApiTokenDefaults
{
    /// <summary>The scheme that reads <c>Authorization: Bearer mgr_…</c>.</summary>
    public const string Scheme = "ApiToken";

    /// <summary>The default scheme: forwards /api requests that carry a bearer token to <see cref="Scheme"/>, everything else to the Identity cookie.</summary>
    public const string CookieOrToken = "CookieOrApiToken";

    /// <summary>Claim on token-authenticated principals naming the token, so endpoints can tell a token call from a browser session.</summary>
    public const string TokenIdClaim = "migrator:api_token";

    public static bool IsTokenCall(ClaimsPrincipal user) => user.HasClaim(c => c.Type == TokenIdClaim);
}

/// <summary>
/// Authenticates API calls by personal token. Each call re-reads the user: it acts with the user's current roles, and is refused
/// when the token is unknown, expired or revoked, the user is gone, locked out or may no longer sign in, or the user's security stamp
/// changed since the token was made (new password, forced sign-out).
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenStore tokens, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn,
    IUserClaimsPrincipalFactory<IdentityUser> principals, AuditLog audit, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryReadBearer(Request, out var secret)) return AuthenticateResult.NoResult();
        if (!ApiToken.LooksLikeSecret(secret)) return AuthenticateResult.Fail("The bearer token is not a Migrator API token.");

        var token = await tokens.FindBySecretAsync(secret, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("Unknown API token.");

        var now = time.GetUtcNow();
        var user = await users.FindByIdAsync(token.UserId);
        var refusal =
            token.IsRevoked ? $"revoked at {token.RevokedAt:O}"
            : token.IsExpired(now) ? $"expired at {token.ExpiresAt:O}"
            : user is null ? "its user no longer exists"
            : user.LockoutEnd > now ? "its user is locked out"
            : !await signIn.CanSignInAsync(user) ? "its user may not sign in"
            : user.SecurityStamp != token.SecurityStamp ? "its user's credentials changed since it was made"
            : null;
        var actor = user?.Email ?? user?.UserName ?? $"user:{token.UserId}";
        if (refusal is not null)
        {
            await audit.RecordAsync(actor, AuditActions.ApiTokenRefused, ApiTokenStore.TargetOf(token.Id),
                $"{Request.Method} {Request.Path}: {refusal}", Context.RequestAborted);
            return AuthenticateResult.Fail($"API token refused: {refusal}.");
        }

        var cookiePrincipal = await principals.CreateAsync(user!);
        var identity = new ClaimsIdentity(cookiePrincipal.Claims, ApiTokenDefaults.Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ApiTokenDefaults.TokenIdClaim, token.Id.ToString()));
        var principal = new ClaimsPrincipal(identity);

        // Written before the response starts, so the call is in the audit log by the time the caller sees the answer.
        var method = Request.Method;
        var path = Request.Path.ToString();
        Response.OnStarting(() => tokens.RecordCallAsync(token.Id, actor, $"{method} {path} -> {Response.StatusCode}", CancellationToken.None));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ApiTokenDefaults.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    internal static bool TryReadBearer(HttpRequest request, out string secret)
    {
        secret = "";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        secret = header["Bearer ".Length..].Trim();
        return secret.Length > 0;
    }
}

public static class ApiTokenHosting
{
    /// <summary>
    /// Token authentication beside the Identity cookie: the default scheme picks the token for /api requests that carry
    /// <c>Authorization: Bearer</c>, the cookie otherwise, so pages and the Hangfire dashboard never accept tokens and every
    /// policy (CanView, CanOperate, CanApprove, IsAdmin) applies to both kinds of caller unchanged.
    /// </summary>
    public static IServiceCollection AddMigratorApiTokens(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenStore>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = ApiTokenDefaults.CookieOrToken;
                o.DefaultAuthenticateScheme = ApiTokenDefaults.CookieOrToken;
                o.DefaultChallengeScheme = ApiTokenDefaults.CookieOrToken;
                o.DefaultForbidScheme = ApiTokenDefaults.CookieOrToken;
            })
            .AddPolicyScheme(ApiTokenDefaults.CookieOrToken, "Identity cookie or API token", o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") && ApiTokenAuthenticationHandler.TryReadBearer(http.Request, out _)
                    ? ApiTokenDefaults.Scheme
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.Scheme, "API token", null);
        return services;
    }
}
