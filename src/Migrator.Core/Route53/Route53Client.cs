using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// A thin Route 53 REST-XML client: one HTTP request per call, signed with SigV4 for us-east-1/route53, no retries
/// (retrying belongs to <see cref="Route53ChangeScheduler"/>, which sees the whole account). Error answers throw
/// <see cref="Route53Exception"/>; transport failures surface as <see cref="HttpRequestException"/>.
/// </summary>
public sealed class Route53Client(HttpClient http, Uri endpoint, IAwsCredentialSource credentials, TimeProvider time)
{
    public const string ApiVersion = "2013-04-01";
    private readonly TimeProvider _time = time;

    public Uri Endpoint { get; } = endpoint;

    public async Task<HostedZoneDetail> CreateHostedZoneAsync(CreateHostedZoneRequest request, CancellationToken ct) =>
        Route53Xml.ParseHostedZoneDetail(await SendAsync(HttpMethod.Post, "hostedzone", null, Route53Xml.CreateHostedZone(request), ct));

    public async Task<HostedZoneDetail> GetHostedZoneAsync(string id, CancellationToken ct) =>
        Route53Xml.ParseHostedZoneDetail(await SendAsync(HttpMethod.Get, $"hostedzone/{Route53Names.BareId(id)}", null, null, ct));

