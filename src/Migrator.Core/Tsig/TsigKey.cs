using System.Security.Cryptography;
using Migrator.Core.Zones;

namespace Migrator.Core.Tsig;

/// <summary>
/// A TSIG key (RFC 8945) for zone transfers and dynamic updates. Invariant: the algorithm is one BIND knows (held in
/// BIND's spelling, e.g. "hmac-sha256") and the secret is non-empty; the secret never appears in <see cref="ToString"/>,
/// logs or messages.
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
        ArgumentNullException.ThrowIfNull(name);
        if (!Algorithms.TryGetValue(algorithm, out var canonical))
            throw new ArgumentException($"unknown TSIG algorithm '{algorithm}'", nameof(algorithm));
        if (secret is null || secret.Length == 0) throw new ArgumentException("the TSIG secret is empty", nameof(secret));
        Name = name;
        Algorithm = canonical;
        _secret = (byte[])secret.Clone();
    }

    /// <summary>A copy of the secret, for the signer only.</summary>
    internal byte[] SecretBytes() => (byte[])_secret.Clone();

    internal ARSoft.Tools.Net.Dns.TSigAlgorithm ArsoftAlgorithm => Algorithm switch
    {
        "hmac-md5" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Md5,
        "hmac-sha1" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha1,
        "hmac-sha224" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha224,
        "hmac-sha256" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha256,
        "hmac-sha384" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha384,
        _ => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha512,
    };

    /// <summary>The HMAC for this key's algorithm, keyed with the secret; null where .NET has none (hmac-sha224).</summary>
    internal HMAC? CreateHmac() => Algorithm switch
    {
        "hmac-md5" => new HMACMD5(_secret),
        "hmac-sha1" => new HMACSHA1(_secret),
        "hmac-sha256" => new HMACSHA256(_secret),
        "hmac-sha384" => new HMACSHA384(_secret),
        "hmac-sha512" => new HMACSHA512(_secret),
        _ => null,
    };

    /// <summary>From the base64 secret as BIND's tsig-keygen prints it.</summary>
    public static TsigKey FromBase64(string name, string base64Secret, string algorithm = "hmac-sha256")
    {
        byte[] secret;
        try { secret = Convert.FromBase64String(base64Secret); }
        catch (FormatException) { throw new FormatException($"the secret of TSIG key {name} is not valid base64"); }
        return new TsigKey(DomainName.Parse(name.EndsWith('.') ? name : name + "."), algorithm, secret);
    }

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

    public override string ToString() => $"TSIG key {Name} ({Algorithm})";
}
