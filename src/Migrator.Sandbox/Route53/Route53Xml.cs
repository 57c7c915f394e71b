using System.Globalization;
using System.Xml.Linq;

namespace Migrator.Sandbox.Route53;

/// <summary>Route 53 REST-XML shapes: response elements in model order, namespace-agnostic request reading.</summary>
public static class Route53Xml
{
    public static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content.Where(c => c is not null));

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Bool(bool b) => b ? "true" : "false";

    public static XElement HostedZone(HostedZoneState z) =>
        E("HostedZone",
            E("Id", "/hostedzone/" + z.Id),
            E("Name", z.Name.Text),
            E("CallerReference", z.CallerReference),
            E("Config", z.Comment is null ? null : E("Comment", z.Comment), E("PrivateZone", Bool(z.PrivateZone))),
            E("ResourceRecordSetCount", z.Records.Count.ToString(CultureInfo.InvariantCulture)));

    public static XElement ChangeInfo(ChangeState c) =>
        E("ChangeInfo",
            E("Id", "/change/" + c.Id),
            E("Status", c.Status),
            E("SubmittedAt", Timestamp(c.SubmittedAt)),
            c.Comment is null ? null : E("Comment", c.Comment));

    public static XElement DelegationSet(HostedZoneState z) =>
        E("DelegationSet", E("NameServers", z.NameServers.Select(n => E("NameServer", n))));

    public static XElement RecordSet(RecordSetData s) =>
        E("ResourceRecordSet",
            E("Name", s.Name.Text),
            E("Type", s.Type),
            s.SetIdentifier is null ? null : E("SetIdentifier", s.SetIdentifier),
            s.Weight is null ? null : E("Weight", s.Weight.Value.ToString(CultureInfo.InvariantCulture)),
            s.Region is null ? null : E("Region", s.Region),
            s.GeoLocation is not { } g ? null : E("GeoLocation",
                g.ContinentCode is null ? null : E("ContinentCode", g.ContinentCode),
                g.CountryCode is null ? null : E("CountryCode", g.CountryCode),
                g.SubdivisionCode is null ? null : E("SubdivisionCode", g.SubdivisionCode)),
            s.Failover is null ? null : E("Failover", s.Failover),
            s.MultiValueAnswer is null ? null : E("MultiValueAnswer", Bool(s.MultiValueAnswer.Value)),
            s.Ttl is null ? null : E("TTL", s.Ttl.Value.ToString(CultureInfo.InvariantCulture)),
            s.AliasTarget is not null ? null : E("ResourceRecords", s.Values.Select(v => E("ResourceRecord", E("Value", v)))),
            s.AliasTarget is not { } a ? null : E("AliasTarget", E("HostedZoneId", a.HostedZoneId), E("DNSName", a.DnsName), E("EvaluateTargetHealth", Bool(a.EvaluateTargetHealth))),
            s.HealthCheckId is null ? null : E("HealthCheckId", s.HealthCheckId),
            s.TrafficPolicyInstanceId is null ? null : E("TrafficPolicyInstanceId", s.TrafficPolicyInstanceId),
            s.CidrRoutingConfig is not { } cidr ? null : E("CidrRoutingConfig", E("CollectionId", cidr.CollectionId), E("LocationName", cidr.LocationName)));

    public static XElement QueryLoggingConfig(QueryLoggingConfigState q) =>
        E("QueryLoggingConfig", E("Id", q.Id), E("HostedZoneId", q.HostedZoneId), E("CloudWatchLogsLogGroupArn", q.LogGroupArn));

    public static XElement Error(string code, string message, string requestId, int status) =>
        E("ErrorResponse",
            E("Error", E("Type", status >= 500 ? "Receiver" : "Sender"), E("Code", code), E("Message", message)),
            E("RequestId", requestId));

    // ---- reading (namespace ignored on purpose: old namespaces and none at all are seen in the wild)

    public static XElement? Child(this XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement? parent, string name) =>
        parent?.Elements().Where(e => e.Name.LocalName == name) ?? [];

    public static string? Text(this XElement? parent, string name) => parent.Child(name)?.Value;

    /// <summary>Parses one Change of a ChangeBatch; the error is InvalidInput, as AWS's schema validation answers.</summary>
    public static Result<RecordChange> ParseChange(XElement change)
    {
        var action = change.Text("Action")?.Trim();
        if (action is not ("CREATE" or "DELETE" or "UPSERT"))
            return ApiError.InvalidInput($"Invalid XML ; cvc-enumeration-valid: Value '{action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.");
        var rrs = change.Child("ResourceRecordSet");
        if (rrs is null) return ApiError.InvalidInput("Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Change' is not complete. One of '{ResourceRecordSet}' is expected.");
        var rawName = rrs.Text("Name");
        if (string.IsNullOrEmpty(rawName))
            return ApiError.InvalidInput("Invalid XML ; cvc-complex-type.2.4.a: Invalid content was found. One of '{Name}' is expected.");
        if (!R53Name.TryParse(rawName, out var name, out var nameError))
            return ApiError.InvalidInput($"Invalid request: {nameError}");
        var type = rrs.Text("Type")?.Trim();
        if (type is null || !RecordValueRules.SupportedTypes.Contains(type))
            return ApiError.InvalidInput($"Invalid XML ; cvc-enumeration-valid: Value '{type}' is not facet-valid with respect to enumeration '[SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS, TLSA, SSHFP, SVCB, HTTPS]'. It must be a value from the enumeration.");
        var setId = rrs.Text("SetIdentifier");
        long? ttl = null;
        if (rrs.Text("TTL") is { } ttlText)
        {
            if (!long.TryParse(ttlText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t > int.MaxValue)
                return ApiError.InvalidInput($"Invalid XML ; cvc-maxInclusive-valid: Value '{ttlText}' is not facet-valid with respect to maxInclusive '2147483647' for type 'TTL'.");
            ttl = t;
        }
        var recordsElement = rrs.Child("ResourceRecords");
        var values = recordsElement.Children("ResourceRecord").Select(r => r.Text("Value") ?? "").ToList();
        if (recordsElement is not null && values.Count == 0)
            return ApiError.InvalidInput("Invalid XML ; cvc-complex-type.2.4.b: The content of element 'ResourceRecords' is not complete. One of '{ResourceRecord}' is expected.");
        AliasTargetData? alias = null;
        if (rrs.Child("AliasTarget") is { } at)
        {
            var zoneId = at.Text("HostedZoneId");
            var dns = at.Text("DNSName");
            var eth = at.Text("EvaluateTargetHealth");
            if (zoneId is null || dns is null || eth is null)
                return ApiError.InvalidInput("Invalid XML ; cvc-complex-type.2.4.b: The content of element 'AliasTarget' is not complete. One of '{HostedZoneId, DNSName, EvaluateTargetHealth}' is expected.");
            if (!R53Name.TryParse(dns, out var target, out var targetError)) return ApiError.InvalidInput($"Invalid request: {targetError}");
            alias = new AliasTargetData(ChangeBatchRules.StripZonePrefix(zoneId.Trim()), target.Text, eth.Trim() == "true");
        }
        var trafficPolicy = rrs.Text("TrafficPolicyInstanceId");
        var hasRecords = ttl is not null && recordsElement is not null;
        var kinds = (alias is not null ? 1 : 0) + (hasRecords ? 1 : 0) + (trafficPolicy is not null ? 1 : 0);
        if (kinds != 1 || (alias is not null && (ttl is not null || recordsElement is not null)))
        {
            var found = kinds == 0 ? "none" : "more than one";
            return ApiError.InvalidInput($"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found {found} in Change with [Action={action}, Name={name.Text}, Type={type}, SetIdentifier={setId ?? "null"}]");
        }
        GeoLocationData? geo = rrs.Child("GeoLocation") is { } g ? new GeoLocationData(g.Text("ContinentCode"), g.Text("CountryCode"), g.Text("SubdivisionCode")) : null;
        CidrRoutingData? cidr = rrs.Child("CidrRoutingConfig") is { } c ? new CidrRoutingData(c.Text("CollectionId") ?? "", c.Text("LocationName") ?? "") : null;
        long? weight = null;
        if (rrs.Text("Weight") is { } w)
        {
            if (!long.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var wv) || wv > 255)
                return ApiError.InvalidInput($"Invalid XML ; cvc-maxInclusive-valid: Value '{w}' is not facet-valid with respect to maxInclusive '255' for type 'ResourceRecordSetWeight'.");
            weight = wv;
        }
        var routed = weight is not null || rrs.Child("Region") is not null || geo is not null || rrs.Child("Failover") is not null
                     || rrs.Child("MultiValueAnswer") is not null || cidr is not null || rrs.Child("GeoProximityLocation") is not null;
        if (routed && setId is null)
            return ApiError.InvalidInput($"Invalid request: Missing field 'SetIdentifier' in Change with [Action={action}, Name={name.Text}, Type={type}, SetIdentifier=null]");
        if (!routed && setId is not null)
            return ApiError.InvalidInput($"Invalid request: Missing field 'Weight' in Change with [Action={action}, Name={name.Text}, Type={type}, SetIdentifier={setId}]");
        return new RecordChange(action, new RecordSetData
        {
            Name = name, Type = type, SetIdentifier = setId, Weight = weight, Region = rrs.Text("Region"), GeoLocation = geo,
            Failover = rrs.Text("Failover"), MultiValueAnswer = rrs.Text("MultiValueAnswer") is { } mv ? mv.Trim() == "true" : null,
            Ttl = alias is null ? ttl : null, Values = alias is null ? [.. values] : [], AliasTarget = alias,
            HealthCheckId = rrs.Text("HealthCheckId"), TrafficPolicyInstanceId = trafficPolicy, CidrRoutingConfig = cidr,
        });
    }
}
