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
    };

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
