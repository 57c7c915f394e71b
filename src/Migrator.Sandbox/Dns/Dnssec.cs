using System.Collections.Immutable;
using System.Globalization;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ResourceRecord = Migrator.Core.Zones.ResourceRecord;
using DomainName = ARSoft.Tools.Net.DomainName;
using Migrator.Sandbox.Domains;
using Migrator.Sandbox.Route53;
using RecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace Migrator.Sandbox.Dns;

/// <summary>
/// One ECDSA P-256/SHA-256 (algorithm 13) DNSSEC key as stored: flags 257 for a key-signing key (the key the parent's
/// DS names), 256 for a zone-signing key. The private key is ARSoft's encoding; it never leaves the emulator's state.
/// </summary>
public sealed record DnssecKey(int Flags, string PublicKey, string PrivateKey)
{
    public const int Algorithm = 13;
    public const int KeySigningFlags = 257;
    public const int ZoneSigningFlags = 256;

    /// <summary>
    /// A new key. About one key in 90 that ARSoft 3.6.1 makes (22 of 2,000 measured) has a 64-byte public key that
    /// names no point on P-256: validators find everything it signs bogus and ARSoft's own verifier throws "Point not
    /// on curve" (CI drew one). Such a key is never kept; another is drawn.
    /// </summary>
    public static DnssecKey Create(bool keySigning)
    {
        var flags = keySigning ? DnsKeyFlags.Zone | DnsKeyFlags.SecureEntryPoint : DnsKeyFlags.Zone;
        for (var attempt = 1; ; attempt++)
        {
            var key = DnsKeyRecord.CreateSigningKey(DomainName.Root, RecordClass.INet, 3600, flags, 3, DnsSecAlgorithm.EcDsaP256Sha256, 256);
            if (IsPointOnP256(key.PublicKey))
                return new DnssecKey((int)key.Flags, Convert.ToBase64String(key.PublicKey), Convert.ToBase64String(key.PrivateKey!));
            if (attempt == 20) throw new InvalidOperationException("ARSoft produced 20 ECDSA P-256 keys in a row whose public point is malformed");
        }
    }

    private static readonly Org.BouncyCastle.Math.EC.ECCurve P256 = Org.BouncyCastle.Asn1.Nist.NistNamedCurves.GetByName("P-256").Curve;

    /// <summary>Whether <paramref name="publicKey"/> is an algorithm-13 public key as RFC 6605 §4 writes it: x and y, 32 bytes each, on P-256.</summary>
    public static bool IsPointOnP256(byte[] publicKey)
    {
        if (publicKey.Length != 64) return false;
        try
        {
            return P256.CreatePoint(new Org.BouncyCastle.Math.BigInteger(1, publicKey, 0, 32), new Org.BouncyCastle.Math.BigInteger(1, publicKey, 32, 32)).IsValid();
        }
        catch (ArgumentException)
        {
            return false; // a coordinate outside the field
        }
    }

    public bool IsKeySigning => (Flags & 1) == 1;

    public int KeyTag(string owner) => DsDigest.Compute(owner, Flags, Algorithm, Convert.FromBase64String(PublicKey)).KeyTag;

    /// <summary>SHA-256 digest of the DNSKEY for <paramref name="owner"/>, upper-case hex.</summary>
    public string Digest(string owner) => DsDigest.Compute(owner, Flags, Algorithm, Convert.FromBase64String(PublicKey)).Digest;

    /// <summary>The DS record's RDATA (digest type 2) in presentation form: "tag 13 2 DIGEST".</summary>
    public string Ds(string owner) => string.Create(CultureInfo.InvariantCulture, $"{KeyTag(owner)} {Algorithm} 2 {Digest(owner)}");

    /// <summary>The DNSKEY record's RDATA in presentation form: "flags 3 13 base64".</summary>
    public string Dnskey => string.Create(CultureInfo.InvariantCulture, $"{Flags} 3 {Algorithm} {PublicKey}");

    internal DnsKeyRecord ToRecord(DomainName owner, int ttl) =>
        new(owner, RecordClass.INet, ttl, (DnsKeyFlags)Flags, 3, DnsSecAlgorithm.EcDsaP256Sha256,
            Convert.FromBase64String(PublicKey), Convert.FromBase64String(PrivateKey));
}

