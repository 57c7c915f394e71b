using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Migrator.Web.Access;

/// <summary>
/// The one server-side check that a signed-in principal may still act, run on every request (cookie and API token):
/// the account exists and is neither disabled nor locked out, and — for browser sessions — its security stamp is
/// unchanged (sign-out, "end sessions", a new password or a role change all rotate the stamp).
/// </summary>
public sealed class UserSessionGuard(UserManager<IdentityUser> users, IOptions<IdentityOptions> identity)
{
    /// <summary>The account behind an API token: exists and may sign in (not disabled, not locked out).</summary>
    public async Task<IdentityUser?> FindActiveUserAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || await users.IsLockedOutAsync(user)) return null;
        return user;
    }

    /// <summary>A browser session: the account is active and the cookie carries the account's current security stamp.</summary>
    public async Task<bool> IsSessionValidAsync(ClaimsPrincipal principal)
    {
        var id = users.GetUserId(principal);
        if (id is null) return false;
        var user = await FindActiveUserAsync(id);
        if (user is null) return false;
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp is not null && stamp == await users.GetSecurityStampAsync(user);
    }

    /// <summary>Cookie event: a session that fails the check is rejected and its cookie deleted, at once.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null) return;
        var guard = context.HttpContext.RequestServices.GetRequiredService<UserSessionGuard>();
        if (await guard.IsSessionValidAsync(context.Principal)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
