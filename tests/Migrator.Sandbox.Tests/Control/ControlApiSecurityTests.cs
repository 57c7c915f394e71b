using System.Net;
using System.Text;
using Migrator.Sandbox.Control;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Tests.Control;

/// <summary>Finding 7: the control API needs the per-process token, a loopback Host and JSON, and refuses settings out of range.</summary>
public sealed class ControlApiSecurityTests : IAsyncLifetime
{
    private EmulatorHost host = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        host = await EmulatorHost.StartAsync(new EmulatorOptions { Url = "http://127.0.0.1:0" });
        http = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await host.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? token = "", string? hostHeader = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        if (token is not null) request.Headers.Add(ControlApi.TokenHeader, token.Length == 0 ? host.ControlToken : token);
        if (hostHeader is not null) request.Headers.Host = hostHeader;
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Control_Returns401_WhenTokenMissingOrWrong()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/_emulator/stats", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "/_emulator/settings", """{"insyncDelayMs":0}""", token: "guess")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/_emulator/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/_emulator/health", token: null)).StatusCode);
    }

    [Fact]
    public void ControlToken_IsRandomPerEmulator()
    {
        using var other = new Emulator(new EmulatorOptions());
        Assert.NotEqual(host.ControlToken, other.ControlToken);
        Assert.True(host.ControlToken.Length >= 32);
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:4566")]
    [InlineData("10.0.0.1")]
    public async Task Control_Returns403_WhenHostIsNotLoopback(string hostHeader)
    {
        var response = await SendAsync(HttpMethod.Post, "/_emulator/settings", """{"insyncDelayMs":0}""", hostHeader: hostHeader);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Control_Returns415_WhenBodyIsAFormPost()
    {
        var response = await SendAsync(HttpMethod.Post, "/_emulator/settings", "insyncDelayMs=0", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"insyncDelayMs":1e300}""")]
    [InlineData("""{"insyncDelayMs":-1}""")]
    [InlineData("""{"domainOperationDelayMs":-5}""")]
    [InlineData("""{"rateLimitPerSecond":-1}""")]
    [InlineData("""{"rateLimitBurst":1e300}""")]
    [InlineData("""{"insyncDelayMs":"soon"}""")]
    public async Task Settings_Returns400AndChangesNothing_WhenValueOutOfRange(string json)
    {
        var before = await (await SendAsync(HttpMethod.Get, "/_emulator/settings")).Content.ReadAsStringAsync();
        var response = await SendAsync(HttpMethod.Post, "/_emulator/settings", json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await (await SendAsync(HttpMethod.Get, "/_emulator/settings")).Content.ReadAsStringAsync());
    }
}
