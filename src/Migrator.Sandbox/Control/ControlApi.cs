using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Control;

/// <summary>
/// Unsigned test-control endpoints under /_emulator/, answered only to loopback clients:
/// faults (POST adds a rule or an array of rules, DELETE clears), stats (GET counts per operation, DELETE resets),
/// settings (GET/POST insyncDelayMs, priorRequestNotComplete, rateLimitBurst, rateLimitPerSecond, domainOperationDelayMs),
/// domains (POST {"name","nameServers"} registers a domain), health.
/// </summary>
public static class ControlApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task HandleAsync(Emulator emulator, HttpContext context)
    {
        if (!Emulator.IsLoopback(context))
        {
            context.Response.StatusCode = 403;
            return;
        }
        var path = context.Request.Path.Value!.TrimEnd('/');
        var method = context.Request.Method;
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
                case ("GET", "/_emulator/settings"):
                    await Write(context, Settings(emulator));
                    return;
                case ("POST", "/_emulator/settings"):
                {
                    var s = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
                    if (s["insyncDelayMs"] is { } d) emulator.Route53.InsyncDelay = TimeSpan.FromMilliseconds(d.GetValue<double>());
                    if (s["priorRequestNotComplete"] is { } p) emulator.Route53.PriorRequestNotComplete = p.GetValue<bool>();
                    if (s["domainOperationDelayMs"] is { } o) emulator.Domains.OperationDelay = TimeSpan.FromMilliseconds(o.GetValue<double>());
                    if (s["rateLimitBurst"] is not null || s["rateLimitPerSecond"] is not null)
                        emulator.RateLimit.Configure(s["rateLimitBurst"]?.GetValue<double>() ?? emulator.RateLimit.Burst,
                            s["rateLimitPerSecond"]?.GetValue<double>() ?? emulator.RateLimit.PerSecond);
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
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            context.Response.StatusCode = 400;
            await Write(context, new JsonObject { ["error"] = e.Message }, 400);
        }
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
