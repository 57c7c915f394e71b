using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.JSInterop;
using Migrator.Web.Api;
using Migrator.Web.Tokens;
using MudBlazor;

namespace Migrator.Web.Components.Pages;

/// <summary>The signed-in person's own API tokens: every call names the user from the server-side principal, never from the page.</summary>
public partial class Tokens
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private ApiTokenStore Store { get; set; } = default!;
    [Inject] private UserManager<IdentityUser> Users { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    private static readonly int[] ExpiryChoices = [1, 7, 30, 90, 365];

    private IReadOnlyList<ApiTokenSummary>? tokens;
    private ApiTokenCreated? created;
    private string? name;
    private int days = 30;
    private string? nameError;
    private string? message;
    private string? copyMessage;
    private Severity messageSeverity = Severity.Info;
    private bool busy;

    private bool Ready => RendererInfo.IsInteractive && tokens is not null;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task<IdentityUser?> CurrentUserAsync() => await Users.GetUserAsync((await AuthenticationState).User);

    private async Task LoadAsync()
    {
        var user = await CurrentUserAsync();
        tokens = user is null ? [] : await Store.ListAsync(user.Id);
    }

    private async Task CreateAsync()
    {
        if (busy) return;
        busy = true;
        try
        {
            (message, nameError, copyMessage, created) = (null, null, null, null);
            var principal = (await AuthenticationState).User;
            var user = await Users.GetUserAsync(principal);
            if (user is null)
            {
                (message, messageSeverity) = ("Your account was not found. Sign out and sign in again.", Severity.Error);
                return;
            }
            var errors = TokenEndpoints.Validate(name, days, out var tokenName, out var lifetime);
            if (errors is not null)
            {
                nameError = errors.TryGetValue("name", out var n) ? $"{string.Join("; ", n)}." : null;
                (message, messageSeverity) = ($"The token was not created: {string.Join("; ", errors.SelectMany(e => e.Value))}. Correct it and press Create token again.", Severity.Warning);
                return;
            }
            created = await Store.CreateAsync(user.Id, ApiEndpoints.ActorOf(principal), tokenName, user.SecurityStamp ?? "", lifetime, "from the Tokens page");
            name = null;
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task RevokeAsync(ApiTokenSummary token)
    {
        if (busy) return;
        busy = true;
        try
        {
            var principal = (await AuthenticationState).User;
            var user = await Users.GetUserAsync(principal);
            var revoked = user is not null && await Store.RevokeAsync(user.Id, token.Id, ApiEndpoints.ActorOf(principal));
            (message, messageSeverity) = revoked
                ? ($"Revoked \"{token.Name}\" ({token.Hint}): calls with it are refused from now on.", Severity.Success)
                : ($"\"{token.Name}\" is not one of your tokens any more. The list now shows your current tokens.", Severity.Warning);
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task CopyAsync()
    {
        if (created is null) return;
        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", created.Token);
            copyMessage = "Copied to the clipboard.";
        }
        catch (JSException)
        {
            copyMessage = "The browser did not allow copying: select the token and copy it with the keyboard (Ctrl+C).";
        }
    }

    private void Dismiss() => (created, copyMessage) = (null, null);

    private static string StatusOf(ApiTokenSummary t) => t.RevokedAt is not null ? "revoked" : t.Active ? "active" : "expired";
}
