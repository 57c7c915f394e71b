using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// REST-XML bodies of the Route 53 API (2013-04-01). Requests are written in model order with the namespace;
/// responses are read by local name only, because error bodies have been seen with an older namespace.
/// </summary>
public static class Route53Xml
{
    public const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static readonly XNamespace Ns = Namespace;

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = false, NewLineHandling = NewLineHandling.None,
    };

    public static byte[] Serialize(XElement root)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, WriterSettings)) new XDocument(root).Save(w);
        return ms.ToArray();
    }

    private static XElement E(string name, params object?[] content) => new(Ns + name, content.Where(c => c is not null));

    public static byte[] CreateHostedZone(CreateHostedZoneRequest r) => Serialize(E("CreateHostedZoneRequest",
        E("Name", Route53Names.Format(r.Name)),
        E("CallerReference", r.CallerReference),
        E("HostedZoneConfig", r.Comment is null ? null : E("Comment", r.Comment), E("PrivateZone", "false")),
        r.DelegationSetId is null ? null : E("DelegationSetId", r.DelegationSetId)));

    public static byte[] ChangeResourceRecordSets(ChangeBatch batch) => Serialize(E("ChangeResourceRecordSetsRequest",
        E("ChangeBatch",
            batch.Comment is null ? null : E("Comment", batch.Comment),
            E("Changes", batch.Changes.Select(c => E("Change",
                E("Action", c.Action switch { ChangeAction.Create => "CREATE", ChangeAction.Delete => "DELETE", _ => "UPSERT" }),
                RecordSetElement(c.RecordSet)))))));

    public static byte[] CreateQueryLoggingConfig(string hostedZoneId, string logGroupArn) => Serialize(E("CreateQueryLoggingConfigRequest",
        E("HostedZoneId", hostedZoneId), E("CloudWatchLogsLogGroupArn", logGroupArn)));

    public static XElement RecordSetElement(Route53RecordSet s) => E("ResourceRecordSet",
        E("Name", Route53Names.Format(s.Name)),
        E("Type", s.Type.ToString()),
        s.SetIdentifier is null ? null : E("SetIdentifier", s.SetIdentifier),
        s.Weight is null ? null : E("Weight", s.Weight.Value.ToString(CultureInfo.InvariantCulture)),
        s.Region is null ? null : E("Region", s.Region),
        s.Failover is null ? null : E("Failover", s.Failover),
        s.MultiValueAnswer is null ? null : E("MultiValueAnswer", s.MultiValueAnswer.Value ? "true" : "false"),
        s.Ttl is null ? null : E("TTL", s.Ttl.Value.ToString(CultureInfo.InvariantCulture)),
        s.AliasTarget is not null ? null : E("ResourceRecords", s.Values.Select(v => E("ResourceRecord", E("Value", v)))),
        s.AliasTarget is null ? null : E("AliasTarget",
            E("HostedZoneId", Route53Names.BareId(s.AliasTarget.HostedZoneId)),
            E("DNSName", Route53Names.Format(s.AliasTarget.DnsName)),
            E("EvaluateTargetHealth", s.AliasTarget.EvaluateTargetHealth ? "true" : "false")),
        s.HealthCheckId is null ? null : E("HealthCheckId", s.HealthCheckId));

    // ---- parsing ----

    public static XElement Parse(byte[] body)
    {
        using var ms = new MemoryStream(body);
        return XDocument.Load(ms).Root ?? throw new FormatException("empty XML document");
    }

    private static XElement? Child(this XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name);
    private static IEnumerable<XElement> Children(this XElement e, string name) => e.Elements().Where(c => c.Name.LocalName == name);
    private static string? Text(this XElement e, string name) => e.Child(name)?.Value;
    private static string Required(this XElement e, string name) =>
        e.Child(name)?.Value ?? throw new FormatException($"<{e.Name.LocalName}> lacks <{name}>");
    private static long? Long(this XElement e, string name) =>
        e.Text(name) is { } t ? long.Parse(t, CultureInfo.InvariantCulture) : null;
    private static bool Bool(this XElement e, string name) => string.Equals(e.Text(name), "true", StringComparison.OrdinalIgnoreCase);

    public static HostedZone ParseHostedZone(XElement e) => new(
        Route53Names.BareId(e.Required("Id")), Route53Names.Parse(e.Required("Name")), e.Text("CallerReference") ?? "",
        e.Child("Config")?.Text("Comment"), e.Child("Config")?.Bool("PrivateZone") ?? false, e.Long("ResourceRecordSetCount") ?? 0);

    public static ChangeInfo ParseChangeInfo(XElement e) => new(
        Route53Names.BareId(e.Required("Id")),
        e.Required("Status") == "INSYNC" ? ChangeStatus.InSync : ChangeStatus.Pending,
        e.Text("SubmittedAt") is { } t ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : default,
        e.Text("Comment"));

    public static HostedZoneDetail ParseHostedZoneDetail(XElement root)
    {
        var zone = ParseHostedZone(root.Child("HostedZone") ?? throw new FormatException("response lacks <HostedZone>"));
        var ns = root.Child("DelegationSet")?.Child("NameServers")?.Elements().Select(x => x.Value).ToList() ?? [];
        var change = root.Child("ChangeInfo") is { } ci ? ParseChangeInfo(ci) : null;
        return new HostedZoneDetail(zone, ns, change);
    }

    public static ChangeInfo ParseChangeInfoResponse(XElement root) =>
        ParseChangeInfo(root.Child("ChangeInfo") ?? throw new FormatException($"<{root.Name.LocalName}> lacks <ChangeInfo>"));

    public static HostedZonePage ParseHostedZonesByName(XElement root) => new(
        root.Child("HostedZones")?.Elements().Select(ParseHostedZone).ToList() ?? [],
        root.Bool("IsTruncated"), root.Text("NextDNSName"), root.Text("NextHostedZoneId"));

    public static Route53RecordSet ParseRecordSet(XElement e)
    {
        var alias = e.Child("AliasTarget") is { } a
            ? new AliasTarget(a.Required("HostedZoneId"), Route53Names.Parse(a.Required("DNSName")), a.Bool("EvaluateTargetHealth"))
            : null;
        return new Route53RecordSet(
            Route53Names.Parse(e.Required("Name")), RecordType.Parse(e.Required("Type")), e.Long("TTL"),
            e.Child("ResourceRecords")?.Elements().Select(r => r.Required("Value")).ToList() ?? [],
            e.Text("SetIdentifier"), e.Long("Weight"), e.Text("Region"), e.Text("Failover"),
            e.Text("MultiValueAnswer") is { } m ? m == "true" : null, alias, e.Text("HealthCheckId"));
    }

    public static RecordSetPage ParseRecordSetPage(XElement root) => new(
        root.Child("ResourceRecordSets")?.Elements().Select(ParseRecordSet).ToList() ?? [],
        root.Bool("IsTruncated"), root.Text("NextRecordName"), root.Text("NextRecordType"), root.Text("NextRecordIdentifier"));

    public static QueryLoggingConfig ParseQueryLoggingConfig(XElement e) => new(
        e.Required("Id"), Route53Names.BareId(e.Required("HostedZoneId")), e.Required("CloudWatchLogsLogGroupArn"));

    public static IReadOnlyList<QueryLoggingConfig> ParseQueryLoggingConfigs(XElement root) =>
        root.Child("QueryLoggingConfigs")?.Elements().Select(ParseQueryLoggingConfig).ToList() ?? [];

    public static DnssecStatus ParseDnssec(XElement root)
    {
        var status = root.Child("Status");
        var keys = root.Child("KeySigningKeys")?.Elements().Select(k => new KeySigningKey(
            k.Text("Name") ?? "", k.Text("Status"), (int)(k.Long("Flag") ?? 0), (int)(k.Long("SigningAlgorithmType") ?? 0),
            k.Text("PublicKey"), k.Text("DSRecord"), (int)(k.Long("KeyTag") ?? 0))).ToList() ?? [];
        return new DnssecStatus(status?.Text("ServeSignature") ?? "NOT_SIGNING", status?.Text("StatusMessage"), keys);
    }

    /// <summary>
    /// Reads an error body in either form: the standard <c>ErrorResponse</c> (InvalidChangeBatch messages joined as
    /// "[m1, m2]") or the legacy <c>InvalidChangeBatch</c> root with one <c>Message</c> per problem.
    /// </summary>
    public static Route53Exception ParseError(byte[] body, HttpStatusCode status, string? headerRequestId)
    {
        XElement root;
        try { root = Parse(body); }
        catch (XmlException)
        {
            var text = Encoding.UTF8.GetString(body);
            return new Route53Exception(StatusCode(status), text.Length > 500 ? text[..500] : text, status, headerRequestId);
        }
        var requestId = root.Text("RequestId") ?? headerRequestId;
        if (root.Name.LocalName == "InvalidChangeBatch")
        {
            var messages = root.Child("Messages")?.Elements().Select(m => m.Value).ToList() ?? [];
            return new Route53Exception("InvalidChangeBatch", string.Join("; ", messages), status, requestId, messages);
        }
        var error = root.Name.LocalName == "Error" ? root : root.Child("Error") ?? root;
        var code = error.Text("Code") ?? StatusCode(status);
        var message = error.Text("Message") ?? "";
        var list = code == "InvalidChangeBatch" ? SplitBracketed(message) : [message];
        return new Route53Exception(code, message, status, requestId, list);
    }

    private static string StatusCode(HttpStatusCode s) => (int)s >= 500 ? "InternalError" : $"Http{(int)s}";

    /// <summary>"[a, b]" → ["a", "b"], splitting only at ", " outside quotes and square brackets of a message.</summary>
    public static IReadOnlyList<string> SplitBracketed(string message)
    {
        var m = message.Trim();
        if (m.Length < 2 || m[0] != '[' || m[^1] != ']') return [message];
        m = m[1..^1];
        var parts = new List<string>();
        int depth = 0, start = 0;
        var quote = false;
        for (var i = 0; i < m.Length; i++)
        {
            var c = m[i];
            if (c == '\'') quote = !quote;
            else if (!quote && c == '[') depth++;
            else if (!quote && c == ']') depth--;
            else if (!quote && depth == 0 && c == ',' && i + 1 < m.Length && m[i + 1] == ' ')
            { parts.Add(m[start..i]); start = i + 2; }
        }
        parts.Add(m[start..]);
        return parts;
    }
}
