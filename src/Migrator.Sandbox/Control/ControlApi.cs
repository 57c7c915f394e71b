using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Control;

/// <summary>
/// Test-control endpoints under /_emulator/, answered only to loopback clients that name a loopback Host (no DNS
/// rebinding) and send the per-process token in X-Emulator-Token (no cross-site requests; health excepted); bodies
/// must be application/json and settings in range:
/// faults (POST adds a rule or an array of rules, DELETE clears), dns-faults (the same for the DNS listener), stats (GET counts per operation, DELETE resets),
/// settings (GET/POST insyncDelayMs, priorRequestNotComplete, rateLimitBurst, rateLimitPerSecond, domainOperationDelayMs),
/// domains (POST {"name","nameServers"} registers a domain), health.
/// </summary>
public static class ControlApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string TokenHeader = "X-Emulator-Token";

    /// <summary>Largest delay the settings accept (one hour), in milliseconds.</summary>
    public const double MaxDelayMs = 3_600_000;

    /// <summary>Largest rate-limit burst or refill the settings accept.</summary>
    public const double MaxRate = 1_000_000;

    public static async Task HandleAsync(Emulator emulator, HttpContext context)
    {
        if (!Emulator.IsLoopback(context) || !IsLoopbackHost(context.Request.Host))
        {
            await Write(context, new JsonObject { ["error"] = "the control API answers loopback clients addressing a loopback host only" }, 403);
            return;
        }
        var path = context.Request.Path.Value!.TrimEnd('/');
        var method = context.Request.Method;
        if (!(method == "GET" && path == "/_emulator/health") && !HasToken(emulator, context))
        {
            await Write(context, new JsonObject { ["error"] = $"missing or wrong {TokenHeader}" }, 401);
            return;
        }
        if (method is "POST" or "PUT" && !IsJson(context.Request.ContentType))
        {
            await Write(context, new JsonObject { ["error"] = "the body must be application/json" }, 415);
            return;
        }
        try
        {
            switch (method, path)
            {
                case ("GET", "/_emulator/health"):
                    await Write(context, new JsonObject { ["status"] = "ok" });
                    return;
                case ("GET", "/_emulator/stats"):
                    await Write(context, new JsonObject
                    {
                        ["operations"] = JsonSerializer.SerializeToNode(emulator.Stats.Snapshot(), Json),
                        ["hostedZones"] = emulator.Route53.ZonesByCreation().Count,
                        ["servedZones"] = emulator.Route53.Served.Count,
                    });
                    return;
                case ("DELETE", "/_emulator/stats"):
                    emulator.Stats.Reset();
                    context.Response.StatusCode = 204;
                    return;
                case ("GET", "/_emulator/faults"):
                    await Write(context, JsonSerializer.SerializeToNode(emulator.Faults.Snapshot(), Json)!);
                    return;
                case ("POST", "/_emulator/faults"):
                {
                    var node = await JsonNode.ParseAsync(context.Request.Body);
                    var rules = node is JsonArray a ? a.Deserialize<List<FaultRule>>(Json)! : [node.Deserialize<FaultRule>(Json)!];
                    foreach (var r in rules) emulator.Faults.Add(r);
                    await Write(context, JsonSerializer.SerializeToNode(emulator.Faults.Snapshot(), Json)!);
                    return;
                }
                case ("DELETE", "/_emulator/faults"):
                    emulator.Faults.Clear();
                    context.Response.StatusCode = 204;
                    return;
                case ("GET", "/_emulator/dns-faults"):
                    await Write(context, JsonSerializer.SerializeToNode(emulator.DnsFaults.Snapshot(), Json)!);
                    return;
                case ("POST", "/_emulator/dns-faults"):
                {
                    var node = await JsonNode.ParseAsync(context.Request.Body);
                    var rules = node is JsonArray a ? a.Deserialize<List<DnsFaultRule>>(Json)! : [node.Deserialize<DnsFaultRule>(Json)!];
                    // Every rule is checked before any is added: a refused request changes nothing.
                    if (rules.Select(r => r is null ? "a rule is null" : r.Problem()).FirstOrDefault(p => p is not null) is { } problem) throw new FormatException(problem);
                    foreach (var r in rules) emulator.DnsFaults.Add(r);
                    await Write(context, JsonSerializer.SerializeToNode(emulator.DnsFaults.Snapshot(), Json)!);
                    return;
                }
                case ("DELETE", "/_emulator/dns-faults"):
                    emulator.DnsFaults.Clear();
                    context.Response.StatusCode = 204;
                    return;
                case ("GET", "/_emulator/settings"):
                    await Write(context, Settings(emulator));
                    return;
                case ("POST", "/_emulator/settings"):
                {
                    var s = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
                    // Everything is validated before anything is applied: a refused request changes nothing.
                    var insync = Number(s, "insyncDelayMs", MaxDelayMs);
                    var prior = s["priorRequestNotComplete"]?.GetValue<bool>();
                    var domainDelay = Number(s, "domainOperationDelayMs", MaxDelayMs);
                    var burst = Number(s, "rateLimitBurst", MaxRate);
                    var perSecond = Number(s, "rateLimitPerSecond", MaxRate);
                    if (insync is { } d) emulator.Route53.InsyncDelay = TimeSpan.FromMilliseconds(d);
                    if (prior is { } p) emulator.Route53.PriorRequestNotComplete = p;
                    if (domainDelay is { } o) emulator.Domains.OperationDelay = TimeSpan.FromMilliseconds(o);
                    if (burst is not null || perSecond is not null)
                        emulator.RateLimit.Configure(burst ?? emulator.RateLimit.Burst, perSecond ?? emulator.RateLimit.PerSecond);
                    await Write(context, Settings(emulator));
                    return;
                }
                case ("POST", "/_emulator/domains"):
                {
                    var d = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
                    var name = d["name"]?.GetValue<string>() ?? throw new JsonException("name is required");
                    var ns = (d["nameServers"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
                    var domain = emulator.Domains.Register(name, ns);
                    await Write(context, new JsonObject { ["name"] = domain.Name });
                    return;
                }
                default:
                    context.Response.StatusCode = 404;
                    return;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            context.Response.StatusCode = 400;
            await Write(context, new JsonObject { ["error"] = e.Message }, 400);
        }
    }

    /// <summary>A finite number from 0 to <paramref name="max"/>, or null when absent; anything else is a 400.</summary>
    private static double? Number(JsonObject body, string name, double max)
    {
        if (body[name] is not { } node) return null;
        var value = node.GetValue<double>();
        if (!double.IsFinite(value) || value < 0 || value > max)
            throw new FormatException($"{name} must be a number from 0 to {max}");
        return value;
    }

    private static bool HasToken(Emulator emulator, HttpContext context)
    {
        var sent = context.Request.Headers[TokenHeader].ToString();
        return sent.Length > 0 && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(sent), System.Text.Encoding.UTF8.GetBytes(emulator.ControlToken));
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>127.0.0.0/8, [::1] or "localhost": a rebinding page's Host (its own name) is refused.</summary>
    internal static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue) return false;
        var name = host.Host;
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return System.Net.IPAddress.TryParse(name.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }

    private static JsonObject Settings(Emulator e) => new()
    {
        ["insyncDelayMs"] = e.Route53.InsyncDelay.TotalMilliseconds,
        ["priorRequestNotComplete"] = e.Route53.PriorRequestNotComplete,
        ["domainOperationDelayMs"] = e.Domains.OperationDelay.TotalMilliseconds,
        ["rateLimitBurst"] = e.RateLimit.Burst,
        ["rateLimitPerSecond"] = e.RateLimit.PerSecond,
    };

    private static Task Write(HttpContext context, JsonNode body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }
}
