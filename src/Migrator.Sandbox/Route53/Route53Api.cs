using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using static Migrator.Sandbox.Route53.Route53Xml;

namespace Migrator.Sandbox.Route53;

/// <summary>A REST-XML answer: status, body, extra headers.</summary>
public sealed record XmlAnswer(int Status, XElement Body, string? Location = null);

/// <summary>One routed Route 53 call: operation name plus the path parameter, if any.</summary>
public sealed record Route53Call(string Operation, string? Id, string Method);

/// <summary>Routes /2013-04-01/... to operations and implements each one on <see cref="Route53State"/>.</summary>
public sealed class Route53Api(Route53State state, string publicBaseUrl = "https://route53.amazonaws.com")
{
    public const int MaxItemsRecordSets = 300;
    public const int MaxItemsZones = 100;

    public static Route53Call? Route(string method, string path)
    {
        const string prefix = "/2013-04-01/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var segments = path[prefix.Length..].Split('/');
        // The documented ChangeResourceRecordSets path ends in "/rrset/"; SDKs differ, so both forms route.
        if (segments.Length > 1 && segments[^1] == "") segments = segments[..^1];
        return (method, segments) switch
        {
            ("POST", ["hostedzone"]) => new("CreateHostedZone", null, method),
            ("GET", ["hostedzone"]) => new("ListHostedZones", null, method),
            ("GET", ["hostedzonesbyname"]) => new("ListHostedZonesByName", null, method),
            ("GET", ["hostedzonecount"]) => new("GetHostedZoneCount", null, method),
            ("GET", ["hostedzone", var id]) => new("GetHostedZone", id, method),
            ("POST", ["hostedzone", var id]) => new("UpdateHostedZoneComment", id, method),
            ("DELETE", ["hostedzone", var id]) => new("DeleteHostedZone", id, method),
            ("GET", ["hostedzone", var id, "rrset"]) => new("ListResourceRecordSets", id, method),
            ("POST", ["hostedzone", var id, "rrset"]) => new("ChangeResourceRecordSets", id, method),
            ("GET", ["hostedzone", var id, "dnssec"]) => new("GetDNSSEC", id, method),
            ("POST", ["hostedzone", var id, "enable-dnssec"]) => new("EnableHostedZoneDNSSEC", id, method),
            ("POST", ["hostedzone", var id, "disable-dnssec"]) => new("DisableHostedZoneDNSSEC", id, method),
            ("POST", ["keysigningkey"]) => new("CreateKeySigningKey", null, method),
            ("POST", ["keysigningkey", var zone, var name, "activate"]) => new("ActivateKeySigningKey", zone + "/" + name, method),
            ("POST", ["keysigningkey", var zone, var name, "deactivate"]) => new("DeactivateKeySigningKey", zone + "/" + name, method),
            ("DELETE", ["keysigningkey", var zone, var name]) => new("DeleteKeySigningKey", zone + "/" + name, method),
            ("GET", ["change", var id]) => new("GetChange", id, method),
            ("POST", ["queryloggingconfig"]) => new("CreateQueryLoggingConfig", null, method),
            ("GET", ["queryloggingconfig"]) => new("ListQueryLoggingConfigs", null, method),
            ("GET", ["queryloggingconfig", var id]) => new("GetQueryLoggingConfig", id, method),
            ("DELETE", ["queryloggingconfig", var id]) => new("DeleteQueryLoggingConfig", id, method),
            _ => null,
        };
    }

