using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Access;

/// <summary>The three actions a ChangeResourceRecordSets change can carry (upper case, as the condition key wants them).</summary>
public enum RecordChangeAction { CREATE, UPSERT, DELETE }

/// <summary>
/// What one automated updater (ACME client, dynamic-DNS agent, deploy pipeline) may change. Invariant: limited by
/// names, name patterns or types (at least one); an empty list means "not restricted by that key".
/// </summary>
/// <param name="NamePatterns">IAM wildcard patterns over normalised names (e.g. "*-beta.example.com"): matched with StringLike.</param>
public sealed record RecordUpdaterScope(string Name, IReadOnlyList<DomainName> RecordNames, IReadOnlyList<RecordType> Types,
    IReadOnlyList<RecordChangeAction> Actions, IReadOnlyList<string>? NamePatterns = null)
{
    public RecordUpdaterScope(string name, IReadOnlyList<DomainName> recordNames) : this(name, recordNames, [], []) { }
}

/// <summary>
/// IAM policy documents scoped to one hosted zone's ARN: read-only (viewers and console users), record editor, and
/// per automated updater a policy limited with Route 53's ChangeResourceRecordSets condition keys.
/// Invariant: every document is least-privilege for its purpose: zone-level actions name the zone's ARN; only the
/// list actions that support no resource-level permission use "*"; condition values are normalised as Route 53 requires
/// (names lower case, no trailing dot, other characters as \ooo octal; types and actions upper case).
/// Entry points: <see cref="ReadOnly"/>, <see cref="RecordEditor"/>, <see cref="Updater"/>, <see cref="ToJson"/>.
/// </summary>
public static class Route53AccessPolicies
{
    public const string Version = "2012-10-17";
    public const string NamesKey = "route53:ChangeResourceRecordSetsNormalizedRecordNames";
    public const string TypesKey = "route53:ChangeResourceRecordSetsRecordTypes";
    public const string ActionsKey = "route53:ChangeResourceRecordSetsActions";

    public static string HostedZoneArn(string zoneId) => $"arn:aws:route53:::hostedzone/{Route53Names.BareId(zoneId)}";
    public const string ChangeArn = "arn:aws:route53:::change/*";

    /// <summary>Read the zone, its records, DNSSEC and query-logging state, and find it in the console's zone list.</summary>
    public static JsonObject ReadOnly(string zoneId) => Document(ReadStatements(zoneId));

    /// <summary>Read-only plus any change to the zone's records (no conditions).</summary>
    public static JsonObject RecordEditor(string zoneId)
    {
        var statements = ReadStatements(zoneId);
        statements.Add(Statement("EditRecords", ["route53:ChangeResourceRecordSets"], HostedZoneArn(zoneId)));
        return Document(statements);
    }

    /// <summary>
    /// An automated updater: ChangeResourceRecordSets on the zone only for the scope's names, types and actions, plus
    /// what it needs to run (read the zone's records, follow its change to INSYNC). No console listing.
    /// </summary>
    public static JsonObject Updater(string zoneId, RecordUpdaterScope scope)
    {
        var patterns = scope.NamePatterns ?? [];
        if (scope.RecordNames.Count == 0 && patterns.Count == 0 && scope.Types.Count == 0)
            throw new ArgumentException("an updater needs record names or record types to be limited to", nameof(scope));
        var names = Strings(scope.RecordNames.Select(NormalizeRecordName).Concat(patterns).Distinct());
        var equals = new JsonObject();
        // Two operators on the same key would both have to hold: with patterns, every name goes through StringLike
        // (a normalised name holds no '*' or '?', so it matches only itself there).
        if (patterns.Count == 0 && names.Count > 0) equals[NamesKey] = names;
        if (scope.Types.Count > 0) equals[TypesKey] = Strings(scope.Types.Select(t => t.ToString().ToUpperInvariant()).Distinct());
        if (scope.Actions.Count > 0) equals[ActionsKey] = Strings(scope.Actions.Distinct().Select(a => a.ToString()));
        var condition = new JsonObject();
        if (equals.Count > 0) condition["ForAllValues:StringEquals"] = equals;
        if (patterns.Count > 0) condition["ForAllValues:StringLike"] = new JsonObject { [NamesKey] = names };
        var change = Statement(Sid("Update", scope.Name), ["route53:ChangeResourceRecordSets"], HostedZoneArn(zoneId));
        change["Condition"] = condition;
        return Document(
        [
            change,
            Statement(Sid("Read", scope.Name), ["route53:GetHostedZone", "route53:ListResourceRecordSets"], HostedZoneArn(zoneId)),
            Statement(Sid("TrackChanges", scope.Name), ["route53:GetChange"], ChangeArn),
        ]);
    }

    /// <summary>
    /// The name as the condition key compares it: lower case, no trailing dot, and every octet other than a–z, 0–9,
    /// '-', '_' and the label separator '.' written as a backslash and three octal digits ("*.example.com" → "\052.example.com").
    /// </summary>
    public static string NormalizeRecordName(DomainName name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.LabelCount; i++)
        {
            if (i > 0) sb.Append('.');
            foreach (var raw in name.Label(i))
            {
                var b = raw is >= (byte)'A' and <= (byte)'Z' ? (byte)(raw + 32) : raw;
                if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_') sb.Append((char)b);
                else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            }
        }
        return sb.ToString();
    }

    public static string ToJson(JsonObject document) =>
        document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static List<JsonObject> ReadStatements(string zoneId) =>
    [
        Statement("ReadZone", ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:GetDNSSEC", "route53:ListTagsForResource",
            "route53:GetHostedZoneLimit"], HostedZoneArn(zoneId)),
        Statement("TrackChanges", ["route53:GetChange"], ChangeArn),
        // These list actions accept no resource ARN: without them the console cannot show the zone at all.
        Statement("ListZones", ["route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:GetHostedZoneCount",
            "route53:ListQueryLoggingConfigs"], "*"),
    ];

    private static JsonObject Document(IEnumerable<JsonObject> statements) =>
        new() { ["Version"] = Version, ["Statement"] = new JsonArray(statements.Cast<JsonNode>().ToArray()) };

    private static JsonObject Statement(string sid, string[] actions, string resource) => new()
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Action"] = actions.Length == 1 ? JsonValue.Create(actions[0]) : Strings(actions),
        ["Resource"] = resource,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>Sid allows only letters and digits.</summary>
    private static string Sid(string prefix, string name) =>
        prefix + string.Concat(name.Split(['-', '_', ' ', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]).SelectMany(p => p.Where(char.IsAsciiLetterOrDigit)));
}
