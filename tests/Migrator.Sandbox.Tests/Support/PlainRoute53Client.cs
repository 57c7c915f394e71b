using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Migrator.Sandbox.Tests.Support;

/// <summary>
/// A deliberately tiny REST-XML caller for tests that run the emulator with signature checks off (DNS and persistence
/// tests); signing itself is covered by the JS SDK conformance suite and the SigV4 vectors.
/// </summary>
public sealed partial class PlainRoute53Client(Uri baseAddress, (string AccessKey, string Secret)? credentials = null) : IDisposable
{
    private static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
    private readonly HttpClient _http = credentials is { } c
        ? new HttpClient(new SigningHandler(c.AccessKey, c.Secret)) { BaseAddress = baseAddress }
        : new HttpClient { BaseAddress = baseAddress };

    public async Task<(string ZoneId, string ChangeId, string[] NameServers)> CreateZoneAsync(string name)
    {
        var body = new XElement(Ns + "CreateHostedZoneRequest", new XElement(Ns + "Name", name), new XElement(Ns + "CallerReference", Guid.NewGuid().ToString()));
        var doc = await SendAsync(HttpMethod.Post, "/2013-04-01/hostedzone", body, HttpStatusCode.Created);
        return (Bare(Value(doc, "Id")), Bare(doc.Descendants(Ns + "ChangeInfo").Single().Element(Ns + "Id")!.Value),
            doc.Descendants(Ns + "NameServer").Select(e => e.Value).ToArray());
    }

    /// <summary>Changes as (action, name, type, ttl, values).</summary>
    public async Task<string> ChangeAsync(string zoneId, params (string Action, string Name, string Type, int Ttl, string[] Values)[] changes)
    {
        var body = new XElement(Ns + "ChangeResourceRecordSetsRequest", new XElement(Ns + "ChangeBatch", new XElement(Ns + "Changes",
            changes.Select(c => new XElement(Ns + "Change", new XElement(Ns + "Action", c.Action), new XElement(Ns + "ResourceRecordSet",
                new XElement(Ns + "Name", c.Name), new XElement(Ns + "Type", c.Type), new XElement(Ns + "TTL", c.Ttl),
                new XElement(Ns + "ResourceRecords", c.Values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", v))))))))));
        var doc = await SendAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{zoneId}/rrset/", body, HttpStatusCode.OK);
        return Bare(Value(doc, "Id"));
    }

    public async Task<string> ChangeStatusAsync(string changeId) =>
        Value(await SendAsync(HttpMethod.Get, $"/2013-04-01/change/{changeId}", null, HttpStatusCode.OK), "Status");

    public async Task<XDocument> GetZoneAsync(string zoneId) =>
        await SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{zoneId}", null, HttpStatusCode.OK);

    /// <summary>CreateHostedZone expected to fail; returns (status, error code).</summary>
    public async Task<(int Status, string Code)> CreateZoneExpectingErrorAsync(string name, string callerReference)
    {
        var body = new XElement(Ns + "CreateHostedZoneRequest", new XElement(Ns + "Name", name), new XElement(Ns + "CallerReference", callerReference));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2013-04-01/hostedzone") { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/xml") };
        using var response = await _http.SendAsync(request);
        var doc = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "");
    }

    public async Task<(string ZoneId, string ChangeId)> CreateZoneWithReferenceAsync(string name, string callerReference)
    {
        var body = new XElement(Ns + "CreateHostedZoneRequest", new XElement(Ns + "Name", name), new XElement(Ns + "CallerReference", callerReference));
        var doc = await SendAsync(HttpMethod.Post, "/2013-04-01/hostedzone", body, HttpStatusCode.Created);
        return (Bare(Value(doc, "Id")), Bare(doc.Descendants(Ns + "ChangeInfo").Single().Element(Ns + "Id")!.Value));
    }

    public async Task<XDocument> ListRecordSetsAsync(string zoneId) =>
        await SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{zoneId}/rrset", null, HttpStatusCode.OK);

    public async Task WaitInsyncAsync(string changeId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2)); // generous: the condition, not the clock, ends the wait
        while (await ChangeStatusAsync(changeId) != "INSYNC")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"change {changeId} not INSYNC after {timeout}");
            await Task.Delay(25);
        }
    }

    public async Task<string> PostJsonAsync(string target, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        request.Headers.Add("X-Amz-Target", "Route53Domains_v20140515." + target);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{target} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    public async Task ControlAsync(string path, string json, string controlToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_emulator/" + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(Migrator.Sandbox.Control.ControlApi.TokenHeader, controlToken);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Any Route 53 call: the status and the parsed body, whatever the status.</summary>
    public async Task<(int Status, XDocument Body)> CallAsync(HttpMethod method, string path, XElement? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/xml");
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, XDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private async Task<XDocument> SendAsync(HttpMethod method, string path, XElement? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/xml");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return XDocument.Parse(text);
    }

    private static string Value(XDocument doc, string name) => doc.Descendants(Ns + name).First().Value;

    private static string Bare(string id) => IdPrefix().Replace(id, "");

    [GeneratedRegex("^/(hostedzone|change)/")]
    private static partial Regex IdPrefix();

    public void Dispose() => _http.Dispose();
}
