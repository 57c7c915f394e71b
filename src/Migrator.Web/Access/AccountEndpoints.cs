using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;

namespace Migrator.Web.Access;

/// <summary>Form posts from the static sign-in and setup pages; every outcome is audited, no password is ever recorded.</summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/signin";
    public const string AccessDeniedPath = "/account/access-denied";
    public const string SetupPath = "/setup";

    public sealed class SignInForm
    {
        public string Email { get; set; } = "";
        public string Password { get; set; } = "";
        public string? ReturnUrl { get; set; }
    }

    public sealed class SetupForm
    {
        public string Email { get; set; } = "";
        public string Password { get; set; } = "";
        public string? SetupToken { get; set; }
    }

    /// <summary>The ASP.NET Core rate-limiter policy on the anonymous account forms (per client address).</summary>
    public const string RateLimitPolicy = "account-forms";

    // Only one first administrator, even if two browsers submit the setup form at once.
    private static readonly SemaphoreSlim SetupGate = new(1, 1);

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/signin", SignInAsync).AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        account.MapPost("/signout", SignOutAsync).RequireAuthorization();
        account.MapPost("/setup", SetupAsync).AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    private static async Task<IResult> SignInAsync([FromForm] SignInForm form, HttpContext http, SignInManager<IdentityUser> signIn, SignInThrottle throttle,
        SignInAudit failures, DummyPasswordCheck dummy, AuditLog audit, CancellationToken cancellationToken)
    {
        var email = Truncate(form.Email.Trim(), 256);
        var password = Truncate(form.Password, 1024);
        var returnUrl = SafeReturnUrl(form.ReturnUrl);
        var address = http.Connection.RemoteIpAddress;
        IResult Failed(string code) => Results.LocalRedirect(SignInPath + QueryString.Create("failed", code).Add("ReturnUrl", returnUrl));

        if (throttle.BlockedUntil(email, address) is not null || !throttle.AccountHasBudget(email, address))
        {
            await failures.RecordFailureAsync(AuditActions.AnonymousActor, failures.KeyedHash(email), "refused: too many failed attempts", cancellationToken);
            return Failed("locked");
        }

        var user = email.Length == 0 ? null : await signIn.UserManager.FindByEmailAsync(email);
        Microsoft.AspNetCore.Identity.SignInResult result;
        if (user is null)
        {
            dummy.Verify(password); // an unknown e-mail costs what a known one costs: one password hash
            result = Microsoft.AspNetCore.Identity.SignInResult.Failed;
        }
        else
        {
            result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false);
        }

        if (result.Succeeded)
        {
            throttle.RecordSuccess(email, address);
            await audit.RecordAsync(user!.Email!, AuditActions.SignInSucceeded, $"user:{user.Email}", cancellationToken: cancellationToken);
            return Results.LocalRedirect(returnUrl);
        }

        if (!result.IsLockedOut) throttle.RecordFailure(email, address);
        var reason = result.IsLockedOut ? "account disabled" : user is null ? "unknown email" : "wrong password";
        if (user is null)
            await failures.RecordFailureAsync(AuditActions.AnonymousActor, failures.KeyedHash(email), reason, cancellationToken);
        else
            await failures.RecordFailureAsync(user.Email!, $"user:{user.Email}", reason, cancellationToken);
        return Failed(result.IsLockedOut ? "disabled" : throttle.BlockedUntil(email, address) is not null ? "locked" : "1");
    }

    /// <summary>Ends this session and every other session of the account (the security stamp changes; cookies are checked on every request).</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, SignInManager<IdentityUser> signIn, AuditLog audit, CancellationToken cancellationToken)
    {
        var name = http.User.Identity?.Name ?? "(unknown)";
        if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        await audit.RecordAsync(name, AuditActions.SignedOut, $"user:{name}", cancellationToken: cancellationToken);
        return Results.LocalRedirect(SignInPath);
    }

    private static async Task<IResult> SetupAsync([FromForm] SetupForm form, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn,
        IOptions<MigratorOptions> options, SetupToken setupToken, AuditLog audit, CancellationToken cancellationToken)
    {
        if (options.Value.Mode != MigratorMode.Real)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Setup is only for real mode", detail: "Sandbox mode creates demo accounts at start.");
        if (!setupToken.Matches(form.SetupToken))
            return setupToken.IsIssued
                ? Results.LocalRedirect(SetupPath + QueryString.Create("error", "The setup token is wrong. Use the token printed at start (also in the setup-token file in the data directory)."))
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Setup is closed", detail: "An account already exists; an administrator creates further accounts.");

        await SetupGate.WaitAsync(cancellationToken);
        try
        {
            if (users.Users.Any())
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Setup is closed", detail: "An account already exists; an administrator creates further accounts.");

            var email = form.Email.Trim();
            if (SandboxAccounts.IsSandboxEmail(email))
                return Results.LocalRedirect(SetupPath + QueryString.Create("error", $"Addresses at {SandboxAccounts.Domain} are reserved for sandbox demo accounts."));
            var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, form.Password);
            if (!created.Succeeded)
                return Results.LocalRedirect(SetupPath + QueryString.Create("error", string.Join(" ", created.Errors.Select(e => e.Description))));
            var role = await users.AddToRoleAsync(user, MigratorRoles.Admin);
            if (!role.Succeeded)
                throw new InvalidOperationException($"Could not make {email} an Admin: {string.Join("; ", role.Errors.Select(e => e.Description))}");

            setupToken.Consume();
            await audit.RecordAsync(email, AuditActions.FirstAdministratorCreated, $"user:{email}", "created at /setup", cancellationToken);
            await signIn.SignInAsync(user, isPersistent: false);
            await audit.RecordAsync(email, AuditActions.SignInSucceeded, $"user:{email}", "after setup", cancellationToken);
            return Results.LocalRedirect("/");
        }
        finally
        {
            SetupGate.Release();
        }
    }

    /// <summary>
    /// Only app-relative paths of printable ASCII; anything else (absolute URLs, //host, /\host, control characters,
    /// non-ASCII such as U+3002 that browsers may read as a dot) goes home, so sign-in cannot redirect off-site or fail.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.Length <= 2048 && returnUrl[0] == '/'
        && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
        && returnUrl.All(c => c is > ' ' and < (char)0x7F)
            ? returnUrl
            : "/";

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
