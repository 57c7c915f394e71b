using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Logs;

/// <summary>One log event as CloudWatch Logs stores it (times in Unix milliseconds).</summary>
public sealed record LogEvent(string LogStreamName, long Timestamp, long IngestionTime, string Message, string EventId);

/// <summary>A log group: retention (null = never expire), creation time, streams of events in arrival order.</summary>
public sealed class LogGroupState(string name, string arn, long creationTime)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public long CreationTime { get; } = creationTime;
    public int? RetentionInDays { get; set; }
    public List<LogEvent> Events { get; } = [];
    public HashSet<string> Streams { get; } = new(StringComparer.Ordinal);
}

public sealed record ResourcePolicyState(string Name, string Document, long LastUpdatedTime);

/// <summary>
/// The subset of CloudWatch Logs that Route 53 query logging needs, for one account in us-east-1: log groups with
/// retention, account resource policies (at most 10), events written by the emulator's DNS listener, and filtering.
/// Invariant: retention is one of <see cref="RetentionValues"/>; every method is safe to call from any thread.
/// </summary>
public sealed class LogsState(EmulatorOptions options)
{
    /// <summary>The only retention periods CloudWatch Logs accepts (days).</summary>
    public static readonly IReadOnlyList<int> RetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    public const int MaxResourcePolicies = 10;

    private static readonly Regex GroupName = new(@"^[\.\-_/#A-Za-z0-9]{1,512}$", RegexOptions.CultureInvariant);
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, LogGroupState> _groups = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ResourcePolicyState> _policies = new(StringComparer.Ordinal);
    private long _eventSequence;

    public const string Region = "us-east-1";

    private long Now => options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    public string GroupArn(string name) => $"arn:aws:logs:{Region}:{options.AccountId}:log-group:{name}";

