using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using Migrator.Web.Access;
using Migrator.Web.Api;
using MudBlazor;

namespace Migrator.Web.Components.Pages;

/// <summary>
/// Account administration through <see cref="UserAdministration"/>. The page is Admin-only, and every action checks the
/// Admin policy again on the server-side principal before it calls the service (a role can change while a circuit lives).
/// </summary>
public partial class Users
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private AccountDirectory Accounts { get; set; } = default!;
    [Inject] private UserAdministration Administration { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    private sealed record AddedUser(string Email, string Role, string Password);

    private IReadOnlyList<AccountSummary>? accounts;
    private AddedUser? added;
    private string? newEmail;
    private string newRole = MigratorRoles.Viewer;
    private string? message;
    private string? copyMessage;
    private Severity messageSeverity = Severity.Info;
    private bool busy;

    private bool Ready => RendererInfo.IsInteractive && accounts is not null;

    protected override async Task OnInitializedAsync() => accounts = await Accounts.ListAsync();

    private static string StatusOf(AccountSummary a) => a.Disabled ? "disabled" : a.LockedOut ? "locked out after failed sign-ins" : "active";

    /// <summary>Runs one change as the signed-in Admin, then shows its outcome in words and the list as it is now.</summary>
    private async Task RunAsync(Func<string, Task<string>> change)
    {
        if (busy) return;
        busy = true;
        try
        {
            var user = (await AuthenticationState).User;
            if (!(await Authorization.AuthorizeAsync(user, Policies.IsAdmin)).Succeeded)
            {
                (message, messageSeverity) = ("Only administrators manage users; your role has changed. Reload the page.", Severity.Error);
                return;
            }
            message = await change(ApiEndpoints.ActorOf(user));
            accounts = await Accounts.ListAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private string Outcome(UserChangeResult result, string done, string email)
    {
        messageSeverity = result.Outcome == UserChangeOutcome.Done ? Severity.Success : Severity.Warning;
        return result.Outcome switch
        {
            UserChangeOutcome.Done => done,
            UserChangeOutcome.NotFound => $"{email} no longer exists. The list now shows the current accounts.",
            _ => $"Refused for {email}: {result.Message}. Another administrator can make this change.",
        };
    }

    private Task AddAsync() => RunAsync(async actor =>
    {
        (added, copyMessage) = (null, null);
        var email = newEmail?.Trim() ?? "";
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal))
        {
            messageSeverity = Severity.Warning;
            return "Enter the person's email address (name@example.com), choose a role and press Add user.";
        }
        var password = UserAdministration.NewInitialPassword();
        var created = await Administration.CreateAsync(email, password, newRole, actor);
        if (!created.Succeeded)
        {
            messageSeverity = Severity.Warning;
            return $"{email} was not added: {string.Join("; ", created.Errors.SelectMany(e => e.Value))}. Correct it and press Add user again.";
        }
        added = new AddedUser(email, newRole, password);
        newEmail = null;
        messageSeverity = Severity.Success;
        return $"Added {email} as {newRole}.";
    });

    private Task SetRoleAsync(AccountSummary account, string role) => RunAsync(async actor =>
        Outcome(await Administration.SetRoleAsync(account.Id, role, actor), $"{account.Email} is now {role}; their sessions ended so the new role applies at once.", account.Email));

    private Task DisableAsync(AccountSummary account) => RunAsync(async actor =>
        Outcome(await Administration.DisableAsync(account.Id, actor), $"Disabled {account.Email}: their sessions and API tokens stop at once.", account.Email));

    private Task EnableAsync(AccountSummary account) => RunAsync(async actor =>
        Outcome(await Administration.EnableAsync(account.Id, actor), $"Enabled {account.Email}: they can sign in again.", account.Email));

    private Task EndSessionsAsync(AccountSummary account) => RunAsync(async actor =>
        Outcome(await Administration.EndSessionsAsync(account.Id, actor), $"Ended every session of {account.Email}: they sign in again at their next request.", account.Email));

    private async Task CopyAsync()
    {
        if (added is null) return;
        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", added.Password);
            copyMessage = "Copied to the clipboard.";
        }
        catch (JSException)
        {
            copyMessage = "The browser did not allow copying: select the password and copy it with the keyboard (Ctrl+C).";
        }
    }

    private void Dismiss() => (added, copyMessage) = (null, null);
}
