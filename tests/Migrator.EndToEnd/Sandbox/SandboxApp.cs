using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.EndToEnd.Browser;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Sandbox;

/// <summary>
/// The real app in sandbox mode as a process, with the world's TTLs set to seconds through configuration
/// (Migrator:Sandbox:World:*), and API tokens for the demo accounts. Waits are on conditions with generous limits.
/// </summary>
public sealed class SandboxApp : IAsyncDisposable
{
    /// <summary>World timing used by these tests: 1 s records, 2 s delegations, 1 s negative answers, a 4 s ISP floor.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastWorld = new Dictionary<string, string>
    {
        ["Migrator__Sandbox__World__RecordTtl"] = "1",
        ["Migrator__Sandbox__World__DelegationTtl"] = "2",
        ["Migrator__Sandbox__World__NegativeTtl"] = "1",
        ["Migrator__Sandbox__World__IspTtlFloor"] = "4",
        ["Migrator__Sandbox__InsyncDelaySeconds"] = "0.5",
    };

    public static readonly IReadOnlyList<string> OldNameServers = ["ns1.oldhost.example.", "ns2.oldhost.example."];
    public static readonly IReadOnlyList<string> Route53NameServers = ["ns-1.route53.example.", "ns-2.route53.example.", "ns-3.route53.example.", "ns-4.route53.example."];

    private SandboxApp(WebAppProcess app) => App = app;

    public WebAppProcess App { get; }
    public Uri BaseAddress => App.BaseAddress;
    public HttpClient Operator { get; private set; } = null!;
    public HttpClient Approver { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public DnsClientProbe Probe { get; } = new(new DnsProbeSettings(TimeSpan.FromSeconds(2)));

    public static async Task<SandboxApp> StartAsync(string? dataDirectory = null)
    {
        var app = new SandboxApp(await WebAppProcess.StartAsync(dataDirectory, FastWorld));
        try
        {
            app.Operator = await app.ClientAsync("operator@sandbox.local", "Operator-sandbox-1");
            app.Approver = await app.ClientAsync("approver@sandbox.local", "Approver-sandbox-1");
            app.Admin = await app.ClientAsync("admin@sandbox.local", "Admin-sandbox-1");
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client acting as <paramref name="email"/> through a personal API token.</summary>
    public async Task<HttpClient> ClientAsync(string email, string password)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var login = await http.PostAsJsonAsync("/api/tokens/login", new { email, password, name = "sandbox-e2e" });
        Assert.True(login.IsSuccessStatusCode, $"token for {email}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<JsonElement> WorldAsync()
    {
        var r = await Admin.GetAsync("/api/sandbox");
        Assert.True(r.IsSuccessStatusCode, $"GET /api/sandbox: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The NS names the world's TLD publishes for <paramref name="zone"/> now (from GET /api/sandbox).</summary>
    public async Task<IReadOnlyList<string>> DelegationAtTldAsync(string zone)
    {
        var world = await WorldAsync();
        var d = world.GetProperty("delegations").EnumerateArray().Single(x => x.GetProperty("zone").GetString() == zone);
        return d.GetProperty("nameServersAtTld").EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The world's resolvers (name, IP:port), the ISP-like one last.</summary>
    public async Task<IReadOnlyList<(string Name, DnsEndpoint Endpoint)>> ResolversAsync()
    {
        var world = await WorldAsync();
        return world.GetProperty("resolvers").EnumerateArray()
            .Select(r => (r.GetProperty("name").GetString()!, DnsEndpoint.Parse($"{r.GetProperty("address").GetString()}:{r.GetProperty("port").GetInt32()}")))
            .ToList();
    }

    /// <summary>The apex NS set a resolver answers for <paramref name="zone"/> (recursively), sorted; empty on failure.</summary>
    public async Task<IReadOnlyList<string>> NameServersViaAsync(DnsEndpoint resolver, string zone)
    {
        var r = await Probe.QueryAsync(resolver, DomainName.Parse(zone), RecordType.NS, ProbeOptions.Recursive);
        return r.AnswerSet.Select(x => x.Data.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> StatusAsync(string zone) => await ReadAsync(await Operator.GetAsync($"/api/migrations/{zone}"), $"GET {zone}");

    /// <summary>Polls the migration until <paramref name="done"/> holds for its status; fails with the last status on timeout.</summary>
    public async Task<JsonElement> WaitForAsync(string zone, Func<JsonElement, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement status;
        do
        {
            status = await StatusAsync(zone);
            if (done(status)) return status;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"{zone}: {what} did not happen within {timeout}; last status: {status}\n--- app output (tail)\n{Tail(App.Output)}");
        return status;
    }

    public Task<JsonElement> WaitForStateAsync(string zone, string state, TimeSpan timeout) =>
        WaitForAsync(zone, s => s.GetProperty("state").GetString() == state && s.GetProperty("runningStep").ValueKind == JsonValueKind.Null, timeout, $"state {state}");

    /// <summary>Polls any condition (DNS, the world view) until it holds; fails with the last observation on timeout.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await observe();
            if (done(last)) return last;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"{what} did not happen within {timeout}; last seen: {Describe(last)}");
        return last;
    }

    private static string Describe<T>(T value) => value is System.Collections.IEnumerable e and not string
        ? "[" + string.Join(", ", e.Cast<object>()) + "]"
        : value?.ToString() ?? "null";

    public static string Tail(string text, int lines = 60) => string.Join('\n', text.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        Operator?.Dispose();
        Approver?.Dispose();
        Admin?.Dispose();
        Probe.Dispose();
        await App.DisposeAsync();
    }
}