    public async Task<ChangeInfo> DeleteHostedZoneAsync(string id, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Delete, $"hostedzone/{Route53Names.BareId(id)}", null, null, ct));

    /// <summary>One page of ListHostedZonesByName: a seek to the first zone ≥ <paramref name="dnsName"/>, not a filter.</summary>
    public async Task<HostedZonePage> ListHostedZonesByNameAsync(DomainName? dnsName, string? hostedZoneId, int? maxItems, CancellationToken ct)
    {
        var q = new List<(string, string)>();
        if (dnsName is not null) q.Add(("dnsname", Route53Names.Format(dnsName)));
        if (hostedZoneId is not null) q.Add(("hostedzoneid", Route53Names.BareId(hostedZoneId)));
        if (maxItems is not null) q.Add(("maxitems", maxItems.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Route53Xml.ParseHostedZonesByName(await SendAsync(HttpMethod.Get, "hostedzonesbyname", q, null, ct));
    }

    /// <summary>
    /// Every public zone named exactly <paramref name="name"/> (case-insensitive), in Route 53's order: the same name can
    /// exist several times. Seeks to the name and pages while the results still carry that name.
    /// </summary>
    public async Task<IReadOnlyList<HostedZone>> FindHostedZonesByNameAsync(DomainName name, CancellationToken ct)
    {
        var found = new List<HostedZone>();
        string? nextId = null;
        var nextName = name;
        while (true)
        {
            var page = await ListHostedZonesByNameAsync(nextName, nextId, 100, ct);
            foreach (var z in page.HostedZones)
            {
                if (z.Name.Equals(name)) found.Add(z);
                else return found; // the seek passed the name (sorted order): no more zones of that name
            }
            if (!page.IsTruncated || page.NextDnsName is null) return found;
            nextName = Route53Names.Parse(page.NextDnsName);
            nextId = page.NextHostedZoneId;
            if (!nextName.Equals(name)) return found;
        }
    }

    public async Task<RecordSetPage> ListResourceRecordSetsPageAsync(string zoneId, string? startName, string? startType,
        string? startIdentifier, int? maxItems, CancellationToken ct)
    {
        var q = new List<(string, string)>();
        if (startName is not null) q.Add(("name", startName));
        if (startType is not null) q.Add(("type", startType));
        if (startIdentifier is not null) q.Add(("identifier", startIdentifier));
        if (maxItems is not null) q.Add(("maxitems", maxItems.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Route53Xml.ParseRecordSetPage(await SendAsync(HttpMethod.Get, $"hostedzone/{Route53Names.BareId(zoneId)}/rrset", q, null, ct));
    }

    /// <summary>All record sets of the zone, page after page, streamed.</summary>
    public async IAsyncEnumerable<Route53RecordSet> ListResourceRecordSetsAsync(string zoneId,
        [EnumeratorCancellation] CancellationToken ct, Func<Func<Task<RecordSetPage>>, Task<RecordSetPage>>? pageCall = null)
    {
        string? name = null, type = null, identifier = null;
        while (true)
        {
            string? n = name, t = type, i = identifier;
            Task<RecordSetPage> Fetch() => ListResourceRecordSetsPageAsync(zoneId, n, t, i, 300, ct);
            var page = pageCall is null ? await Fetch() : await pageCall(Fetch);
            foreach (var s in page.RecordSets) yield return s;
            if (!page.IsTruncated) yield break;
            (name, type, identifier) = (page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier);
            if (name is null) throw new FormatException("truncated ListResourceRecordSets page without NextRecordName");
        }
    }

    public async Task<ChangeInfo> ChangeResourceRecordSetsAsync(string zoneId, ChangeBatch batch, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Post, $"hostedzone/{Route53Names.BareId(zoneId)}/rrset/", null,
            Route53Xml.ChangeResourceRecordSets(batch), ct));

    public async Task<ChangeInfo> GetChangeAsync(string changeId, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Get, $"change/{Route53Names.BareId(changeId)}", null, null, ct));

    public async Task<QueryLoggingConfig> CreateQueryLoggingConfigAsync(string zoneId, string logGroupArn, CancellationToken ct)
    {
        var root = await SendAsync(HttpMethod.Post, "queryloggingconfig", null,
            Route53Xml.CreateQueryLoggingConfig(Route53Names.BareId(zoneId), logGroupArn), ct);
        return Route53Xml.ParseQueryLoggingConfig(root.Elements().First(e => e.Name.LocalName == "QueryLoggingConfig"));
    }

    public async Task<IReadOnlyList<QueryLoggingConfig>> ListQueryLoggingConfigsAsync(string? zoneId, CancellationToken ct)
    {
        var q = zoneId is null ? null : new List<(string, string)> { ("hostedzoneid", Route53Names.BareId(zoneId)) };
        return Route53Xml.ParseQueryLoggingConfigs(await SendAsync(HttpMethod.Get, "queryloggingconfig", q, null, ct));
    }

    public async Task DeleteQueryLoggingConfigAsync(string id, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, $"queryloggingconfig/{Uri.EscapeDataString(id)}", null, null, ct);

    public async Task<DnssecStatus> GetDnssecAsync(string zoneId, CancellationToken ct) =>
        Route53Xml.ParseDnssec(await SendAsync(HttpMethod.Get, $"hostedzone/{Route53Names.BareId(zoneId)}/dnssec", null, null, ct));

    // ---------------------------------------------------------------- DNSSEC signing (key-signing keys from a KMS key)

    /// <summary>
    /// CreateKeySigningKey: a KSK backed by a customer-managed KMS key (ECC_NIST_P256, in us-east-1, usable by
    /// dnssec-route53.amazonaws.com). <paramref name="name"/> is 3–128 letters, digits and underscores, unique in the zone.
    /// </summary>
    public async Task<(ChangeInfo Change, KeySigningKey Key)> CreateKeySigningKeyAsync(string zoneId, string name, string kmsArn, string callerReference,
        bool active, CancellationToken ct)
    {
        System.Xml.Linq.XNamespace ns = Route53Xml.Namespace;
        var body = Route53Xml.Serialize(new System.Xml.Linq.XElement(ns + "CreateKeySigningKeyRequest",
            new System.Xml.Linq.XElement(ns + "CallerReference", callerReference),
            new System.Xml.Linq.XElement(ns + "HostedZoneId", Route53Names.BareId(zoneId)),
            new System.Xml.Linq.XElement(ns + "KeyManagementServiceArn", kmsArn),
            new System.Xml.Linq.XElement(ns + "Name", name),
            new System.Xml.Linq.XElement(ns + "Status", active ? "ACTIVE" : "INACTIVE")));
        var root = await SendAsync(HttpMethod.Post, "keysigningkey", null, body, ct);
        var key = root.Elements().FirstOrDefault(e => e.Name.LocalName == "KeySigningKey") ?? throw new FormatException("CreateKeySigningKey: answer lacks KeySigningKey");
        string? T(string n) => key.Elements().FirstOrDefault(e => e.Name.LocalName == n)?.Value;
        int I(string n) => int.TryParse(T(n), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
        return (Route53Xml.ParseChangeInfoResponse(root),
            new KeySigningKey(T("Name") ?? name, T("Status"), I("Flag"), I("SigningAlgorithmType"), T("PublicKey"), T("DSRecord"), I("KeyTag")));
    }

    public async Task<ChangeInfo> ActivateKeySigningKeyAsync(string zoneId, string name, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Post, KskPath(zoneId, name) + "/activate", null, null, ct));

    public async Task<ChangeInfo> DeactivateKeySigningKeyAsync(string zoneId, string name, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Post, KskPath(zoneId, name) + "/deactivate", null, null, ct));

    public async Task<ChangeInfo> DeleteKeySigningKeyAsync(string zoneId, string name, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Delete, KskPath(zoneId, name), null, null, ct));

    /// <summary>EnableHostedZoneDNSSEC: starts signing with the zone's active KSKs (publish the DS at the parent only after this is INSYNC).</summary>
    public async Task<ChangeInfo> EnableHostedZoneDnssecAsync(string zoneId, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Post, $"hostedzone/{Route53Names.BareId(zoneId)}/enable-dnssec", null, null, ct));

    /// <summary>DisableHostedZoneDNSSEC: remove the DS at the parent and wait out its TTL first, or resolvers will see the zone as bogus.</summary>
    public async Task<ChangeInfo> DisableHostedZoneDnssecAsync(string zoneId, CancellationToken ct) =>
        Route53Xml.ParseChangeInfoResponse(await SendAsync(HttpMethod.Post, $"hostedzone/{Route53Names.BareId(zoneId)}/disable-dnssec", null, null, ct));

    private static string KskPath(string zoneId, string name) => $"keysigningkey/{Route53Names.BareId(zoneId)}/{Uri.EscapeDataString(name)}";

    private async Task<System.Xml.Linq.XElement> SendAsync(HttpMethod method, string path, List<(string, string)>? query, byte[]? body, CancellationToken ct)
    {
        var sb = new StringBuilder(Endpoint.GetLeftPart(UriPartial.Authority)).Append('/').Append(ApiVersion).Append('/').Append(path);
        if (query is { Count: > 0 })
            sb.Append('?').AppendJoin('&', query.Select(p => $"{SigV4Signer.Encode(p.Item1)}={SigV4Signer.Encode(p.Item2)}"));
        var uri = new Uri(sb.ToString());
        using var request = new HttpRequestMessage(method, uri);
        var headers = new List<KeyValuePair<string, string>>();
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/xml");
            headers.Add(new("content-type", "application/xml"));
        }
        var creds = await credentials.GetAsync(ct).ConfigureAwait(false);
        var signed = SigV4Signer.Sign(method.Method, uri, headers, body ?? [], creds, "us-east-1", "route53", _time.GetUtcNow());
        foreach (var h in signed.HeadersToAdd) request.Headers.TryAddWithoutValidation(h.Key, h.Value);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw Route53Xml.ParseError(bytes, response.StatusCode, RequestId(response));
        return bytes.Length == 0 ? new System.Xml.Linq.XElement("Empty") : Route53Xml.Parse(bytes);
    }

    internal static string? RequestId(HttpResponseMessage r) =>
        r.Headers.TryGetValues("x-amzn-RequestId", out var a) ? a.FirstOrDefault()
        : r.Headers.TryGetValues("x-amz-request-id", out var b) ? b.FirstOrDefault() : null;
}
