using System.Security.Cryptography;
using System.Text.Json;

namespace Migrator.Web.Route53;

/// <summary>
/// The sandbox emulator's Route 53 keys: random, made once per data directory and kept in
/// &lt;data&gt;/route53-sandbox/credentials.json (0600), so nothing outside Migrator (and its roles and audit) can use
/// the emulator's API with well-known keys.
/// </summary>
public sealed record SandboxCredentials(string AccessKey, string SecretKey)
{
    public const string FileName = "credentials.json";

    public static SandboxCredentials LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path))
            return JsonSerializer.Deserialize<SandboxCredentials>(File.ReadAllText(path))
                   ?? throw new InvalidOperationException($"{path} is empty; delete it to make new sandbox keys.");
        Directory.CreateDirectory(directory);
        const string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var keys = new SandboxCredentials("AKIA" + RandomNumberGenerator.GetString(upper, 16), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));
        using (var stream = Migrator.Web.Hosting.PrivateFile.CreateNew(path))
            JsonSerializer.Serialize(stream, keys);
        return keys;
    }

    public override string ToString() => $"SandboxCredentials {{ AccessKey = {AccessKey}, SecretKey = *** }}";
}
