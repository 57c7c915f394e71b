using System.Net;
using System.Text;
using System.Text.Json;
using Migrator.Sandbox.Control;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Dns;

/// <summary>The DNS listener's faults, set and cleared through the control API (token, loopback, JSON), queried with dig.</summary>
public sealed class DnsFaultTests(DnsListenerFixture f) : IClassFixture<DnsListenerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await SendAsync(HttpMethod.Delete, "/_emulator/dns-faults");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, bool withToken = true)
    {
        using var http = new HttpClient { BaseAddress = f.Host.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (withToken) request.Headers.Add(ControlApi.TokenHeader, f.Host.ControlToken);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task DnsFault_RefusesOnlyTheNamedZone_UntilCleared()
    {
        var (_, faulty) = await f.ServedZoneAsync("refused", ("www.@", "A", 60, ["192.0.2.1"]));
        var (_, healthy) = await f.ServedZoneAsync("healthy", ("www.@", "A", 60, ["192.0.2.2"]));

        var added = await SendAsync(HttpMethod.Post, "/_emulator/dns-faults", $$"""{"zone":"{{faulty.ToUpperInvariant()}}","response":"REFUSED"}""");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Single(JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.EnumerateArray());

        var refused = await Dig.QueryAsync(f.Dns, $"www.{faulty}");
        Assert.Equal("REFUSED", refused.Status);
        Assert.Empty(refused.Answer);
        Assert.Equal("REFUSED", (await Dig.QueryAsync(f.Dns, faulty, "SOA")).Status);
        Assert.Equal([$"www.{healthy} 60 IN A 192.0.2.2"], (await Dig.QueryAsync(f.Dns, $"www.{healthy}")).Answer);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/_emulator/dns-faults")).StatusCode);
        Assert.Equal([$"www.{faulty} 60 IN A 192.0.2.1"], (await Dig.QueryAsync(f.Dns, $"www.{faulty}")).Answer);
    }

    [Fact]
    public async Task DnsFault_AnswersServfailForTheNextNQuestions_ThenDisappears()
    {
        var (_, zone) = await f.ServedZoneAsync("servfail", ("www.@", "A", 60, ["192.0.2.3"]));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/_emulator/dns-faults", """[{"response":"SERVFAIL","count":2}]""")).StatusCode);

        Assert.Equal("SERVFAIL", (await Dig.QueryAsync(f.Dns, $"www.{zone}")).Status);
        Assert.Equal("SERVFAIL", (await Dig.QueryAsync(f.Dns, $"www.{zone}")).Status);
        Assert.Equal("NOERROR", (await Dig.QueryAsync(f.Dns, $"www.{zone}")).Status);
        var left = await SendAsync(HttpMethod.Get, "/_emulator/dns-faults");
        Assert.Empty(JsonDocument.Parse(await left.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task DnsFault_SendsNoAnswer_WhenResponseIsDrop()
    {
        var (_, zone) = await f.ServedZoneAsync("drop", ("www.@", "A", 60, ["192.0.2.4"]));
        var (_, other) = await f.ServedZoneAsync("answered", ("www.@", "A", 60, ["192.0.2.5"]));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/_emulator/dns-faults", $$"""{"zone":"{{zone}}","response":"drop"}""")).StatusCode);

        var dig = await TestProcess.RunAsync("dig", [$"@{f.Dns.Address}", "-p", f.Dns.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "+norec", "+time=1", "+tries=1", "+notcp", $"www.{zone}", "A"]);
        Assert.Equal(9, dig.ExitCode); // dig: no reply from server
        Assert.DoesNotContain("status:", dig.StdOut);
        Assert.Equal([$"www.{other} 60 IN A 192.0.2.5"], (await Dig.QueryAsync(f.Dns, $"www.{other}")).Answer); // the listener is not held up
    }

    [Theory]
    [InlineData("""{"response":"NXDOMAIN"}""")]
    [InlineData("""{"response":"REFUSED","probability":0}""")]
    [InlineData("""[{"response":"REFUSED"},{"response":"LATER"}]""")]
    [InlineData("""{"response":"REFUSED","count":0}""")]
    public async Task DnsFaults_Returns400AndAddsNothing_WhenARuleIsInvalid(string json)
    {
        var response = await SendAsync(HttpMethod.Post, "/_emulator/dns-faults", json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(f.Host.Emulator.DnsFaults.Snapshot());
    }

    [Fact]
    public async Task DnsFaults_Returns401AndAddsNothing_WithoutTheControlToken()
    {
        var response = await SendAsync(HttpMethod.Post, "/_emulator/dns-faults", """{"response":"REFUSED"}""", withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(f.Host.Emulator.DnsFaults.Snapshot());
    }
}
