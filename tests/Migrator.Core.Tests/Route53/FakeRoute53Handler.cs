using System.Net;
using System.Text;
using System.Xml.Linq;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

/// <summary>
/// An in-test Route 53 (one zone) for deterministic sequences: batches are validated and applied atomically as the
/// service does (CREATE of an existing set and DELETE with other values fail), GetChange turns INSYNC after
/// <see cref="PollsUntilInSync"/> polls, and <see cref="Fault"/> decides per call to fail before or after applying.
/// </summary>
internal sealed class FakeRoute53Handler : HttpMessageHandler
{
    public const string ZoneId = "ZFAKE123";
    public static readonly DomainName Zone = DomainName.Parse("example.com.");
    private readonly Lock _gate = new();
    private readonly SortedDictionary<(DomainName, ushort), Route53RecordSet> _sets = new(Comparer<(DomainName, ushort)>.Create((a, b) =>
    { var c = a.Item1.CompareTo(b.Item1); return c != 0 ? c : a.Item2.CompareTo(b.Item2); }));
    private readonly Dictionary<string, int> _pollsLeft = [];
    private int _changeSeq;

    public FakeRoute53Handler()
    {
        Put(new Route53RecordSet(Zone, RecordType.SOA, 900, ["ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]));
        Put(new Route53RecordSet(Zone, RecordType.NS, 172800, ["ns-1.awsdns-01.com.", "ns-2.awsdns-02.net."]));
    }

    public enum FaultKind { None, Throttle, PriorRequest, ServerErrorBeforeApply, LoseResponseAfterApply }

    /// <summary>Decides the fault for the n-th call (0-based) of an operation.</summary>
    public Func<string, int, FaultKind> Fault { get; set; } = (_, _) => FaultKind.None;
    public int PollsUntilInSync { get; set; } = 1;
    public List<string> Calls { get; } = [];
    public int ChangesApplied { get; private set; }

    public void Put(Route53RecordSet s) { lock (_gate) _sets[(s.Name, s.Type.Code)] = s; }
    public IReadOnlyList<Route53RecordSet> Sets { get { lock (_gate) return _sets.Values.ToList(); } }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!request.Headers.TryGetValues("Authorization", out var auth) || !auth.Single().StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal))
            return Error(HttpStatusCode.Forbidden, "MissingAuthenticationToken", "no signature");
        var path = request.RequestUri!.AbsolutePath;
        var op = (request.Method.Method, path) switch
        {
            ("POST", var p) when p.EndsWith("/rrset/", StringComparison.Ordinal) => "ChangeResourceRecordSets",
            ("GET", var p) when p.EndsWith("/rrset", StringComparison.Ordinal) => "ListResourceRecordSets",
            ("GET", var p) when p.Contains("/change/", StringComparison.Ordinal) => "GetChange",
            ("GET", var p) when p.Contains("/hostedzone/", StringComparison.Ordinal) => "GetHostedZone",
            _ => "Unknown",
        };
        int n;
        lock (_gate) { n = Calls.Count(c => c == op); Calls.Add(op); }
        var fault = Fault(op, n);
        switch (fault)
        {
            case FaultKind.Throttle: return Error(HttpStatusCode.BadRequest, "Throttling", "Rate exceeded");
            case FaultKind.PriorRequest: return Error(HttpStatusCode.BadRequest, "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.");
            case FaultKind.ServerErrorBeforeApply: return Error(HttpStatusCode.InternalServerError, "InternalError", "We encountered an internal error. Please try again.");
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var response = op switch
        {
            "ChangeResourceRecordSets" => Change(Route53Xml.Parse(body)),
            "ListResourceRecordSets" => List(request.RequestUri),
            "GetChange" => GetChange(path[(path.LastIndexOf('/') + 1)..]),
            "GetHostedZone" => Xml("GetHostedZoneResponse", new XElement(Ns + "HostedZone", new XElement(Ns + "Id", "/hostedzone/" + ZoneId),
                new XElement(Ns + "Name", "example.com."), new XElement(Ns + "CallerReference", "r")),
                new XElement(Ns + "DelegationSet", new XElement(Ns + "NameServers", new XElement(Ns + "NameServer", "ns-1.awsdns-01.com"), new XElement(Ns + "NameServer", "ns-2.awsdns-02.net")))),
            _ => Error(HttpStatusCode.NotFound, "UnknownOperation", path),
        };
        if (fault == FaultKind.LoseResponseAfterApply) throw new HttpRequestException("connection reset by peer (injected after apply)");
        return response;
    }

    private static readonly XNamespace Ns = Route53Xml.Namespace;

    private HttpResponseMessage Change(XElement root)
    {
        var changes = root.Descendants(Ns + "Change").Select(c => (Action: c.Element(Ns + "Action")!.Value,
            Set: Route53Xml.ParseRecordSet(c.Element(Ns + "ResourceRecordSet")!))).ToList();
        lock (_gate)
        {
            var copy = new SortedDictionary<(DomainName, ushort), Route53RecordSet>(_sets, _sets.Comparer);
            var problems = new List<string>();
            foreach (var (action, s) in changes)
            {
                var key = (s.Name, s.Type.Code);
                var exists = copy.TryGetValue(key, out var have);
                switch (action)
                {
                    case "CREATE" when exists: problems.Add($"Tried to create resource record set [name='{s.Name}', type='{s.Type}'] but it already exists"); break;
                    case "CREATE" or "UPSERT": copy[key] = s; break;
                    case "DELETE" when !exists: problems.Add($"Tried to delete resource record set [name='{s.Name}', type='{s.Type}'] but it was not found"); break;
                    case "DELETE" when have!.Ttl != s.Ttl || !have.Values.ToHashSet().SetEquals(s.Values):
                        problems.Add($"Tried to delete resource record set [name='{s.Name}', type='{s.Type}'] but the values provided do not match the current values"); break;
                    case "DELETE": copy.Remove(key); break;
                }
            }
            if (problems.Count > 0) return Error(HttpStatusCode.BadRequest, "InvalidChangeBatch", "[" + string.Join(", ", problems) + "]");
            _sets.Clear();
            foreach (var kv in copy) _sets[kv.Key] = kv.Value;
            ChangesApplied += changes.Count;
            var id = $"C{++_changeSeq:D6}";
            _pollsLeft[id] = PollsUntilInSync;
            return ChangeInfoResponse("ChangeResourceRecordSetsResponse", id, "PENDING");
        }
    }

    private HttpResponseMessage GetChange(string id)
    {
        lock (_gate)
        {
            if (!_pollsLeft.TryGetValue(id, out var left)) return Error(HttpStatusCode.NotFound, "NoSuchChange", $"A change with the specified change ID does not exist: {id}");
            _pollsLeft[id] = left - 1;
            return ChangeInfoResponse("GetChangeResponse", id, left - 1 <= 0 ? "INSYNC" : "PENDING");
        }
    }

    private HttpResponseMessage List(Uri uri)
    {
        var q = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var max = int.Parse(q["maxitems"] ?? "300");
        lock (_gate)
        {
            var all = _sets.Values.ToList();
            var start = 0;
            if (q["name"] is { } name)
            {
                var n = Route53Names.Parse(name);
                var t = q["type"] is { } ts ? RecordType.Parse(ts).Code : (ushort)0;
                start = all.FindIndex(s => s.Name.CompareTo(n) > 0 || (s.Name.Equals(n) && s.Type.Code >= t));
                if (start < 0) start = all.Count;
            }
            var page = all.Skip(start).Take(max).ToList();
            var truncated = start + page.Count < all.Count;
            var content = new List<object> { new XElement(Ns + "ResourceRecordSets", page.Select(Route53Xml.RecordSetElement)),
                new XElement(Ns + "IsTruncated", truncated ? "true" : "false") };
            if (truncated)
            {
                var next = all[start + page.Count];
                content.Add(new XElement(Ns + "NextRecordName", Route53Names.Format(next.Name)));
                content.Add(new XElement(Ns + "NextRecordType", next.Type.ToString()));
            }
            content.Add(new XElement(Ns + "MaxItems", max.ToString()));
            return Xml("ListResourceRecordSetsResponse", content.ToArray());
        }
    }

    private static HttpResponseMessage ChangeInfoResponse(string root, string id, string status) =>
        Xml(root, new XElement(Ns + "ChangeInfo", new XElement(Ns + "Id", "/change/" + id), new XElement(Ns + "Status", status),
            new XElement(Ns + "SubmittedAt", "2026-01-01T00:00:00.000Z")));

    private static HttpResponseMessage Xml(string root, params object[] content) =>
        new(HttpStatusCode.OK) { Content = new ByteArrayContent(Route53Xml.Serialize(new XElement(Ns + root, content))) };

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message)
    {
        var r = new HttpResponseMessage(status)
        {
            Content = new StringContent($"<?xml version=\"1.0\"?><ErrorResponse xmlns=\"{Route53Xml.Namespace}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{System.Security.SecurityElement.Escape(message)}</Message></Error><RequestId>fake-{Guid.NewGuid()}</RequestId></ErrorResponse>", Encoding.UTF8, "text/xml"),
        };
        return r;
    }
}