    public XmlAnswer Execute(Route53Call call, IReadOnlyDictionary<string, string> query, byte[] body, string requestId)
    {
        try
        {
            return call.Operation switch
            {
                "CreateHostedZone" => CreateHostedZone(body),
                "ListHostedZones" => ListHostedZones(query),
                "ListHostedZonesByName" => ListHostedZonesByName(query),
                "GetHostedZoneCount" => Ok("GetHostedZoneCountResponse", E("HostedZoneCount", state.ZonesByCreation().Count.ToString(CultureInfo.InvariantCulture))),
                "GetHostedZone" => GetHostedZone(call.Id!),
                "UpdateHostedZoneComment" => UpdateComment(call.Id!, body),
                "DeleteHostedZone" => Map(state.DeleteHostedZone(call.Id!), c => Ok("DeleteHostedZoneResponse", ChangeInfo(c))),
                "ListResourceRecordSets" => ListResourceRecordSets(call.Id!, query),
                "ChangeResourceRecordSets" => ChangeResourceRecordSets(call.Id!, body),
                "GetDNSSEC" => Map(state.GetDnssec(call.Id!), d => Ok("GetDNSSECResponse",
                    E("Status", E("ServeSignature", d.ServeSignature)),
                    // The model gives the list's members no XML name, so they are <member> (the JS SDK reads only that).
                    E("KeySigningKeys", d.Keys.Select(k => KeySigningKey(state.GetHostedZone(call.Id!).Value!, k, "member"))))),
                "EnableHostedZoneDNSSEC" => Map(state.EnableDnssec(call.Id!), c => Ok("EnableHostedZoneDNSSECResponse", ChangeInfo(c))),
                "DisableHostedZoneDNSSEC" => Map(state.DisableDnssec(call.Id!), c => Ok("DisableHostedZoneDNSSECResponse", ChangeInfo(c))),
                "CreateKeySigningKey" => CreateKeySigningKey(body),
                "ActivateKeySigningKey" => Map(state.ActivateKeySigningKey(ZonePart(call.Id!), NamePart(call.Id!)), c => Ok("ActivateKeySigningKeyResponse", ChangeInfo(c))),
                "DeactivateKeySigningKey" => Map(state.DeactivateKeySigningKey(ZonePart(call.Id!), NamePart(call.Id!)), c => Ok("DeactivateKeySigningKeyResponse", ChangeInfo(c))),
                "DeleteKeySigningKey" => Map(state.DeleteKeySigningKey(ZonePart(call.Id!), NamePart(call.Id!)), c => Ok("DeleteKeySigningKeyResponse", ChangeInfo(c))),
                "GetChange" => Map(state.GetChange(StripChangePrefix(call.Id!)), c => Ok("GetChangeResponse", ChangeInfo(c))),
                "CreateQueryLoggingConfig" => CreateQueryLoggingConfig(body),
                "ListQueryLoggingConfigs" => ListQueryLoggingConfigs(query),
                "GetQueryLoggingConfig" => Map(state.GetQueryLoggingConfig(call.Id!), q => Ok("GetQueryLoggingConfigResponse", QueryLoggingConfig(q))),
                "DeleteQueryLoggingConfig" => Map(state.DeleteQueryLoggingConfig(call.Id!), _ => Ok("DeleteQueryLoggingConfigResponse")),
                _ => Fail(new ApiError(404, "UnknownOperationException", "Unknown operation"), requestId),
            };
        }
        catch (XmlException e)
        {
            return Fail(new ApiError(400, "MalformedInput", $"Could not parse the request body: {e.Message}"), requestId);
        }
    }

    public static XmlAnswer Fail(ApiError e, string requestId) => new(e.Status, Error(e.Code, e.Message, requestId, e.Status));

    private static XmlAnswer Ok(string root, params object?[] content) => new(200, E(root, content));

    private static XmlAnswer Map<T>(Result<T> r, Func<T, XmlAnswer> ok) => r.Error is { } e ? new XmlAnswer(e.Status, ErrorBody(e)) : ok(r.Value!);

    // The request id is filled in by the caller; it is not known to the mapping helpers.
    private static XElement ErrorBody(ApiError e) => Error(e.Code, e.Message, "", e.Status);

