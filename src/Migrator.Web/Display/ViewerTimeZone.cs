using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Migrator.Web.Display;

/// <summary>
/// The signed-in viewer's time zone; null while unknown (times then read in UTC, labelled as such).
/// Known from the start when the request carried the zone cookie that js/migrator.js sets on every page load
/// (<see cref="CookieName"/>): App.razor reads it and hands it to the interactive root, so the prerendered page and the
/// circuit show the same local times and no browser round trip is needed. Without the cookie (the first page a browser
/// ever loads), the circuit asks the browser once.
/// </summary>
public sealed class ViewerTimeZone(IJSRuntime js, ILogger<ViewerTimeZone> log)
{
    public const string CookieName = "migrator-tz";

    private Task<bool>? asking;

    public TimeZoneInfo? Zone { get; private set; }

    /// <summary>Takes the zone the request's cookie names, when this server knows it; an unknown name is ignored.</summary>
    public void Know(string? id)
    {
        if (Zone is null && TimeDisplay.FindZone(id) is { } zone) Zone = zone;
    }

    /// <summary>
    /// Call from OnAfterRenderAsync (JS is not available while prerendering). Once answered, the zone is kept: one browser
    /// round trip per circuit at most. An ask that failed is not kept, even when it failed at once: the next caller asks again.
    /// </summary>
    public async Task<TimeZoneInfo?> ResolveAsync()
    {
        if (Zone is not null) return Zone;
        var ask = asking ??= AskBrowserAsync();
        if (!await ask && ReferenceEquals(asking, ask)) asking = null;
        return Zone;
    }

    /// <summary>True once the browser answered (a zone unknown here is an answer too); false when the ask failed.</summary>
    private async Task<bool> AskBrowserAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("migrator.timeZone");
            Zone = TimeDisplay.FindZone(id);
            if (Zone is null) log.LogInformation("The browser's time zone {TimeZone} is not known here; times are shown in UTC", id ?? "(none)");
            return true;
        }
        catch (Exception e)
        {
            // A closed tab, no answer in time, or anything else: a display preference never ends the circuit. Keep
            // showing UTC, labelled as such, and ask again next time.
            log.LogWarning("Asking the browser for its time zone failed ({Error}: {Message}); times are shown in UTC", e.GetType().Name, e.Message);
            return false;
        }
    }
}
