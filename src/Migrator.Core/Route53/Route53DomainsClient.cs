using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Migrator.Core.Route53;

public sealed record DomainNameserver(string Name, IReadOnlyList<string>? GlueIps = null);

public sealed record DomainDnssecKey(int Algorithm, int Flags, string? PublicKey, int? DigestType, string? Digest, int? KeyTag, string? Id);

/// <summary>GetDomainDetail's answer, the members the migrator uses. Invariant: name server names have no trailing dot.</summary>
public sealed record DomainDetail(string DomainName, IReadOnlyList<DomainNameserver> Nameservers, IReadOnlyList<DomainDnssecKey> DnssecKeys,
    IReadOnlyList<string> StatusList);

public sealed record OperationDetail(string OperationId, string Status, string? Message, string? DomainName, string? Type, string? StatusFlag);

public sealed record DomainSummary(string DomainName, bool? AutoRenew, bool? TransferLock, DateTimeOffset? Expiry);

public sealed record DomainPage(IReadOnlyList<DomainSummary> Domains, string? NextPageMarker);

/// <summary>
/// Route 53 Domains over JSON 1.1 (POST / with X-Amz-Target), signed for us-east-1/route53domains. No retries here.
/// Errors throw <see cref="Route53Exception"/> with the bare code (namespace and "#" prefix removed, as botocore does).
/// </summary>
public sealed class Route53DomainsClient(HttpClient http, Uri endpoint, IAwsCredentialSource credentials, TimeProvider time)
{
    public const string TargetPrefix = "Route53Domains_v20140515";
    private readonly TimeProvider _time = time;

    public async Task<DomainDetail> GetDomainDetailAsync(string domainName, CancellationToken ct)
    {
        var r = await CallAsync("GetDomainDetail", new JsonObject { ["DomainName"] = domainName }, ct);
        return new DomainDetail(
            r["DomainName"]?.GetValue<string>() ?? domainName,
            (r["Nameservers"] as JsonArray ?? []).Select(n => new DomainNameserver(
                n!["Name"]!.GetValue<string>(),
                (n["GlueIps"] as JsonArray)?.Select(g => g!.GetValue<string>()).ToList())).ToList(),
            (r["DnssecKeys"] as JsonArray ?? []).Select(k => new DomainDnssecKey(
                Int(k!["Algorithm"]) ?? 0, Int(k["Flags"]) ?? 0, k["PublicKey"]?.GetValue<string>(), Int(k["DigestType"]),
                k["Digest"]?.GetValue<string>(), Int(k["KeyTag"]), k["Id"]?.GetValue<string>())).ToList(),
            (r["StatusList"] as JsonArray ?? []).Select(s => s!.GetValue<string>()).ToList());
    }

    public async Task<string> UpdateDomainNameserversAsync(string domainName, IReadOnlyList<DomainNameserver> nameservers, CancellationToken ct)
    {
        var list = new JsonArray();
        foreach (var n in nameservers)
        {
            var o = new JsonObject { ["Name"] = n.Name };
            if (n.GlueIps is { Count: > 0 }) o["GlueIps"] = new JsonArray(n.GlueIps.Select(g => (JsonNode)g).ToArray());
            list.Add(o);
        }
        var r = await CallAsync("UpdateDomainNameservers", new JsonObject { ["DomainName"] = domainName, ["Nameservers"] = list }, ct);
        return OperationId(r);
    }

    public async Task<OperationDetail> GetOperationDetailAsync(string operationId, CancellationToken ct)
    {
        var r = await CallAsync("GetOperationDetail", new JsonObject { ["OperationId"] = operationId }, ct);
        return new OperationDetail(r["OperationId"]?.GetValue<string>() ?? operationId, r["Status"]?.GetValue<string>() ?? "",
            r["Message"]?.GetValue<string>(), r["DomainName"]?.GetValue<string>(), r["Type"]?.GetValue<string>(), r["StatusFlag"]?.GetValue<string>());
    }

