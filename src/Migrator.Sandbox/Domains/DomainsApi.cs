using System.Text.Json;
using System.Text.Json.Nodes;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Domains;

/// <summary>Route 53 Domains over JSON 1.1: timestamps as epoch seconds, errors as {"__type","message"} with 400.</summary>
public sealed class DomainsApi(DomainRegistry registry)
{
    public static JsonObject Error(string code, string message) => new() { ["__type"] = code, ["message"] = message };

    public (int Status, JsonNode Body) Execute(string operation, byte[] body, string? requestId = null)
    {
        var (status, json) = Dispatch(operation, body);
        // AWS's DuplicateRequest shape also carries the request id.
        if (json is JsonObject o && o["__type"]?.GetValue<string>() == "DuplicateRequest" && requestId is not null) o["requestId"] = requestId;
        return (status, json);
    }

    private (int Status, JsonNode Body) Dispatch(string operation, byte[] body)
    {
        JsonObject request;
        try
        {
            request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return (400, Error("SerializationException", "Start of structure or map found where not expected."));
        }
        var result = operation switch
        {
            "GetDomainDetail" => Map(registry.Get(Str(request, "DomainName")), DomainDetail),
            "ListDomains" => ListDomains(request),
            "GetOperationDetail" => Map(registry.GetOperation(Str(request, "OperationId")), OperationDetail),
            "UpdateDomainNameservers" => Map(registry.UpdateNameservers(Str(request, "DomainName"), ParseNameservers(request)), OperationId),
            "AssociateDelegationSignerToDomain" => Map(registry.AssociateDelegationSigner(Str(request, "DomainName"),
                Int(request["SigningAttributes"], "Algorithm"), Int(request["SigningAttributes"], "Flags"), Str(request["SigningAttributes"] as JsonObject, "PublicKey")), OperationId),
            "DisassociateDelegationSignerFromDomain" => Map(registry.DisassociateDelegationSigner(Str(request, "DomainName"), Str(request, "Id")), OperationId),
            _ => (400, (JsonNode)Error("UnknownOperationException", $"Unknown operation {operation}")),
        };
        return result;
    }

    private static (int, JsonNode) Map<T>(Result<T> r, Func<T, JsonNode> ok) =>
        r.Error is { } e ? (400, Error(e.Code, e.Message)) : (200, ok(r.Value!));

