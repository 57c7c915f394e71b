using System.Text.Json.Nodes;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.CloudWatchLogs;

/// <summary>
/// The plan's query-logging answer. Invariant: <see cref="RetentionDays"/> is a value CloudWatch Logs accepts
/// (the article's "automated time to delete"; 365 by default).
/// </summary>
public sealed record QueryLoggingPlan(DomainName Zone, string HostedZoneId, string AccountId, int RetentionDays = QueryLoggingSetup.DefaultRetentionDays)
{
    public string LogGroupName => QueryLoggingSetup.LogGroupName(Zone);
    public string LogGroupArn => $"arn:aws:logs:{QueryLoggingSetup.Region}:{AccountId}:log-group:{LogGroupName}";
}

/// <summary>What <see cref="QueryLoggingSetup.EnsureAsync"/> found or made; the flags say which steps changed something.</summary>
public sealed record QueryLoggingResult(string LogGroupName, string LogGroupArn, int RetentionDays, string ResourcePolicyName, string QueryLoggingConfigId,
    bool CreatedLogGroup, bool WroteResourcePolicy, bool CreatedConfig);

/// <summary>
/// Turns on Route 53 query logging for a public hosted zone, idempotently: the log group /aws/route53/ZONE in us-east-1
/// (Route 53 writes public query logs only there; they never go straight to S3: export the group to S3 for longer
/// keeping), its retention, the account resource policy that lets route53.amazonaws.com write (scoped with
/// aws:SourceAccount and aws:SourceArn), then the query logging config. Safe to rerun after a crash at any step.
/// Entry point: <see cref="EnsureAsync"/>.
/// </summary>
public sealed class QueryLoggingSetup(CloudWatchLogsClient logs, Route53Client route53)
{
    public const string Region = "us-east-1";
    public const int DefaultRetentionDays = 365;
    public const string ResourcePolicyName = "Route53QueryLogsToCloudWatchLogs";

    public static string LogGroupName(DomainName zone) => "/aws/route53/" + zone.ToLowerString().TrimEnd('.');

    /// <summary>One policy per account covers every /aws/route53/* group, for any hosted zone of this account only.</summary>
    public static string ResourcePolicyDocument(string accountId) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "Route53QueryLogs",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "route53.amazonaws.com" },
            ["Action"] = new JsonArray("logs:CreateLogStream", "logs:PutLogEvents"),
            ["Resource"] = $"arn:aws:logs:{Region}:{accountId}:log-group:/aws/route53/*",
            ["Condition"] = new JsonObject
            {
                ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = accountId },
                ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = "arn:aws:route53:::hostedzone/*" },
            },
        }),
    }.ToJsonString();

    public async Task<QueryLoggingResult> EnsureAsync(QueryLoggingPlan plan, CancellationToken ct)
    {
        if (logs.Region != Region)
            throw new InvalidOperationException($"Route 53 writes public query logs only to CloudWatch Logs in {Region}, not {logs.Region}");
        if (!CloudWatchLogsClient.RetentionValues.Contains(plan.RetentionDays))
            throw new ArgumentOutOfRangeException(nameof(plan), plan.RetentionDays, "retention is not a value CloudWatch Logs accepts");

        var createdGroup = false;
        var group = await logs.FindLogGroupAsync(plan.LogGroupName, ct);
        if (group is null)
        {
            try { await logs.CreateLogGroupAsync(plan.LogGroupName, ct); createdGroup = true; }
            catch (Route53Exception e) when (e.Code == "ResourceAlreadyExistsException") { }
        }
        if (group?.RetentionInDays != plan.RetentionDays)
            await logs.PutRetentionPolicyAsync(plan.LogGroupName, plan.RetentionDays, ct);

        var document = ResourcePolicyDocument(plan.AccountId);
        var existing = (await logs.DescribeResourcePoliciesAsync(ct)).FirstOrDefault(p => p.Name == ResourcePolicyName);
        var wrote = false;
        if (existing is null || !JsonNode.DeepEquals(JsonNode.Parse(existing.Document), JsonNode.Parse(document)))
        {
            await logs.PutResourcePolicyAsync(ResourcePolicyName, document, ct);
            wrote = true;
        }

        var configs = await route53.ListQueryLoggingConfigsAsync(plan.HostedZoneId, ct);
        var config = configs.FirstOrDefault();
        var createdConfig = false;
        if (config is null)
        {
            config = await route53.CreateQueryLoggingConfigAsync(plan.HostedZoneId, plan.LogGroupArn, ct);
            createdConfig = true;
        }
        else if (!SameGroup(config.CloudWatchLogsLogGroupArn, plan.LogGroupArn))
            throw new InvalidOperationException(
                $"hosted zone {plan.HostedZoneId} already logs queries to {config.CloudWatchLogsLogGroupArn}; delete that config ({config.Id}) first to log to {plan.LogGroupArn}");
        return new QueryLoggingResult(plan.LogGroupName, plan.LogGroupArn, plan.RetentionDays, ResourcePolicyName, config.Id, createdGroup, wrote, createdConfig);
    }

    private static bool SameGroup(string a, string b) =>
        string.Equals(a.EndsWith(":*", StringComparison.Ordinal) ? a[..^2] : a, b.EndsWith(":*", StringComparison.Ordinal) ? b[..^2] : b, StringComparison.Ordinal);
}