    private static XElement ParseBody(byte[] body, string expectedRoot)
    {
        if (body.Length == 0) throw new XmlException($"expected {expectedRoot}");
        var doc = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body).TrimStart('\uFEFF'));
        return doc.Root ?? throw new XmlException($"expected {expectedRoot}");
    }

    private XmlAnswer CreateHostedZone(byte[] body)
    {
        var root = ParseBody(body, "CreateHostedZoneRequest");
        var config = root.Child("HostedZoneConfig");
        var vpc = root.Child("VPC");
        var privateZone = config.Text("PrivateZone")?.Trim() == "true" || vpc is not null;
        // The emulator has no reusable delegation sets, so any ID names one that does not exist.
        if (root.Text("DelegationSetId") is { Length: > 0 } delegationSetId)
            return new XmlAnswer(400, ErrorBody(new ApiError(400, "NoSuchDelegationSet", $"A reusable delegation set with the specified ID does not exist: {delegationSetId}")));
        var r = state.CreateHostedZone(root.Text("Name")?.Trim(), root.Text("CallerReference"), config.Text("Comment"), privateZone, vpc.Text("VPCId"), vpc.Text("VPCRegion"));
        if (r.Error is { } e) return new XmlAnswer(e.Status, ErrorBody(e));
        var (zone, change) = r.Value;
        return new XmlAnswer(201, E("CreateHostedZoneResponse",
                HostedZone(zone), ChangeInfo(change),
                zone.PrivateZone ? E("VPC", E("VPCRegion", zone.VpcRegion), E("VPCId", zone.VpcId)) : DelegationSet(zone)),
            $"{publicBaseUrl}/2013-04-01/hostedzone/{zone.Id}");
    }

    private XmlAnswer GetHostedZone(string id) =>
        Map(state.GetHostedZone(id), z => Ok("GetHostedZoneResponse", HostedZone(z),
            z.PrivateZone ? E("VPCs", E("VPC", E("VPCRegion", z.VpcRegion), E("VPCId", z.VpcId))) : DelegationSet(z)));

    private XmlAnswer UpdateComment(string id, byte[] body)
    {
        var root = body.Length == 0 ? new XElement("UpdateHostedZoneCommentRequest") : ParseBody(body, "UpdateHostedZoneCommentRequest");
        return Map(state.UpdateComment(id, root.Text("Comment")), z => Ok("UpdateHostedZoneCommentResponse", HostedZone(z)));
    }

    private static bool TryMaxItems(IReadOnlyDictionary<string, string> query, int cap, out int maxItems, out string echoed, out ApiError? error)
    {
        error = null;
        echoed = cap.ToString(CultureInfo.InvariantCulture);
        maxItems = cap;
        if (!query.TryGetValue("maxitems", out var raw)) return true;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            error = ApiError.InvalidInput($"1 validation error detected: Value '{raw}' at 'maxItems' failed to satisfy constraint: Member must be a positive integer");
            return false;
        }
        echoed = raw;
        maxItems = Math.Min(n, cap);
        return true;
    }

    private XmlAnswer ListHostedZones(IReadOnlyDictionary<string, string> query)
    {
        if (!TryMaxItems(query, MaxItemsZones, out var max, out var echoed, out var err)) return new XmlAnswer(400, ErrorBody(err!));
        IEnumerable<HostedZoneState> zones = state.ZonesByCreation();
        if (query.TryGetValue("hostedzonetype", out var kind) && kind == "PrivateHostedZone") zones = zones.Where(z => z.PrivateZone);
        var list = zones.ToList();
        var start = 0;
        if (query.TryGetValue("marker", out var marker))
        {
            start = list.FindIndex(z => z.Id == marker);
            if (start < 0) return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput($"The marker {marker} is not valid")));
        }
        var page = list.Skip(start).Take(max).ToList();
        var truncated = start + page.Count < list.Count;
        return Ok("ListHostedZonesResponse",
            E("HostedZones", page.Select(HostedZone)),
            marker is null ? null : E("Marker", marker),
            E("IsTruncated", Bool(truncated)),
            truncated ? E("NextMarker", list[start + page.Count].Id) : null,
            E("MaxItems", echoed));
    }

    private XmlAnswer ListHostedZonesByName(IReadOnlyDictionary<string, string> query)
    {
        if (!TryMaxItems(query, MaxItemsZones, out var max, out var echoed, out var err)) return new XmlAnswer(400, ErrorBody(err!));
        query.TryGetValue("dnsname", out var dnsName);
        query.TryGetValue("hostedzoneid", out var zoneId);
        if (zoneId is not null && dnsName is null)
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput("The hostedzoneid parameter requires the dnsname parameter.")));
        R53Name? seek = null;
        if (dnsName is not null && !R53Name.TryParse(dnsName, out seek, out _))
            return new XmlAnswer(400, ErrorBody(new ApiError(400, "InvalidDomainName", $"{dnsName} is not a valid domain name.")));
        var list = state.ZonesByName().ToList();
        var start = 0;
        if (seek is not null)
        {
            start = list.FindIndex(z =>
            {
                var c = string.CompareOrdinal(z.Name.SortKey, seek.SortKey);
                return c > 0 || (c == 0 && (zoneId is null || string.CompareOrdinal(z.Id, zoneId) >= 0));
            });
            if (start < 0) start = list.Count;
        }
        var page = list.Skip(start).Take(max).ToList();
        var truncated = start + page.Count < list.Count;
        var next = truncated ? list[start + page.Count] : null;
        return Ok("ListHostedZonesByNameResponse",
            E("HostedZones", page.Select(HostedZone)),
            seek is null ? null : E("DNSName", seek.Text),
            zoneId is null ? null : E("HostedZoneId", zoneId),
            E("IsTruncated", Bool(truncated)),
            next is null ? null : E("NextDNSName", next.Name.Text),
            next is null ? null : E("NextHostedZoneId", next.Id),
            E("MaxItems", echoed));
    }

    private XmlAnswer ListResourceRecordSets(string zoneId, IReadOnlyDictionary<string, string> query)
    {
        if (!TryMaxItems(query, MaxItemsRecordSets, out var max, out var echoed, out var err)) return new XmlAnswer(400, ErrorBody(err!));
        query.TryGetValue("name", out var nameText);
        query.TryGetValue("type", out var type);
        query.TryGetValue("identifier", out var identifier);
        if (type is not null && nameText is null)
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput("The input is not valid: the type parameter requires the name parameter.")));
        if (identifier is not null && type is null)
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput("The input is not valid: the identifier parameter requires the name and type parameters.")));
        if (type is not null && !RecordValueRules.SupportedTypes.Contains(type))
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput($"Invalid type: {type}")));
        R53Name? seek = null;
        if (nameText is not null && !R53Name.TryParse(nameText, out seek, out var nameError))
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput($"Invalid name: {nameError}")));
        var records = state.GetRecords(zoneId);
        if (records.Error is { } e) return new XmlAnswer(e.Status, ErrorBody(e));
        IEnumerable<RecordSetData> sets = records.Value!.Sets.Values;
        if (seek is not null)
        {
            var start = new RecordSetKey(seek.SortKey, type ?? "", identifier);
            sets = sets.SkipWhile(s => s.Key.CompareTo(start) < 0);
        }
        var window = sets.Take(max + 1).ToList();
        var truncated = window.Count > max;
        var page = window.Take(max);
        var next = truncated ? window[max] : null;
        return Ok("ListResourceRecordSetsResponse",
            E("ResourceRecordSets", page.Select(RecordSet)),
            E("IsTruncated", Bool(truncated)),
            next is null ? null : E("NextRecordName", next.Name.Text),
            next is null ? null : E("NextRecordType", next.Type),
            next?.SetIdentifier is null ? null : E("NextRecordIdentifier", next.SetIdentifier),
            E("MaxItems", echoed));
    }

    private XmlAnswer ChangeResourceRecordSets(string zoneId, byte[] body)
    {
        var root = ParseBody(body, "ChangeResourceRecordSetsRequest");
        var batch = root.Child("ChangeBatch");
        if (batch is null)
            return new XmlAnswer(400, ErrorBody(new ApiError(400, "MalformedInput", "ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest")));
        var changeElements = batch.Child("Changes").Children("Change").ToList();
        if (changeElements.Count == 0)
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput("Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Changes' is not complete. One of '{Change}' is expected.")));
        var changes = new List<RecordChange>(changeElements.Count);
        foreach (var el in changeElements)
        {
            var parsed = ParseChange(el);
            if (parsed.Error is { } pe) return new XmlAnswer(pe.Status, ErrorBody(pe));
            changes.Add(parsed.Value!);
        }
        return Map(state.ChangeRecordSets(zoneId, batch.Text("Comment"), changes), c => Ok("ChangeResourceRecordSetsResponse", ChangeInfo(c)));
    }

    private static string ZonePart(string id) => id[..id.IndexOf('/')];
    private static string NamePart(string id) => Uri.UnescapeDataString(id[(id.IndexOf('/') + 1)..]);

    private XmlAnswer CreateKeySigningKey(byte[] body)
    {
        var root = ParseBody(body, "CreateKeySigningKeyRequest");
        var zoneId = root.Text("HostedZoneId") is { } id ? ChangeBatchRules.StripZonePrefix(id.Trim()) : null;
        var r = state.CreateKeySigningKey(root.Text("CallerReference"), zoneId, root.Text("KeyManagementServiceArn")?.Trim(),
            root.Text("Name")?.Trim(), root.Text("Status")?.Trim());
        if (r.Error is { } e) return new XmlAnswer(e.Status, ErrorBody(e));
        var (key, change) = r.Value;
        var zone = state.GetHostedZone(zoneId!).Value!;
        return new XmlAnswer(201, E("CreateKeySigningKeyResponse", ChangeInfo(change), KeySigningKey(zone, key)),
            $"{publicBaseUrl}/2013-04-01/keysigningkey/{zone.Id}/{Uri.EscapeDataString(key.Name)}");
    }

    /// <summary>A KSK as Route 53 describes it: algorithm 13 with SHA-256 digests, its DS and DNSKEY in presentation form.</summary>
    private static XElement KeySigningKey(HostedZoneState zone, KeySigningKeyState k, string element = "KeySigningKey")
    {
        var owner = zone.Name.Text.TrimEnd('.');
        var ds = k.Key.Ds(owner);
        return E(element,
            E("Name", k.Name), E("KmsArn", k.KmsArn), E("Flag", k.Key.Flags.ToString(CultureInfo.InvariantCulture)),
            E("SigningAlgorithmMnemonic", "ECDSAP256SHA256"), E("SigningAlgorithmType", "13"),
            E("DigestAlgorithmMnemonic", "SHA-256"), E("DigestAlgorithmType", "2"),
            E("KeyTag", k.Key.KeyTag(owner).ToString(CultureInfo.InvariantCulture)), E("DigestValue", k.Key.Digest(owner)),
            E("PublicKey", k.Key.PublicKey), E("DSRecord", ds), E("DNSKEYRecord", k.Key.Dnskey),
            E("Status", k.Status), E("CreatedDate", Timestamp(k.CreatedAt)), E("LastModifiedDate", Timestamp(k.LastModifiedAt)));
    }

    private XmlAnswer CreateQueryLoggingConfig(byte[] body)
    {
        var root = ParseBody(body, "CreateQueryLoggingConfigRequest");
        var r = state.CreateQueryLoggingConfig(root.Text("HostedZoneId") is { } id ? ChangeBatchRules.StripZonePrefix(id.Trim()) : null, root.Text("CloudWatchLogsLogGroupArn")?.Trim());
        if (r.Error is { } e) return new XmlAnswer(e.Status, ErrorBody(e));
        return new XmlAnswer(201, E("CreateQueryLoggingConfigResponse", QueryLoggingConfig(r.Value!)), $"{publicBaseUrl}/2013-04-01/queryloggingconfig/{r.Value!.Id}");
    }

    private XmlAnswer ListQueryLoggingConfigs(IReadOnlyDictionary<string, string> query)
    {
        query.TryGetValue("hostedzoneid", out var zoneId);
        var max = 100;
        if (query.TryGetValue("maxresults", out var raw) && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1))
            return new XmlAnswer(400, ErrorBody(ApiError.InvalidInput($"Invalid maxresults: {raw}")));
        var r = state.ListQueryLoggingConfigs(zoneId);
        if (r.Error is { } e) return new XmlAnswer(e.Status, ErrorBody(e));
        var all = r.Value!;
        var start = 0;
        if (query.TryGetValue("nexttoken", out var token))
        {
            start = all.ToList().FindIndex(q => string.CompareOrdinal(q.Id, token) >= 0);
            if (start < 0) start = all.Count;
        }
        var page = all.Skip(start).Take(max).ToList();
        var next = start + page.Count < all.Count ? all[start + page.Count].Id : null;
        return Ok("ListQueryLoggingConfigsResponse", E("QueryLoggingConfigs", page.Select(QueryLoggingConfig)), next is null ? null : E("NextToken", next));
    }

    private static string StripChangePrefix(string id) => ChangeBatchRules.StripZonePrefix(id);
}