/// <summary>
/// Signs a whole zone the way an online signer does after each change: DNSKEY at the apex (signed by the key-signing
/// keys), an RRSIG for every authoritative RRset by the zone-signing key, and an NSEC chain over the owner names in
/// canonical order (RFC 4034 §6.1) for authenticated denial. Delegation NS sets and glue are not signed.
/// Signatures run from one hour back to thirty days ahead.
/// </summary>
public static class ZoneSigning
{
    public static readonly TimeSpan Backdate = TimeSpan.FromHours(1);
    public static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    /// <summary>The DNSSEC record sets (DNSKEY, RRSIG, NSEC) to serve beside <paramref name="records"/>.</summary>
    public static IReadOnlyList<RecordSetData> Sign(DomainName apex, IEnumerable<DnsRecordBase> records, IReadOnlyList<DnssecKey> keySigningKeys,
        DnssecKey zoneSigningKey, DateTimeOffset now, int dnskeyTtl) =>
        RecordSets.FromCore(SignRecords(apex, records, keySigningKeys, zoneSigningKey, now, dnskeyTtl));

    /// <summary>The DNSSEC records (DNSKEY, RRSIG, NSEC) to serve beside <paramref name="records"/>, in Core's form.</summary>
    public static IReadOnlyList<ResourceRecord> SignRecords(DomainName apex, IEnumerable<DnsRecordBase> records, IReadOnlyList<DnssecKey> keySigningKeys,
        DnssecKey zoneSigningKey, DateTimeOffset now, int dnskeyTtl)
    {
        if (keySigningKeys.Count == 0) throw new ArgumentException("at least one key-signing key is needed", nameof(keySigningKeys));
        var zone = new Zone(apex);
        // Earlier signatures (a zone served signed before) are never signed again.
        zone.AddRange(records.Where(r => r.RecordType is not (RecordType.RrSig or RecordType.NSec or RecordType.DnsKey or RecordType.NSec3 or RecordType.NSec3Param)));
        var keys = keySigningKeys.Select(k => k.ToRecord(apex, dnskeyTtl)).Append(zoneSigningKey.ToRecord(apex, dnskeyTtl)).ToList();
        var inception = (now - Backdate).UtcDateTime;
        var expiration = (now + Validity).UtcDateTime;
        var signed = zone.Sign(keys, inception, expiration, 0, 0, null, false).ToList();
        RepairSignatures(signed, keys);
        return signed.Where(r => r.RecordType is RecordType.RrSig or RecordType.NSec or RecordType.DnsKey)
            .Select(World.WorldUpdates.ToCore).ToList();
    }

    private static readonly System.Reflection.MethodInfo VerifyMethod = typeof(RrSigRecord)
        .GetMethod("Verify", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!
        .MakeGenericMethod(typeof(DnsRecordBase));
    private static readonly System.Reflection.MethodInfo ResignMethod = typeof(RrSigRecord)
        .GetMethod("Resign", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!;

    /// <summary>
    /// ARSoft 3.6.1's ECDSA signer writes an invalid signature for about 1 RRset in 100 (dnssec-verify: "No correct
    /// signature"; validators: bogus). Every signature is verified here and a bad one signed again (ECDSA is randomised)
    /// until it verifies. Reflection because ARSoft keeps Verify and Resign internal.
    /// </summary>
    private static void RepairSignatures(List<DnsRecordBase> signed, IReadOnlyList<DnsKeyRecord> keys)
    {
        var sets = signed.Where(r => r.RecordType != RecordType.RrSig)
            .GroupBy(r => (Name: r.Name.ToString().ToLowerInvariant(), r.RecordType)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var sig in signed.OfType<RrSigRecord>())
        {
            if (!sets.TryGetValue((sig.Name.ToString().ToLowerInvariant(), sig.TypeCovered), out var covered)) continue;
            var key = keys.Where(k => k.CalculateKeyTag() == sig.KeyTag).ToList();
            for (var attempt = 0; !(bool)VerifyMethod.Invoke(sig, [covered, key])!; attempt++)
            {
                if (attempt == 50) throw new InvalidOperationException($"could not sign {sig.Name} {sig.TypeCovered} with key {sig.KeyTag}");
                ResignMethod.Invoke(sig, [covered, key]);
            }
        }
    }
}

/// <summary>Groups Core records into Route 53-shaped record sets (one per owner and type) for <see cref="CompiledZone"/>.</summary>
public static class RecordSets
{
    public static IReadOnlyList<RecordSetData> FromCore(IEnumerable<ResourceRecord> records) =>
        records.GroupBy(r => (Name: r.Name.ToLowerString(), r.Type)).Select(group =>
        {
            var first = group.First();
            return new RecordSetData
            {
                Name = R53Name.Parse(first.Name.ToString()),
                Type = first.Type.ToString(),
                Ttl = first.Ttl.Seconds,
                Values = [.. group.Select(r => r.Data).Distinct(StringComparer.Ordinal)],
            };
        }).ToList();

    public static ZoneRecords ToZoneRecords(IEnumerable<RecordSetData> sets)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<RecordSetKey, RecordSetData>();
        foreach (var set in sets) builder[set.Key] = set;
        return new ZoneRecords(builder.ToImmutable());
    }
}
