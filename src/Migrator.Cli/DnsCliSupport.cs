using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>Shared parsing and output of the dns commands (exit codes: <see cref="ExitCodes"/>).</summary>
internal static class DnsCliSupport
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new PresentationJson<DomainName>(n => n.ToString()), new PresentationJson<DnsEndpoint>(e => e.ToString()),
            new PresentationJson<IPAddress>(a => a.ToString()), new TtlJson() },
    };

    /// <summary>Writes a value type of the reports as its presentation text (names, endpoints, addresses); output only.</summary>
    private sealed class PresentationJson<T>(Func<T, string> format) : JsonConverter<T> where T : class
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();
        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(format(value));
    }

    /// <summary>A TTL as its number of seconds.</summary>
    private sealed class TtlJson : JsonConverter<Ttl>
    {
        public override Ttl Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetUInt32());
        public override void Write(Utf8JsonWriter writer, Ttl value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Seconds);
    }

    public static bool TryZone(string text, TextWriter stderr, out DomainName zone)
    {
        var absolute = text.EndsWith('.') ? text : text + ".";
        if (DomainName.TryParse(absolute, null, out zone, out var error)) return true;
        stderr.WriteLine($"migrator: bad zone name '{text}': {error}");
        return false;
    }

    public static bool TryEndpoints(IEnumerable<string>? texts, string option, TextWriter stderr, out List<DnsEndpoint> endpoints)
    {
        endpoints = [];
        foreach (var t in texts ?? [])
        {
            foreach (var part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!DnsEndpoint.TryParse(part, out var e))
                {
                    stderr.WriteLine($"migrator: {option} '{part}' is not IP[:PORT]");
                    return false;
                }
                endpoints.Add(e);
            }
        }
        if (endpoints.Count > 0) return true;
        stderr.WriteLine($"migrator: {option} IP[:PORT] is required");
        return false;
    }
}
