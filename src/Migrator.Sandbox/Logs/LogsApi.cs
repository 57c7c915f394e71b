using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Logs;

/// <summary>CloudWatch Logs over JSON 1.1 (X-Amz-Target Logs_20140328.*): times in Unix milliseconds, errors {"__type","message"} with 400.</summary>
public sealed class LogsApi(LogsState state)
{
    public const string TargetPrefix = "Logs_20140328.";

    public static JsonObject Error(string code, string message) => new() { ["__type"] = code, ["message"] = message };

    public (int Status, JsonNode Body) Execute(string operation, byte[] body)
    {
        JsonObject request;
        try
        {
            request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return (400, Error("SerializationException", "Start of structure or map found where not expected."));
        }
        try
        {
            return operation switch
            {
                "CreateLogGroup" => Map(state.CreateLogGroup(Str(request, "logGroupName")), _ => new JsonObject()),
                "DeleteLogGroup" => Map(state.DeleteLogGroup(Str(request, "logGroupName")), _ => new JsonObject()),
                "PutRetentionPolicy" => Map(state.PutRetentionPolicy(Str(request, "logGroupName"), Int(request, "retentionInDays")), _ => new JsonObject()),
                "DeleteRetentionPolicy" => Map(state.DeleteRetentionPolicy(Str(request, "logGroupName")), _ => new JsonObject()),
                "DescribeLogGroups" => DescribeLogGroups(request),
                "PutResourcePolicy" => Map(state.PutResourcePolicy(Str(request, "policyName"), Str(request, "policyDocument")),
                    p => new JsonObject { ["resourcePolicy"] = Policy(p) }),
                "DescribeResourcePolicies" => (200, new JsonObject { ["resourcePolicies"] = new JsonArray(state.DescribeResourcePolicies().Select(p => (JsonNode)Policy(p)).ToArray()) }),
                "DeleteResourcePolicy" => Map(state.DeleteResourcePolicy(Str(request, "policyName")), _ => new JsonObject()),
                "FilterLogEvents" => FilterLogEvents(request),
                _ => (400, Error("UnknownOperationException", $"Unknown operation {operation}")),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return (400, Error("SerializationException", e.Message));
        }
    }

    private (int, JsonNode) DescribeLogGroups(JsonObject request)
    {
        var limit = Int(request, "limit") ?? 50;
        if (limit is < 1 or > 50) return (400, Error("InvalidParameterException", "limit must be between 1 and 50"));
        var (page, next) = state.DescribeLogGroups(Str(request, "logGroupNamePrefix"), limit, Str(request, "nextToken"));
        var groups = new JsonArray();
        foreach (var (g, bytes) in page)
        {
            var o = new JsonObject
            {
                ["logGroupName"] = g.Name, ["creationTime"] = g.CreationTime, ["metricFilterCount"] = 0,
                ["arn"] = g.Arn + ":*", ["storedBytes"] = bytes, ["logGroupClass"] = "STANDARD", ["logGroupArn"] = g.Arn,
            };
            if (g.RetentionInDays is { } r) o["retentionInDays"] = r;
            groups.Add(o);
        }
        var answer = new JsonObject { ["logGroups"] = groups };
        if (next is not null) answer["nextToken"] = next;
        return (200, answer);
    }

    private (int, JsonNode) FilterLogEvents(JsonObject request)
    {
        var limit = Int(request, "limit") ?? 10_000;
        if (limit is < 1 or > 10_000) return (400, Error("InvalidParameterException", "limit must be between 1 and 10000"));
        var streams = (request["logStreamNames"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var r = state.FilterLogEvents(Str(request, "logGroupName"), streams, Long(request, "startTime"), Long(request, "endTime"),
            Str(request, "filterPattern"), limit, Str(request, "nextToken"));
        if (r.Error is { } e) return (e.Status, Error(e.Code, e.Message));
        var (events, next) = r.Value;
        var answer = new JsonObject
        {
            ["events"] = new JsonArray(events.Select(ev => (JsonNode)new JsonObject
            {
                ["logStreamName"] = ev.LogStreamName, ["timestamp"] = ev.Timestamp, ["message"] = ev.Message,
                ["ingestionTime"] = ev.IngestionTime, ["eventId"] = ev.EventId,
            }).ToArray()),
            ["searchedLogStreams"] = new JsonArray(),
        };
        if (next is not null) answer["nextToken"] = next;
        return (200, answer);
    }

    private static JsonObject Policy(ResourcePolicyState p) =>
        new() { ["policyName"] = p.Name, ["policyDocument"] = p.Document, ["lastUpdatedTime"] = p.LastUpdatedTime };

    private static (int, JsonNode) Map<T>(Result<T> r, Func<T, JsonNode> ok) =>
        r.Error is { } e ? (e.Status, Error(e.Code, e.Message)) : (200, ok(r.Value!));

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, string name) => o[name] is JsonValue v ? (int)v.GetValue<double>() : null;

    private static long? Long(JsonObject o, string name) => o[name] is JsonValue v ? (long)v.GetValue<double>() : null;
}
