using Migrator.Core.Ports;
using Migrator.Core.Tsig;

namespace Migrator.Core.Migrations.Adapters;

/// <summary>One key of the "Migrator:TsigKeys" configuration list. The secret stays in configuration (or a secret store behind it).</summary>
public sealed class TsigKeyOptions
{
    public string Name { get; set; } = "";
    public string Algorithm { get; set; } = "hmac-sha256";
    public string Secret { get; set; } = "";
}

/// <summary>
/// TSIG keys from configuration, looked up by name (case-insensitive, trailing dot optional). Invariant: secrets are
/// only handed to the DNS clients that sign with them; names are what plans, logs and screens show.
/// </summary>
public sealed class ConfiguredTsigKeyStore : ITsigKeyStore
{
    public const string SectionName = "Migrator:TsigKeys";

    private readonly Dictionary<string, TsigKey> _keys = new(StringComparer.OrdinalIgnoreCase);

    public ConfiguredTsigKeyStore(IEnumerable<TsigKeyOptions> keys)
    {
        foreach (var k in keys)
        {
            if (string.IsNullOrWhiteSpace(k.Name)) continue;
            _keys[Normalize(k.Name)] = TsigKey.FromBase64(k.Name, k.Secret, k.Algorithm);
        }
    }

    public ConfiguredTsigKeyStore(IEnumerable<TsigKey> keys)
    {
        foreach (var k in keys) _keys[Normalize(k.Name.ToString())] = k;
    }

    public IReadOnlyCollection<string> Names => _keys.Keys;

    public bool Contains(string name) => _keys.ContainsKey(Normalize(name));

    public TsigKey? Find(string name) => _keys.GetValueOrDefault(Normalize(name));

    private static string Normalize(string name) => name.Trim().TrimEnd('.');
}
