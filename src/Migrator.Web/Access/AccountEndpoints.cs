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
    }

    // Only one first administrator, even if two browsers submit the setup form at once.
    private static readonly SemaphoreSlim SetupGate = new(1, 1);

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/signin", SignInAsync).AllowAnonymous();
        account.MapPost("/signout", SignOutAsync).RequireAuthorization();
        account.MapPost("/setup", SetupAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> SignInAsync([FromForm] SignInForm form, SignInManager<IdentityUser> signIn, AuditLog audit, CancellationToken cancellationToken)
    {
        var email = Truncate(form.Email.Trim(), 256);
        var returnUrl = SafeReturnUrl(form.ReturnUrl);
        var user = email.Length == 0 ? null : await signIn.UserManager.FindByEmailAsync(email);
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);

        if (result.Succeeded)
        {
            await audit.RecordAsync(user!.Email!, AuditActions.SignInSucceeded, $"user:{user.Email}", cancellationToken: cancellationToken);
            return Results.LocalRedirect(returnUrl);
        }

        var reason = result.IsLockedOut ? "locked out after repeated failures" : user is null ? "unknown email" : "wrong password";
        await audit.RecordAsync(email.Length == 0 ? "(blank)" : email, AuditActions.SignInFailed, $"user:{email}", reason, cancellationToken);
        var query = QueryString.Create("failed", result.IsLockedOut ? "locked" : "1").Add("ReturnUrl", returnUrl);
        return Results.LocalRedirect(SignInPath + query);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, SignInManager<IdentityUser> signIn, AuditLog audit, CancellationToken cancellationToken)
    {
        var name = http.User.Identity?.Name ?? "(unknown)";
        await signIn.SignOutAsync();
        await audit.RecordAsync(name, AuditActions.SignedOut, $"user:{name}", cancellationToken: cancellationToken);
        return Results.LocalRedirect(SignInPath);
    }

    private static async Task<IResult> SetupAsync([FromForm] SetupForm form, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn,
        IOptions<MigratorOptions> options, AuditLog audit, CancellationToken cancellationToken)
    {
        if (options.Value.Mode != MigratorMode.Real)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Setup is only for real mode", detail: "Sandbox mode creates demo accounts at start.");

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

    /// <summary>Only app-relative paths; anything else (absolute URLs, //host, /\host) goes home, so sign-in cannot redirect off-site.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
            ? returnUrl
            : "/";

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
