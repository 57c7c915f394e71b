using System.Globalization;
using System.Text.Json;
using ARSoft.Tools.Net.Dns;
using Migrator.Core.Zones;
using Migrator.Sandbox.Dns;
using Migrator.Sandbox.Domains;
using ArDomainName = ARSoft.Tools.Net.DomainName;

namespace Migrator.Sandbox.World;

/// <summary>
/// The old provider's online signer for one zone: a single ECDSA P-256 key (flags 257, a combined signing key) kept
/// in the data directory, NSEC chain and RRSIGs made afresh on every change (inception 1 h back, 30 days validity).
/// </summary>
public sealed class ZoneSigner
{
    private sealed record StoredKey(int Flags, int Algorithm, string PublicKey, string PrivateKey);

    private readonly DnsKeyRecord _key;
    private readonly TimeProvider _time;

    private ZoneSigner(DnsKeyRecord key, TimeProvider time) { _key = key; _time = time; }

    public int KeyTag => _key.CalculateKeyTag();

    /// <summary>The DS (digest type 2) the parent must publish, in presentation form without owner.</summary>
    public string Ds(string zone)
    {
        var (tag, digest) = DsDigest.Compute(zone.TrimEnd('.'), (int)_key.Flags, (int)_key.Algorithm, _key.PublicKey);
        return $"{tag.ToString(CultureInfo.InvariantCulture)} {((int)_key.Algorithm).ToString(CultureInfo.InvariantCulture)} 2 {digest}";
    }

    public static ZoneSigner LoadOrCreate(string zone, string? directory, TimeProvider time)
    {
        var owner = ArDomainName.Parse(zone);
        var path = directory is null ? null : Path.Combine(directory, "dnssec-" + zone.TrimEnd('.') + ".json");
        if (path is not null && File.Exists(path) && JsonSerializer.Deserialize<StoredKey>(File.ReadAllText(path)) is { } s)
            return new ZoneSigner(new DnsKeyRecord(owner, RecordClass.INet, 3600, (DnsKeyFlags)s.Flags, 3, (DnsSecAlgorithm)s.Algorithm,
                Convert.FromBase64String(s.PublicKey), Convert.FromBase64String(s.PrivateKey)), time);
        var key = DnsKeyRecord.CreateSigningKey(owner, RecordClass.INet, 3600, DnsKeyFlags.Zone | DnsKeyFlags.SecureEntryPoint, 3,
            DnsSecAlgorithm.EcDsaP256Sha256, 256);
        if (path is not null)
        {
            Directory.CreateDirectory(directory!);
            File.WriteAllText(path, JsonSerializer.Serialize(new StoredKey((int)key.Flags, (int)key.Algorithm,
                Convert.ToBase64String(key.PublicKey), Convert.ToBase64String(key.PrivateKey!))));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new ZoneSigner(key, time);
    }

    public IReadOnlyList<ResourceRecord> Sign(IReadOnlyList<ResourceRecord> records)
    {
        var apex = ArDomainName.Parse(records.First(r => r.Type == Migrator.Core.Zones.RecordType.SOA).Name.ToString());
        var zone = new Zone(apex);
        foreach (var r in records.Where(r => r.Type.Code is not (46 or 47 or 48 or 50 or 51)))
            zone.Add(PresentationRecords.Create(ArDomainName.Parse(r.Name.ToString()), r.Type.ToString(), (int)r.Ttl.Seconds, r.Data));
        var soaTtl = (int)records.First(r => r.Type == Migrator.Core.Zones.RecordType.SOA).Ttl.Seconds;
        zone.Add(new DnsKeyRecord(apex, RecordClass.INet, soaTtl, _key.Flags, 3, _key.Algorithm, _key.PublicKey, null));
        var now = _time.GetUtcNow().UtcDateTime;
        var signed = zone.Sign([new DnsKeyRecord(apex, RecordClass.INet, soaTtl, _key.Flags, 3, _key.Algorithm, _key.PublicKey, _key.PrivateKey)],
            now.AddHours(-1), now.AddDays(30), (NSec3HashAlgorithm)0, 0, null, false, false);
        return signed.Select(WorldUpdates.ToCore).ToList();
    }
}
