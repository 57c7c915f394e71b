using Microsoft.JSInterop;

namespace Migrator.Web.Display;

/// <summary>The signed-in viewer's time zone, asked from the browser once per circuit; null while prerendering or unknown.</summary>
public sealed class ViewerTimeZone(IJSRuntime js)
{
    private Task<TimeZoneInfo?>? resolving;

    public TimeZoneInfo? Zone { get; private set; }

    /// <summary>Call from OnAfterRenderAsync (JS is not available while prerendering). Cached: one browser round trip per circuit.</summary>
    public Task<TimeZoneInfo?> ResolveAsync() => resolving ??= AskBrowserAsync();

    private async Task<TimeZoneInfo?> AskBrowserAsync()
    {
        try
        {
            Zone = TimeDisplay.FindZone(await js.InvokeAsync<string?>("migrator.timeZone"));
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            // Unknown zone or a closed tab: keep showing UTC, labelled as such.
        }
        return Zone;
    }
}
