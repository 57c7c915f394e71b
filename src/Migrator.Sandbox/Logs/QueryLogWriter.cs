using System.Globalization;
using System.Net;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Logs;

/// <summary>One question the DNS listener answered, for a zone it serves.</summary>
public sealed record AnsweredQuery(string HostedZoneId, string QueryName, string QueryType, string ResponseCode, bool OverTcp,
    IPAddress? ResolverAddress, string? EdnsClientSubnet);

/// <summary>
/// Writes one line per answered query to the zone's query-logging log group, in Route 53's documented format
/// (version, timestamp, hosted zone id, query name, type, response code, protocol, edge location, resolver IP,
/// EDNS client subnet or "-"), to the stream "ZONEID/EDGE". Zones without a query logging config log nothing.
/// </summary>
public sealed class QueryLogWriter(Route53State route53, LogsState logs, TimeProvider time, string edgeLocation = QueryLogWriter.SandboxEdge)
{
    public const string SandboxEdge = "SBX1";

    /// <summary>The mnemonic Route 53 writes for a response code.</summary>
    public static string ResponseCodeName(int code) => code switch
    {
        0 => "NOERROR", 1 => "FORMERR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 4 => "NOTIMP", 5 => "REFUSED",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    public static string Format(DateTimeOffset at, AnsweredQuery q, string edgeLocation) =>
        string.Create(CultureInfo.InvariantCulture,
            $"1.0 {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {q.HostedZoneId} {q.QueryName.TrimEnd('.')} {q.QueryType} {q.ResponseCode} {(q.OverTcp ? "TCP" : "UDP")} {edgeLocation} {q.ResolverAddress?.ToString() ?? "-"} {q.EdnsClientSubnet ?? "-"}");

    public void Write(AnsweredQuery query)
    {
        var configs = route53.ListQueryLoggingConfigs(query.HostedZoneId);
        if (configs.Error is not null) return;
        var at = time.GetUtcNow();
        foreach (var config in configs.Value!)
            if (LogsState.GroupNameFromArn(config.LogGroupArn) is { } group)
                logs.Append(group, $"{query.HostedZoneId}/{edgeLocation}", at, Format(at, query, edgeLocation));
    }
}