    private static string? Str(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    private static int Int(JsonNode? o, string name) => o?[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : -1;

    private static List<DomainNameserver> ParseNameservers(JsonObject request) =>
        (request["Nameservers"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(n => new DomainNameserver(DomainRegistry.Normalize(Str(n, "Name") ?? ""),
                (n["GlueIps"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").ToList()))
            .ToList();

    private static double Epoch(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;

    private static JsonNode OperationId(OperationState op) => new JsonObject { ["OperationId"] = op.OperationId };

    private static JsonNode OperationDetail(OperationState op)
    {
        var o = new JsonObject
        {
            ["OperationId"] = op.OperationId, ["Status"] = op.Status, ["DomainName"] = op.DomainName, ["Type"] = op.Type,
            ["SubmittedDate"] = Epoch(op.SubmittedDate), ["LastUpdatedDate"] = Epoch(op.LastUpdatedDate),
        };
        if (op.Message is not null) o["Message"] = op.Message;
        return o;
    }

    private static JsonObject Contact() => new()
    {
        ["FirstName"] = "Sandbox", ["LastName"] = "Operator", ["ContactType"] = "PERSON", ["OrganizationName"] = "Migrator Sandbox",
        ["AddressLine1"] = "1 Loopback Way", ["City"] = "Localhost", ["CountryCode"] = "US", ["ZipCode"] = "00000",
        ["PhoneNumber"] = "+1.5555550100", ["Email"] = "hostmaster@example.invalid",
    };

    private static JsonNode DomainDetail(DomainState d) => new JsonObject
    {
        ["DomainName"] = d.Name,
        ["Nameservers"] = new JsonArray(d.Nameservers.Select(n =>
        {
            var o = new JsonObject { ["Name"] = n.Name };
            if (n.GlueIps.Count > 0) o["GlueIps"] = new JsonArray(n.GlueIps.Select(ip => (JsonNode)JsonValue.Create(ip)).ToArray());
            return (JsonNode)o;
        }).ToArray()),
        ["AutoRenew"] = d.AutoRenew,
        ["AdminContact"] = Contact(), ["RegistrantContact"] = Contact(), ["TechContact"] = Contact(), ["BillingContact"] = Contact(),
        ["AdminPrivacy"] = true, ["RegistrantPrivacy"] = true, ["TechPrivacy"] = true, ["BillingPrivacy"] = true,
        ["RegistrarName"] = "Amazon Registrar, Inc.", ["WhoIsServer"] = "whois.registrar.amazon.com",
        ["RegistrarUrl"] = "https://registrar.amazon.com", ["AbuseContactEmail"] = "abuse@registrar.amazon.com",
        ["AbuseContactPhone"] = "+1.2062661000", ["RegistryDomainId"] = "",
        ["CreationDate"] = Epoch(d.CreationDate), ["UpdatedDate"] = Epoch(d.UpdatedDate), ["ExpirationDate"] = Epoch(d.ExpirationDate),
        ["StatusList"] = new JsonArray("clientTransferProhibited"),
        ["DnssecKeys"] = new JsonArray(d.DnssecKeys.Select(k => (JsonNode)new JsonObject
        {
            ["Algorithm"] = k.Algorithm, ["Flags"] = k.Flags, ["PublicKey"] = k.PublicKey, ["DigestType"] = k.DigestType,
            ["Digest"] = k.Digest, ["KeyTag"] = k.KeyTag, ["Id"] = k.Id,
        }).ToArray()),
    };

    private (int, JsonNode) ListDomains(JsonObject request)
    {
        var max = request["MaxItems"] is JsonValue mv && mv.TryGetValue<int>(out var m) ? m : 20;
        if (max is < 1 or > 100) return (400, Error("InvalidInput", "MaxItems must be between 1 and 100."));
        IEnumerable<DomainState> domains = registry.All();
        foreach (var f in (request["FilterConditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var value = (f["Values"] as JsonArray)?.FirstOrDefault()?.GetValue<string>() ?? "";
            var (name, op) = (Str(f, "Name"), Str(f, "Operator"));
            if (name == "DomainName" && op == "BEGINS_WITH") domains = domains.Where(d => d.Name.StartsWith(value.ToLowerInvariant(), StringComparison.Ordinal));
            else if (name == "Expiry" && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var epoch))
                domains = op == "LE" ? domains.Where(d => Epoch(d.ExpirationDate) <= epoch) : domains.Where(d => Epoch(d.ExpirationDate) >= epoch);
            else return (400, Error("InvalidInput", $"Unsupported filter {name} {op}."));
        }
        if (request["SortCondition"] is JsonObject sort)
        {
            var desc = Str(sort, "SortOrder") == "DESC";
            domains = Str(sort, "Name") == "Expiry"
                ? (desc ? domains.OrderByDescending(d => d.ExpirationDate) : domains.OrderBy(d => d.ExpirationDate))
                : (desc ? domains.OrderByDescending(d => d.Name, StringComparer.Ordinal) : domains.OrderBy(d => d.Name, StringComparer.Ordinal));
        }
        var list = domains.ToList();
        var start = 0;
        if (Str(request, "Marker") is { } marker && !int.TryParse(marker, out start))
            return (400, Error("InvalidInput", "The marker is not valid."));
        var page = list.Skip(start).Take(max).ToList();
        var response = new JsonObject
        {
            ["Domains"] = new JsonArray(page.Select(d => (JsonNode)new JsonObject
            {
                ["DomainName"] = d.Name, ["AutoRenew"] = d.AutoRenew, ["TransferLock"] = true, ["Expiry"] = Epoch(d.ExpirationDate),
            }).ToArray()),
        };
        if (start + page.Count < list.Count) response["NextPageMarker"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (200, response);
    }
}
