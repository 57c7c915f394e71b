using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using Migrator.Web.Display;

namespace Migrator.Web.Tests.Dashboard;

public sealed class ViewerTimeZoneTests
{
    /// <summary>A browser whose answers to "migrator.timeZone" are given in order; each is a zone id or an exception.</summary>
    private sealed class ScriptedBrowser(params object?[] answers) : IJSRuntime
    {
        public int Asks { get; private set; }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Assert.Equal("migrator.timeZone", identifier);
            var answer = answers[Asks++];
            // Completed before the caller awaits: a failure that arrives at once, as a disconnected circuit's does.
            return answer is Exception e ? ValueTask.FromException<TValue>(e) : ValueTask.FromResult((TValue)answer!);
        }
    }

    [Fact]
    public async Task ResolveAsync_AsksAgain_WhenTheFirstAskFailedAtOnce()
    {
        var browser = new ScriptedBrowser(new JSDisconnectedException("no circuit"), "Asia/Tokyo");
        var viewer = new ViewerTimeZone(browser, NullLogger<ViewerTimeZone>.Instance);

        Assert.Null(await viewer.ResolveAsync());
        Assert.Equal("Asia/Tokyo", (await viewer.ResolveAsync())?.Id);
        Assert.Equal(2, browser.Asks);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("cancelled")]
    public async Task ResolveAsync_ShowsUtcAndDoesNotThrow_WhenTheAskFailsInAnyWay(string failure)
    {
        Exception error = failure == "json" ? new JsonException("not a string") : new OperationCanceledException();
        var viewer = new ViewerTimeZone(new ScriptedBrowser(error), NullLogger<ViewerTimeZone>.Instance);

        Assert.Null(await viewer.ResolveAsync());
        Assert.Null(viewer.Zone);
    }

    [Fact]
    public async Task ResolveAsync_AsksTheBrowserOnce_WhenItAnswered()
    {
        var browser = new ScriptedBrowser("Europe/Paris");
        var viewer = new ViewerTimeZone(browser, NullLogger<ViewerTimeZone>.Instance);

        var zones = await Task.WhenAll(viewer.ResolveAsync(), viewer.ResolveAsync(), viewer.ResolveAsync());

        Assert.All(zones, z => Assert.Equal("Europe/Paris", z?.Id));
        Assert.Equal(1, browser.Asks);
    }

    [Fact]
    public async Task Know_TakesTheCookiesZone_AndTheBrowserIsNotAsked()
    {
        var browser = new ScriptedBrowser();
        var viewer = new ViewerTimeZone(browser, NullLogger<ViewerTimeZone>.Instance);

        viewer.Know("Asia/Tokyo");

        Assert.Equal("Asia/Tokyo", viewer.Zone?.Id);
        Assert.Equal("Asia/Tokyo", (await viewer.ResolveAsync())?.Id);
        Assert.Equal(0, browser.Asks);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Know_IgnoresAZoneNotKnownHere_AndTheBrowserIsAskedInstead(string? cookie)
    {
        var browser = new ScriptedBrowser("America/New_York");
        var viewer = new ViewerTimeZone(browser, NullLogger<ViewerTimeZone>.Instance);

        viewer.Know(cookie);

        Assert.Null(viewer.Zone);
        Assert.Equal("America/New_York", (await viewer.ResolveAsync())?.Id);
        Assert.Equal(1, browser.Asks);
    }
}
