using System.Text.Json;
using Migrator.Core.Zones;
using Migrator.Sandbox.Dns;
using ArDomainName = ARSoft.Tools.Net.DomainName;

namespace Migrator.Sandbox.World;

/// <summary>
/// The old provider's online signer for one zone: a key-signing key (flags 257, the one the TLD's DS names) and a
/// zone-signing key (flags 256), both ECDSA P-256 and kept in the data directory; the DNSKEY set, NSEC chain and
/// RRSIGs are made afresh on every change by <see cref="ZoneSigning"/>.
/// </summary>
public sealed class ZoneSigner
{
    /// <summary>The key file: the first fields are the key-signing key (the format before the zone-signing key existed).</summary>
    private sealed record StoredKey(int Flags, int Algorithm, string PublicKey, string PrivateKey, string? ZskPublicKey = null, string? ZskPrivateKey = null);

    private readonly DnssecKey _ksk;
    private readonly DnssecKey _zsk;
    private readonly TimeProvider _time;

    private ZoneSigner(DnssecKey ksk, DnssecKey zsk, TimeProvider time) { _ksk = ksk; _zsk = zsk; _time = time; }

    public int KeyTag(string zone) => _ksk.KeyTag(zone);

    /// <summary>The DS (digest type 2) the parent must publish, in presentation form without owner.</summary>
    public string Ds(string zone) => _ksk.Ds(zone.TrimEnd('.'));

    /// <summary>The key-signing key's DNSKEY RDATA ("257 3 13 …"): a validator's trust anchor for the zone.</summary>
    public string Dnskey => _ksk.Dnskey;

    public static ZoneSigner LoadOrCreate(string zone, string? directory, TimeProvider time)
    {
        var path = directory is null ? null : Path.Combine(directory, "dnssec-" + zone.TrimEnd('.') + ".json");
        var stored = path is not null && File.Exists(path) ? JsonSerializer.Deserialize<StoredKey>(File.ReadAllText(path)) : null;
        var ksk = stored is null ? DnssecKey.Create(keySigning: true) : new DnssecKey(stored.Flags, stored.PublicKey, stored.PrivateKey);
        var zsk = stored is { ZskPublicKey: { } zp, ZskPrivateKey: { } zs } ? new DnssecKey(DnssecKey.ZoneSigningFlags, zp, zs) : DnssecKey.Create(keySigning: false);
        if (path is not null && (stored is null || stored.ZskPublicKey is null))
        {
            Directory.CreateDirectory(directory!);
            File.WriteAllText(path, JsonSerializer.Serialize(new StoredKey(ksk.Flags, DnssecKey.Algorithm, ksk.PublicKey, ksk.PrivateKey, zsk.PublicKey, zsk.PrivateKey)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new ZoneSigner(ksk, zsk, time);
    }

    /// <summary>The zone's records plus its DNSKEY, RRSIG and NSEC records (earlier ones dropped and made again).</summary>
    public IReadOnlyList<ResourceRecord> Sign(IReadOnlyList<ResourceRecord> records)
    {
        var soa = records.First(r => r.Type == RecordType.SOA);
        var apex = ArDomainName.Parse(soa.Name.ToString());
        var unsigned = records.Where(r => r.Type.Code is not (46 or 47 or 48 or 50 or 51)).ToList();
        var ar = unsigned.Select(r => PresentationRecords.Create(ArDomainName.Parse(r.Name.ToString()), r.Type.ToString(), (int)r.Ttl.Seconds, r.Data));
        return [.. unsigned, .. ZoneSigning.SignRecords(apex, ar, [_ksk], _zsk, _time.GetUtcNow(), (int)soa.Ttl.Seconds)];
    }
}