    public Result<LogGroupState> CreateLogGroup(string? name)
    {
        if (name is null || !GroupName.IsMatch(name))
            return new ApiError(400, "InvalidParameterException", "1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
        lock (_gate)
        {
            if (_groups.ContainsKey(name)) return new ApiError(400, "ResourceAlreadyExistsException", "The specified log group already exists");
            var g = new LogGroupState(name, GroupArn(name), Now);
            _groups.Add(name, g);
            return g;
        }
    }

    public Result<bool> DeleteLogGroup(string? name)
    {
        lock (_gate)
            return name is not null && _groups.Remove(name) ? true : NotFound();
    }

    public Result<bool> PutRetentionPolicy(string? name, int? days)
    {
        if (days is null || !RetentionValues.Contains(days.Value))
            return new ApiError(400, "InvalidParameterException",
                $"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", RetentionValues)}]");
        lock (_gate)
        {
            if (name is null || !_groups.TryGetValue(name, out var g)) return NotFound();
            g.RetentionInDays = days;
            return true;
        }
    }

    public Result<bool> DeleteRetentionPolicy(string? name)
    {
        lock (_gate)
        {
            if (name is null || !_groups.TryGetValue(name, out var g)) return NotFound();
            g.RetentionInDays = null;
            return true;
        }
    }

    /// <summary>Groups whose name starts with <paramref name="prefix"/>, in name order, from <paramref name="after"/> (exclusive).</summary>
    public (IReadOnlyList<(LogGroupState Group, long StoredBytes)> Page, string? Next) DescribeLogGroups(string? prefix, int limit, string? after)
    {
        lock (_gate)
        {
            var all = _groups.Values.Where(g => prefix is null || g.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Where(g => after is null || string.CompareOrdinal(g.Name, after) > 0).ToList();
            var page = all.Take(limit).Select(g => (g, g.Events.Sum(e => (long)System.Text.Encoding.UTF8.GetByteCount(e.Message) + 26))).ToList();
            return (page, all.Count > limit ? page[^1].g.Name : null);
        }
    }

    public Result<ResourcePolicyState> PutResourcePolicy(string? name, string? document)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255) return new ApiError(400, "InvalidParameterException", "policyName must be 1–255 characters");
        if (string.IsNullOrEmpty(document) || document.Length > 5120) return new ApiError(400, "InvalidParameterException", "policyDocument must be 1–5120 characters");
        try { if (JsonNode.Parse(document) is not JsonObject) throw new JsonException(); }
        catch (JsonException) { return new ApiError(400, "InvalidParameterException", "Policy document is not valid JSON"); }
        lock (_gate)
        {
            if (!_policies.ContainsKey(name) && _policies.Count >= MaxResourcePolicies)
                return new ApiError(400, "LimitExceededException", "Resource limit exceeded.");
            var p = new ResourcePolicyState(name, document, Now);
            _policies[name] = p;
            return p;
        }
    }

    public IReadOnlyList<ResourcePolicyState> DescribeResourcePolicies()
    {
        lock (_gate) return _policies.Values.ToList();
    }

    public Result<bool> DeleteResourcePolicy(string? name)
    {
        lock (_gate)
            return name is not null && _policies.Remove(name) ? true
                : new ApiError(400, "ResourceNotFoundException", "Policy with id [" + name + "] not found");
    }

    /// <summary>Appends one event (the DNS listener's query log line); false when the group does not exist.</summary>
    public bool Append(string groupName, string streamName, DateTimeOffset timestamp, string message)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupName, out var g)) return false;
            g.Streams.Add(streamName);
            var id = (++_eventSequence).ToString("D56", System.Globalization.CultureInfo.InvariantCulture);
            g.Events.Add(new LogEvent(streamName, timestamp.ToUnixTimeMilliseconds(), Now, message, id));
            return true;
        }
    }

    /// <summary>
    /// Events in [start, end) of the given streams (all when none) matching the filter pattern: empty matches all, a
    /// quoted pattern is a substring, otherwise every space-separated term must occur. Paged by event index.
    /// </summary>
    public Result<(IReadOnlyList<LogEvent> Events, string? Next)> FilterLogEvents(string? group, IReadOnlyCollection<string>? streams,
        long? start, long? end, string? pattern, int limit, string? after)
    {
        var terms = Terms(pattern);
        lock (_gate)
        {
            if (group is null || !_groups.TryGetValue(group, out var g)) return NotFound();
            var from = after is not null && int.TryParse(after, out var a) ? a : 0;
            var matched = new List<LogEvent>();
            var i = from;
            for (; i < g.Events.Count && matched.Count < limit; i++)
            {
                var e = g.Events[i];
                if (streams is { Count: > 0 } && !streams.Contains(e.LogStreamName)) continue;
                if (start is not null && e.Timestamp < start) continue;
                if (end is not null && e.Timestamp >= end) continue;
                if (!terms.All(t => e.Message.Contains(t, StringComparison.Ordinal))) continue;
                matched.Add(e);
            }
            return (matched, i < g.Events.Count ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        }
    }

    private static List<string> Terms(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return [];
        var p = pattern.Trim();
        if (p.Length >= 2 && p[0] == '"' && p[^1] == '"') return [p[1..^1]];
        return p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('"')).ToList();
    }

    /// <summary>
    /// Whether some resource policy lets route53.amazonaws.com create streams and put events in the group, for
    /// queries of <paramref name="hostedZoneId"/>: Allow, the service principal, both actions (or a wildcard), a
    /// resource pattern covering the group, and every condition satisfied by aws:SourceAccount and aws:SourceArn.
    /// </summary>
    public bool AllowsRoute53(string logGroupArn, string hostedZoneId)
    {
        var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:SourceAccount"] = options.AccountId,
            ["aws:SourceArn"] = $"arn:aws:route53:::hostedzone/{hostedZoneId}",
        };
        var groupArn = logGroupArn.EndsWith(":*", StringComparison.Ordinal) ? logGroupArn[..^2] : logGroupArn;
        foreach (var policy in DescribeResourcePolicies())
        {
            if (JsonNode.Parse(policy.Document) is not JsonObject doc) continue;
            var statements = doc["Statement"] is JsonArray arr ? arr.OfType<JsonObject>() : doc["Statement"] is JsonObject one ? [one] : [];
            foreach (var s in statements)
            {
                if (s["Effect"]?.GetValue<string>() != "Allow") continue;
                if (!Values(s["Principal"]?["Service"]).Contains("route53.amazonaws.com", StringComparer.Ordinal)) continue;
                var actions = Values(s["Action"]);
                if (!new[] { "logs:CreateLogStream", "logs:PutLogEvents" }.All(need => actions.Any(a => Like(a, need, ignoreCase: true)))) continue;
                var resources = Values(s["Resource"]);
                if (!resources.Any(r => Like(r, groupArn) || Like(r, groupArn + ":*") || Like(r, groupArn + ":log-stream:x"))) continue;
                if (s["Condition"] is JsonObject conditions && !ConditionsHold(conditions, context)) continue;
                return true;
            }
        }
        return false;
    }

    private static bool ConditionsHold(JsonObject conditions, Dictionary<string, string> context)
    {
        foreach (var (op, block) in conditions)
        {
            if (block is not JsonObject keys) return false;
            foreach (var (key, value) in keys)
            {
                if (!context.TryGetValue(key, out var actual)) return false;
                var wanted = Values(value);
                var ok = op switch
                {
                    "StringEquals" or "ArnEquals" => wanted.Contains(actual, StringComparer.Ordinal),
                    "StringLike" or "ArnLike" => wanted.Any(w => Like(w, actual)),
                    _ => false,
                };
                if (!ok) return false;
            }
        }
        return true;
    }

    private static List<string> Values(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(x => x?.GetValue<string>() ?? "").ToList(),
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    /// <summary>IAM wildcard match: '*' any run, '?' one character.</summary>
    private static bool Like(string pattern, string text, bool ignoreCase = false) =>
        Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private static ApiError NotFound() => new(400, "ResourceNotFoundException", "The specified log group does not exist.");

    /// <summary>The group name in a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]).</summary>
    public static string? GroupNameFromArn(string arn)
    {
        var parts = arn.Split(':');
        if (parts.Length < 7 || parts[2] != "logs" || parts[5] != "log-group") return null;
        return parts[6];
    }
}
