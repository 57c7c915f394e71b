using System.Text;
using System.Text.Json.Nodes;
using Migrator.Core.Route53;

namespace Migrator.Core.CloudWatchLogs;

public sealed record LogGroup(string Name, string Arn, int? RetentionInDays, DateTimeOffset CreationTime, long StoredBytes);

public sealed record LogGroupPage(IReadOnlyList<LogGroup> LogGroups, string? NextToken);

public sealed record LogResourcePolicy(string Name, string Document, DateTimeOffset LastUpdated);

public sealed record LogEventRecord(string LogStreamName, DateTimeOffset Timestamp, string Message, string EventId);

public sealed record LogEventPage(IReadOnlyList<LogEventRecord> Events, string? NextToken);

/// <summary>
/// A thin CloudWatch Logs client over JSON 1.1 (POST / with X-Amz-Target Logs_20140328.*), signed with SigV4 for the
/// service "logs" in <see cref="Region"/>. One request per call, no retries. Errors throw <see cref="Route53Exception"/>
/// (the AWS error shape shared with the Route 53 clients) with the bare code, e.g. ResourceAlreadyExistsException.
/// Route 53 public query logs can only go to a log group in us-east-1, hence the default region.
/// </summary>
public sealed class CloudWatchLogsClient(HttpClient http, Uri endpoint, IAwsCredentialSource credentials, TimeProvider time,
    string region = "us-east-1")
{
    public const string TargetPrefix = "Logs_20140328";
    private readonly TimeProvider _time = time;

    public string Region { get; } = region;

    /// <summary>The endpoint of the service in a region (https://logs.REGION.amazonaws.com).</summary>
    public static Uri DefaultEndpoint(string region) => new($"https://logs.{region}.amazonaws.com");

    /// <summary>The only retention periods CloudWatch Logs accepts, in days.</summary>
    public static readonly IReadOnlyList<int> RetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public Task CreateLogGroupAsync(string name, CancellationToken ct) =>
        CallAsync("CreateLogGroup", new JsonObject { ["logGroupName"] = name }, ct);

    public Task DeleteLogGroupAsync(string name, CancellationToken ct) =>
        CallAsync("DeleteLogGroup", new JsonObject { ["logGroupName"] = name }, ct);

    /// <exception cref="ArgumentOutOfRangeException">A retention CloudWatch Logs would refuse (see <see cref="RetentionValues"/>).</exception>
    public Task PutRetentionPolicyAsync(string name, int days, CancellationToken ct)
    {
        if (!RetentionValues.Contains(days))
            throw new ArgumentOutOfRangeException(nameof(days), days, $"CloudWatch Logs accepts only {string.Join(", ", RetentionValues)} days");
        return CallAsync("PutRetentionPolicy", new JsonObject { ["logGroupName"] = name, ["retentionInDays"] = days }, ct);
    }

    public async Task<LogGroupPage> DescribeLogGroupsAsync(string? prefix, string? nextToken, int? limit, CancellationToken ct)
    {
        var req = new JsonObject();
        if (prefix is not null) req["logGroupNamePrefix"] = prefix;
        if (nextToken is not null) req["nextToken"] = nextToken;
        if (limit is not null) req["limit"] = limit.Value;
        var r = await CallAsync("DescribeLogGroups", req, ct);
        return new LogGroupPage((r["logGroups"] as JsonArray ?? []).Select(g => new LogGroup(
                g!["logGroupName"]!.GetValue<string>(),
                g["logGroupArn"]?.GetValue<string>() ?? g["arn"]?.GetValue<string>()?.TrimEnd('*').TrimEnd(':') ?? "",
                g["retentionInDays"] is JsonValue d ? (int)d.GetValue<double>() : null,
                DateTimeOffset.FromUnixTimeMilliseconds(g["creationTime"] is JsonValue c ? (long)c.GetValue<double>() : 0),
                g["storedBytes"] is JsonValue b ? (long)b.GetValue<double>() : 0)).ToList(),
            r["nextToken"]?.GetValue<string>());
    }

    /// <summary>The group of exactly that name, or null.</summary>
    public async Task<LogGroup?> FindLogGroupAsync(string name, CancellationToken ct)
    {
        string? next = null;
        do
        {
            var page = await DescribeLogGroupsAsync(name, next, 50, ct);
            if (page.LogGroups.FirstOrDefault(g => g.Name == name) is { } found) return found;
            next = page.NextToken;
        } while (next is not null);
        return null;
    }

    public async Task<LogResourcePolicy> PutResourcePolicyAsync(string name, string document, CancellationToken ct)
    {
        var r = await CallAsync("PutResourcePolicy", new JsonObject { ["policyName"] = name, ["policyDocument"] = document }, ct);
        return Policy(r["resourcePolicy"] as JsonObject ?? throw new FormatException("PutResourcePolicy: answer lacks resourcePolicy"));
    }

    public async Task<IReadOnlyList<LogResourcePolicy>> DescribeResourcePoliciesAsync(CancellationToken ct)
    {
        var r = await CallAsync("DescribeResourcePolicies", [], ct);
        return (r["resourcePolicies"] as JsonArray ?? []).Select(p => Policy(p!.AsObject())).ToList();
    }

    public async Task<LogEventPage> FilterLogEventsAsync(string group, DateTimeOffset? start, DateTimeOffset? end, string? filterPattern,
        string? nextToken, int? limit, CancellationToken ct)
    {
        var req = new JsonObject { ["logGroupName"] = group };
        if (start is not null) req["startTime"] = start.Value.ToUnixTimeMilliseconds();
        if (end is not null) req["endTime"] = end.Value.ToUnixTimeMilliseconds();
        if (filterPattern is not null) req["filterPattern"] = filterPattern;
        if (nextToken is not null) req["nextToken"] = nextToken;
        if (limit is not null) req["limit"] = limit.Value;
        var r = await CallAsync("FilterLogEvents", req, ct);
        return new LogEventPage((r["events"] as JsonArray ?? []).Select(e => new LogEventRecord(
                e!["logStreamName"]?.GetValue<string>() ?? "",
                DateTimeOffset.FromUnixTimeMilliseconds((long)e["timestamp"]!.GetValue<double>()),
                e["message"]?.GetValue<string>() ?? "", e["eventId"]?.GetValue<string>() ?? "")).ToList(),
            r["nextToken"]?.GetValue<string>());
    }

    private static LogResourcePolicy Policy(JsonObject p) => new(p["policyName"]!.GetValue<string>(), p["policyDocument"]?.GetValue<string>() ?? "",
        DateTimeOffset.FromUnixTimeMilliseconds(p["lastUpdatedTime"] is JsonValue t ? (long)t.GetValue<double>() : 0));

    private async Task<JsonObject> CallAsync(string operation, JsonObject body, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var uri = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/");
        var target = $"{TargetPrefix}.{operation}";
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        var creds = await credentials.GetAsync(ct).ConfigureAwait(false);
        var signed = SigV4Signer.Sign("POST", uri, [new("content-type", "application/x-amz-json-1.1"), new("x-amz-target", target)],
            bytes, creds, Region, "logs", _time.GetUtcNow());
        foreach (var h in signed.HeadersToAdd) request.Headers.TryAddWithoutValidation(h.Key, h.Value);

        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw Route53DomainsClient.ParseError(text, response.StatusCode, Route53Client.RequestId(response));
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? throw new FormatException($"{operation}: answer is not a JSON object");
    }
}
