using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Migrator.Core.ApiTokens;
using Migrator.Core.Auditing;
using Migrator.Web.Access;
using Migrator.Web.Tokens;

namespace Migrator.Web.Api;

/// <param name="Name">What the token is for ("ci deploy", "laptop"); at most 100 characters.</param>
/// <param name="ExpiresInDays">Lifetime in days, 1 to 365; 30 when omitted.</param>
public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

/// <param name="Email">The account's email address.</param>
/// <param name="Password">The account's password; never logged or audited.</param>
/// <param name="Name">What the token is for; "migrator login" when omitted.</param>
/// <param name="ExpiresInDays">Lifetime in days, 1 to 365; 30 when omitted.</param>
public sealed record TokenLoginRequest(string? Email, string? Password, string? Name, int? ExpiresInDays);

/// <summary>/api/tokens: personal API tokens. A user sees and revokes only their own.</summary>
public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapPost("", CreateAsync).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Create a token for yourself (signed in with the browser session); the secret is in this answer only.");
        tokens.MapGet("", ListAsync).WithSummary("Your tokens, without their secrets.");
        tokens.MapDelete("/{id:guid}", RevokeAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Revoke one of your tokens.");
        tokens.MapPost("/login", LoginAsync).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Exchange email and password for a token (what `migrator login` does); same lockout rules as the sign-in page.");
        return tokens;
    }

    internal static async Task<Results<Created<ApiTokenCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateTokenRequest request, ClaimsPrincipal caller, UserManager<IdentityUser> users, ApiTokenStore store, CancellationToken ct)
    {
        // A leaked token must not be able to mint itself successors that outlive its expiry or revocation.
        if (ApiTokenDefaults.IsTokenCall(caller))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Tokens cannot create tokens",
                detail: "Sign in with a password (browser, or POST /api/tokens/login) to create a token.");
        var errors = Validate(request.Name, request.ExpiresInDays, out var name, out var lifetime);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var user = await users.GetUserAsync(caller) ?? throw new InvalidOperationException("An authorized caller has no account.");
        var created = await store.CreateAsync(user.Id, ApiEndpoints.ActorOf(caller), name, user.SecurityStamp ?? "", lifetime, "from a signed-in session", ct);
        return TypedResults.Created($"/api/tokens/{created.Id}", created);
    }

    internal static async Task<Ok<ApiTokenSummary[]>> ListAsync(ClaimsPrincipal caller, UserManager<IdentityUser> users, ApiTokenStore store, CancellationToken ct)
    {
        var userId = users.GetUserId(caller) ?? throw new InvalidOperationException("An authorized caller has no user id.");
        return TypedResults.Ok((await store.ListAsync(userId, ct)).ToArray());
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal caller, UserManager<IdentityUser> users, ApiTokenStore store, CancellationToken ct)
    {
        var userId = users.GetUserId(caller) ?? throw new InvalidOperationException("An authorized caller has no user id.");
        return await store.RevokeAsync(userId, id, ApiEndpoints.ActorOf(caller), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such token", detail: $"You have no token {id}.");
    }

    internal static async Task<Results<Created<ApiTokenCreated>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        TokenLoginRequest request, SignInManager<IdentityUser> signIn, ApiTokenStore store, AuditLog audit, CancellationToken ct)
    {
        var errors = Validate(request.Name ?? "migrator login", request.ExpiresInDays, out var name, out var lifetime) ?? new Dictionary<string, string[]>();
        var email = (request.Email ?? "").Trim();
        if (email.Length is 0 or > 256) errors["email"] = ["an email address is required"];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["a password is required"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var user = await signIn.UserManager.FindByEmailAsync(email);
        var result = user is null
            ? SignInResult.Failed
            : await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            var reason = result.IsLockedOut ? "locked out after repeated failures" : result.IsNotAllowed ? "not allowed to sign in" : user is null ? "unknown email" : "wrong password";
            await audit.RecordAsync(email, AuditActions.SignInFailed, $"user:{email}", $"{reason} (API token login)", ct);
            return result.IsLockedOut
                ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Locked out", detail: "Too many failed attempts; try again later.")
                : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong email or password");
        }

        await audit.RecordAsync(user!.Email!, AuditActions.SignInSucceeded, $"user:{user.Email}", "API token login", ct);
        var created = await store.CreateAsync(user.Id, user.Email!, name, user.SecurityStamp ?? "", lifetime, "by email and password", ct);
        return TypedResults.Created($"/api/tokens/{created.Id}", created);
    }

    /// <summary>The rules for a new token's name and lifetime, shared by the API and the Tokens page; null when both are valid.</summary>
    internal static Dictionary<string, string[]>? Validate(string? nameText, int? days, out string name, out TimeSpan lifetime)
    {
        var errors = new Dictionary<string, string[]>();
        name = (nameText ?? "").Trim();
        if (name.Length == 0) errors["name"] = ["a token needs a name (what it is for)"];
        else if (name.Length > ApiToken.MaxNameLength) errors["name"] = [$"at most {ApiToken.MaxNameLength} characters"];
        var d = days ?? (int)ApiToken.DefaultLifetime.TotalDays;
        if (d < 1 || d > ApiToken.MaxLifetime.TotalDays) errors["expiresInDays"] = [$"between 1 and {ApiToken.MaxLifetime.TotalDays:F0}"];
        lifetime = TimeSpan.FromDays(Math.Clamp(d, 1, (int)ApiToken.MaxLifetime.TotalDays));
        return errors.Count > 0 ? errors : null;
    }
}
