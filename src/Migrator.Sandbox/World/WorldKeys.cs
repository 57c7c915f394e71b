using System.Security.Cryptography;
using System.Text.Json;
using Migrator.Core.Tsig;

namespace Migrator.Sandbox.World;

/// <summary>One TSIG key of the world: what it is for, and its secret (never shown on a page or written to a log).</summary>
public sealed record WorldTsigKey(string Name, string Algorithm, string SecretBase64, string Use)
{
    public TsigKey ToTsigKey() => TsigKey.FromBase64(Name, SecretBase64, Algorithm);
    public override string ToString() => $"TSIG key {Name} ({Algorithm}) for {Use}";
}

/// <summary>
/// The world's key store: TSIG keys generated on first start and kept in the data directory (mode 0600), so a
/// restarted world accepts the same keys. Pages and the API see names and algorithms only.
/// </summary>
public sealed class WorldKeys
{
    public const string OldTransfer = "transfer.oldhost.example.";
    public const string OldUpdate = "update.oldhost.example.";
    public const string Registrar = "registrar.nic.example.";

    private readonly Dictionary<string, WorldTsigKey> _keys;

    private WorldKeys(IEnumerable<WorldTsigKey> keys) =>
        _keys = keys.ToDictionary(k => Normalize(k.Name), StringComparer.Ordinal);

    public IReadOnlyCollection<WorldTsigKey> All => _keys.Values;

    public WorldTsigKey this[string name] => _keys[Normalize(name)];

    public WorldTsigKey? Find(string name) => _keys.GetValueOrDefault(Normalize(name));

    private static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant() + ".";

    public static WorldKeys LoadOrCreate(string? directory)
    {
        var path = directory is null ? null : Path.Combine(directory, "tsig-keys.json");
        if (path is not null && File.Exists(path))
        {
            var loaded = JsonSerializer.Deserialize<List<WorldTsigKey>>(File.ReadAllText(path)) ?? [];
            if (loaded.Count > 0) return new WorldKeys(loaded);
        }
        var keys = new WorldKeys([
            New(OldTransfer, "AXFR from the old provider"),
            New(OldUpdate, "RFC 2136 updates at the old provider"),
            New(Registrar, "RFC 2136 updates of the TLD example. (registrar)"),
        ]);
        if (path is not null)
        {
            Directory.CreateDirectory(directory!);
            File.WriteAllText(path, JsonSerializer.Serialize(keys._keys.Values.ToList()));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return keys;
    }

    private static WorldTsigKey New(string name, string use) =>
        new(name, "hmac-sha256", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), use);
}
