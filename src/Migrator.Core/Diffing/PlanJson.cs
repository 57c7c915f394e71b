using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// The JSON form of a plan, for the CLI, the API and stored approvals. Deterministic: the same plan always gives the
/// same bytes (changes in plan order, values sorted ordinally).
/// </summary>
public static class PlanJson
{
    public static string Write(Plan plan, bool force = false, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(json, plan, force);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter json, Plan plan, bool force)
    {
        json.WriteStartObject();
        json.WriteString("zone", plan.Zone.ToString());
        json.WriteString("hash", plan.Hash);
        json.WriteNumber("existingSets", plan.ExistingSetCount);
        json.WriteStartObject("options");
        json.WriteBoolean("ignoreApexSoa", plan.Options.IgnoreApexSoa);
        json.WriteBoolean("ignoreApexNs", plan.Options.IgnoreApexNs);
        json.WriteBoolean("ignoreTtl", plan.Options.IgnoreTtl);
        json.WriteEndObject();
        json.WriteStartObject("summary");
        json.WriteNumber("delete", plan.Deletes);
        json.WriteNumber("create", plan.Creates);
        json.WriteNumber("update", plan.Updates);
        json.WriteEndObject();
        json.WriteStartObject("safety");
        json.WriteBoolean("safe", plan.Safety.IsSafe);
        json.WriteBoolean("forced", force && !plan.Safety.IsSafe);
        json.WriteBoolean("allowed", plan.Safety.Allows(force));
        json.WriteStartArray("violations");
        foreach (var v in plan.Safety.Violations)
        {
            json.WriteStartObject();
            json.WriteString("code", v.Code);
            json.WriteString("message", v.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartArray("changes");
        foreach (var c in plan.Changes)
        {
            json.WriteStartObject();
            json.WriteString("kind", c.Kind.ToString());
            json.WriteString("name", c.Key.Name.ToString());
            json.WriteString("type", c.Key.Type.ToString());
            if (c.Key.SetIdentifier is { } id) json.WriteString("setIdentifier", id);
            WriteSet(json, "existing", c.Existing);
            WriteSet(json, "desired", c.Desired);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSet(Utf8JsonWriter json, string property, RecordSet? set)
    {
        if (set is null) return;
        json.WriteStartObject(property);
        json.WriteNumber("ttl", set.Ttl.Seconds);
        json.WriteStartArray("values");
        foreach (var v in set.Values.Order(StringComparer.Ordinal)) json.WriteStringValue(v);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