    public async Task<DomainPage> ListDomainsAsync(string? marker, int? maxItems, CancellationToken ct)
    {
        var req = new JsonObject();
        if (marker is not null) req["Marker"] = marker;
        if (maxItems is not null) req["MaxItems"] = maxItems.Value;
        var r = await CallAsync("ListDomains", req, ct);
        return new DomainPage((r["Domains"] as JsonArray ?? []).Select(d => new DomainSummary(
                d!["DomainName"]!.GetValue<string>(), d["AutoRenew"]?.GetValue<bool>(), d["TransferLock"]?.GetValue<bool>(),
                d["Expiry"] is JsonValue e ? DateTimeOffset.FromUnixTimeMilliseconds((long)(e.GetValue<double>() * 1000)) : null)).ToList(),
            r["NextPageMarker"]?.GetValue<string>());
    }

    /// <summary>Every domain of the account, following NextPageMarker.</summary>
    public async IAsyncEnumerable<DomainSummary> ListAllDomainsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? marker = null;
        do
        {
            var page = await ListDomainsAsync(marker, 100, ct);
            foreach (var d in page.Domains) yield return d;
            marker = page.NextPageMarker;
        } while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>Sends DNSKEY material (not a DS digest); the registry derives the DS record.</summary>
    public async Task<string> AssociateDelegationSignerToDomainAsync(string domainName, int algorithm, int flags, string publicKey, CancellationToken ct)
    {
        var r = await CallAsync("AssociateDelegationSignerToDomain", new JsonObject
        {
            ["DomainName"] = domainName,
            ["SigningAttributes"] = new JsonObject { ["Algorithm"] = algorithm, ["Flags"] = flags, ["PublicKey"] = publicKey },
        }, ct);
        return OperationId(r);
    }

    public async Task<string> DisassociateDelegationSignerFromDomainAsync(string domainName, string id, CancellationToken ct)
    {
        var r = await CallAsync("DisassociateDelegationSignerFromDomain", new JsonObject { ["DomainName"] = domainName, ["Id"] = id }, ct);
        return OperationId(r);
    }

    private static string OperationId(JsonObject r) =>
        r["OperationId"]?.GetValue<string>() ?? throw new FormatException("Route 53 Domains answer lacks OperationId");

    private static int? Int(JsonNode? n) => n is JsonValue v ? (int)v.GetValue<double>() : null;

    private async Task<JsonObject> CallAsync(string operation, JsonObject body, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var uri = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"{TargetPrefix}.{operation}");
        var creds = await credentials.GetAsync(ct).ConfigureAwait(false);
        var signed = SigV4Signer.Sign("POST", uri,
            [new("content-type", "application/x-amz-json-1.1"), new("x-amz-target", $"{TargetPrefix}.{operation}")],
            bytes, creds, "us-east-1", "route53domains", _time.GetUtcNow());
        foreach (var h in signed.HeadersToAdd) request.Headers.TryAddWithoutValidation(h.Key, h.Value);

        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw ParseError(text, response.StatusCode, Route53Client.RequestId(response));
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? throw new FormatException($"{operation}: answer is not a JSON object");
    }

    /// <summary>JSON 1.1 error: "__type" cut at the first ':' and after the last '#'; message under "message" or "Message".</summary>
    public static Route53Exception ParseError(byte[] body, HttpStatusCode status, string? requestId)
    {
        JsonObject? o = null;
        try { o = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
        var type = o?["__type"]?.GetValue<string>() ?? o?["code"]?.GetValue<string>() ?? ((int)status >= 500 ? "InternalError" : $"Http{(int)status}");
        var colon = type.IndexOf(':');
        if (colon >= 0) type = type[..colon];
        var hash = type.LastIndexOf('#');
        if (hash >= 0) type = type[(hash + 1)..];
        var message = o?["message"]?.GetValue<string>() ?? o?["Message"]?.GetValue<string>() ?? "";
        return new Route53Exception(type, message, status, o?["requestId"]?.GetValue<string>() ?? requestId);
    }
}
