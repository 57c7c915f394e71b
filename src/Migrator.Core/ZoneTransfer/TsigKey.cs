using System.Text;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneTransfer;

/// <summary>
/// A TSIG key (RFC 8945) for signing zone transfers. Invariant: the algorithm is one BIND knows and the secret is
/// non-empty; the secret never appears in <see cref="ToString"/>, logs or messages.
/// </summary>
public sealed class TsigKey
{
    private static readonly Dictionary<string, string> Algorithms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hmac-md5"] = "hmac-md5", ["hmac-md5.sig-alg.reg.int"] = "hmac-md5",
        ["hmac-sha1"] = "hmac-sha1", ["hmac-sha224"] = "hmac-sha224", ["hmac-sha256"] = "hmac-sha256",
        ["hmac-sha384"] = "hmac-sha384", ["hmac-sha512"] = "hmac-sha512",
    };

    private readonly byte[] _secret;

    public DomainName Name { get; }

    /// <summary>BIND's name for the algorithm, e.g. "hmac-sha256".</summary>
    public string Algorithm { get; }

    public TsigKey(DomainName name, string algorithm, byte[] secret)
    {
        if (!Algorithms.TryGetValue(algorithm, out var canonical))
            throw new ArgumentException($"unknown TSIG algorithm '{algorithm}'", nameof(algorithm));
        if (secret.Length == 0) throw new ArgumentException("the TSIG secret is empty", nameof(secret));
        Name = name;
        Algorithm = canonical;
        _secret = (byte[])secret.Clone();
    }

    internal byte[] Secret => _secret;

    /// <summary>Parses "name:algorithm:base64secret" (dig -y order). Errors never quote the secret.</summary>
    public static bool TryParse(string text, out TsigKey? key, out string error)
    {
        key = null; error = "";
        var parts = text.Split(':', 3);
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            error = "a TSIG key is written NAME:ALGORITHM:SECRET (for example transfer-key:hmac-sha256:BASE64)";
            return false;
        }
        if (!DomainName.TryParse(parts[0].EndsWith('.') ? parts[0] : parts[0] + ".", null, out var name, out var nameError))
        {
            error = $"invalid TSIG key name: {nameError}";
            return false;
        }
        if (!Algorithms.ContainsKey(parts[1]))
        {
            error = $"unknown TSIG algorithm '{parts[1]}'; use one of {string.Join(", ", Algorithms.Values.Distinct())}";
            return false;
        }
        var buffer = new byte[parts[2].Length];
        if (!Convert.TryFromBase64String(parts[2], buffer, out var n) || n == 0)
        {
            error = $"the secret of TSIG key {name} is not valid base64";
            return false;
        }
        key = new TsigKey(name, parts[1], buffer[..n]);
        return true;
    }

    public override string ToString() => $"{Name}:{Algorithm}:<secret hidden>";
}
