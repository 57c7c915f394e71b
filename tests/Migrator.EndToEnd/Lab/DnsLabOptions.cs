namespace Migrator.EndToEnd.Lab;

/// <summary>What a lab instance serves. TTLs are chosen per test so waits stay short.</summary>
public sealed record DnsLabOptions
{
    /// <summary>TTL of the example.lab NS delegation in the TLD zone.</summary>
    public uint DelegationTtl { get; init; } = 86400;
    /// <summary>TTL of the apex NS RRset inside both providers' example.lab zones.</summary>
    public uint ApexNsTtl { get; init; } = 15;
    /// <summary>Default TTL of records in the example.lab zones.</summary>
    public uint RecordTtl { get; init; } = 10;
    /// <summary>Adds ns1.lame-dns.lab (an address that is not authoritative for example.lab) to the parent's NS set only.</summary>
    public bool LameServerAtParent { get; init; }
    /// <summary>Writes _migrator-canary TXT ("migrator-canary=old;id=lab" / "=new") into the zone files.</summary>
    public bool IncludeCanary { get; init; } = true;
    /// <summary>The new provider starts with a copy of the old zone's records (apex SOA/NS excepted).</summary>
    public bool CopyOldRecordsToNew { get; init; } = true;
    /// <summary>Edits applied to the copied records of the new zone (zone-file text relative to example.lab.).</summary>
    public Func<string, string>? EditNewRecords { get; init; }
    /// <summary>Extra generated names h0..h(N-1) with A records in both zones.</summary>
    public int GeneratedNames { get; init; }
    public bool StartResolver { get; init; } = true;
    /// <summary>
    /// More zones like example.lab at the old provider (labels under lab., e.g. "kill-a"): same records, own SOA, delegated
    /// by the TLD to the old servers with <see cref="DelegationTtl"/>, dynamic with old-key. Not at the new provider.
    /// </summary>
    public IReadOnlyList<string> ExtraZones { get; init; } = [];
    /// <summary>
    /// The lab root and the TLD lab. are signed by BIND (dnssec-policy, ECDSA P-256, DNSKEY TTL 2 s, negative TTL 2 s; RFC
    /// 2136 updates are re-signed), the root holds the DS of lab., and unbound validates from the root's key as its trust
    /// anchor (<see cref="DnsLab.RootTrustAnchor"/>).
    /// </summary>
    public bool SignTld { get; init; }
}
