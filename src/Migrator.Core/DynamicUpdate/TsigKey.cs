using Migrator.Core.Zones;

namespace Migrator.Core.DynamicUpdate;

/// <summary>
/// A TSIG key (RFC 8945). Invariant: the secret is never printed: <see cref="ToString"/> shows name and algorithm only,
/// so keys can be logged and put in exception messages safely.
/// </summary>
public sealed class TsigKey
{
    public DomainName Name { get; }
    /// <summary>"hmac-sha256" (default), "hmac-sha512", "hmac-sha384", "hmac-sha224", "hmac-sha1", "hmac-md5".</summary>
    public string Algorithm { get; }
    private readonly byte[] _secret;

    public TsigKey(DomainName name, string algorithm, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (secret is null || secret.Length == 0) throw new ArgumentException("TSIG secret must not be empty", nameof(secret));
        Algorithm = algorithm.ToLowerInvariant() switch
        {
            "hmac-sha256" or "hmac-sha512" or "hmac-sha384" or "hmac-sha224" or "hmac-sha1" or "hmac-md5" or "hmac-md5.sig-alg.reg.int"
                => algorithm.ToLowerInvariant(),
            _ => throw new ArgumentException($"unsupported TSIG algorithm '{algorithm}'", nameof(algorithm)),
        };
        Name = name;
        _secret = (byte[])secret.Clone();
    }

    /// <summary>From the base64 secret as BIND's tsig-keygen prints it.</summary>
    public static TsigKey FromBase64(string name, string base64Secret, string algorithm = "hmac-sha256")
    {
        byte[] secret;
        try { secret = Convert.FromBase64String(base64Secret); }
        catch (FormatException) { throw new FormatException($"the secret of TSIG key {name} is not valid base64"); }
        return new TsigKey(DomainName.Parse(name.EndsWith('.') ? name : name + "."), algorithm, secret);
    }

    internal byte[] SecretBytes() => (byte[])_secret.Clone();

    internal ARSoft.Tools.Net.Dns.TSigAlgorithm ArsoftAlgorithm => Algorithm switch
    {
        "hmac-sha256" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha256,
        "hmac-sha512" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha512,
        "hmac-sha384" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha384,
        "hmac-sha224" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha224,
        "hmac-sha1" => ARSoft.Tools.Net.Dns.TSigAlgorithm.Sha1,
        _ => ARSoft.Tools.Net.Dns.TSigAlgorithm.Md5,
    };

    public override string ToString() => $"TSIG key {Name} ({Algorithm})";
}
