using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Migrator.Web.Display;

/// <summary>The signed-in viewer's time zone, asked from the browser once per circuit; null while prerendering or unknown.</summary>
public sealed class ViewerTimeZone(IJSRuntime js, ILogger<ViewerTimeZone> log)
{
    private Task<TimeZoneInfo?>? resolving;

    public TimeZoneInfo? Zone { get; private set; }

    /// <summary>
    /// Call from OnAfterRenderAsync (JS is not available while prerendering). Cached once answered: one browser round
    /// trip per circuit. An ask that failed is not cached: the next caller asks again.
    /// </summary>
    public Task<TimeZoneInfo?> ResolveAsync() => resolving ??= AskBrowserAsync();

    private async Task<TimeZoneInfo?> AskBrowserAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("migrator.timeZone");
            Zone = TimeDisplay.FindZone(id);
            if (Zone is null) log.LogInformation("The browser's time zone {TimeZone} is not known here; times are shown in UTC", id ?? "(none)");
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            // A closed tab, or no answer: keep showing UTC, labelled as such, and ask again next time.
            log.LogWarning("Asking the browser for its time zone failed ({Error}: {Message}); times are shown in UTC", e.GetType().Name, e.Message);
            resolving = null;
        }
        return Zone;
    }
}
