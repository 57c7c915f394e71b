using System.Net;

namespace Migrator.Sandbox.World;

/// <summary>
/// Where the sandbox world listens and how its demo zones are timed. Invariant: every address is in 127.0.0.0/8 and
/// all servers share <see cref="Port"/> (each on its own loopback address), so a resolver can follow a referral to
/// any of them with the port it already knows.
/// </summary>
public sealed class WorldOptions
{
    /// <summary>First three octets of the world's addresses, e.g. "127.77.0" gives root 127.77.0.1, TLD .2, old provider .3.</summary>
    public string AddressPrefix { get; set; } = "127.77.0";

    /// <summary>UDP+TCP port of every server of the world; 0 picks one that is free on every address.</summary>
    public int Port { get; set; }

    /// <summary>Directory of the world's zones and keys; null keeps the world in memory (tests).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>TTL of the demo zones' delegations at the TLD (and of their apex NS at the old provider).</summary>
    public int DelegationTtl { get; set; } = 30;

    /// <summary>TTL of the demo zones' ordinary records.</summary>
    public int RecordTtl { get; set; } = 20;

    /// <summary>SOA minimum of the demo zones: how long resolvers cache "no such name" (RFC 2308).</summary>
    public int NegativeTtl { get; set; } = 10;

    /// <summary>
    /// TTL of the DNSKEY set the Route 53 emulator serves for signing zones (Route 53's is 3600 s, scaled to seconds like
    /// the rest of the world): DNSSEC waits for it before the DS goes to the parent.
    /// </summary>
    public int DnskeyTtl { get; set; } = 30;

    /// <summary>The floor the ISP-like resolver lifts every TTL to (the article's ISP, scaled to seconds).</summary>
    public int IspTtlFloor { get; set; } = 90;

    /// <summary>
    /// TTLs of legacy.example's records that sit above the migration policy (the article's day-long TTLs, scaled like
    /// the rest of the world): <see cref="RecordTtl"/> × 3 and × 6.
    /// </summary>
    public IReadOnlyList<int> LongTtls => [RecordTtl * 3, RecordTtl * 6];

    /// <summary>The problems with the timing settings, in words (config key names); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string key, int value, int min, int max)
        {
            if (value < min || value > max) errors.Add($"Migrator:Sandbox:World:{key} must be {min}–{max} s, not {value}");
        }
        Range(nameof(DelegationTtl), DelegationTtl, 1, 86400);
        Range(nameof(RecordTtl), RecordTtl, 1, 3600);
        Range(nameof(NegativeTtl), NegativeTtl, 1, 3600);
        Range(nameof(IspTtlFloor), IspTtlFloor, 0, 86400);
        Range(nameof(DnskeyTtl), DnskeyTtl, 1, 86400);
        if (Port is < 0 or > 65535) errors.Add($"Migrator:Sandbox:World:Port must be 0–65535, not {Port}");
        return errors;
    }

    /// <summary>Drives the resolvers' caches and TSIG time checks; faked in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public IPAddress Address(int last)
    {
        var ip = IPAddress.Parse($"{AddressPrefix}.{last}");
        var bytes = ip.GetAddressBytes();
        if (bytes[0] != 127) throw new InvalidOperationException($"the sandbox world binds only 127.0.0.0/8, not {ip}");
        return ip;
    }

    public IPAddress RootAddress => Address(1);
    public IPAddress TldAddress => Address(2);
    public IPAddress OldProviderAddress => Address(3);
    public IPAddress Route53Address => Address(4);
    public IPAddress ResolverAddress(int index) => Address(11 + index);
}
