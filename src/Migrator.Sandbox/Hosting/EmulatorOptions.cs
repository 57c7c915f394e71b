using System.Net;
using Migrator.Sandbox.Control;

namespace Migrator.Sandbox.Hosting;

/// <summary>A name server the emulator hands out to new zones; <see cref="IPv4"/> is the glue a lab TLD can use.</summary>
public sealed record NameServerSpec(string Name, IPAddress? IPv4 = null);

/// <summary>A domain "registered" with the emulated Route 53 Domains, with its current name servers.</summary>
public sealed record RegisteredDomainSpec(string Name, IReadOnlyList<string> NameServers);

/// <summary>The parent zone the emulated registrar updates by RFC 2136 (TSIG optional but recommended).</summary>
public sealed record ParentZoneSpec(IPEndPoint Server, string? TsigKeyName = null, string TsigAlgorithm = "hmac-sha256", string? TsigSecretBase64 = null, int DelegationTtl = 172800)
{
    public override string ToString() => $"ParentZoneSpec {{ Server = {Server}, TsigKeyName = {TsigKeyName}, TsigAlgorithm = {TsigAlgorithm}, DelegationTtl = {DelegationTtl} }}";
}

/// <summary>Everything the Route 53 emulator can be configured with. Defaults suit a standalone run.</summary>
public sealed class EmulatorOptions
{
    /// <summary>HTTP listen address of Route 53 and Route 53 Domains (same port), e.g. http://127.0.0.1:4566. Port 0 picks a free one.</summary>
    public string Url { get; set; } = "http://127.0.0.1:4566";

    /// <summary>Authoritative DNS listener (UDP+TCP); null disables it.</summary>
    public IPEndPoint? DnsEndPoint { get; set; }

    /// <summary>Directory for the JSON state snapshot; null keeps state in memory only.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Required in the X-Emulator-Token header of every control call under /_emulator/ (health excepted). Null: a random
    /// token per process, readable from <see cref="Emulator.ControlToken"/>.
    /// </summary>
    public string? ControlToken { get; set; }

    public string AccessKey { get; set; } = "sandbox";
    public string SecretKey { get; set; } = "sandbox";
    public string AccountId { get; set; } = "111122223333";
    public bool VerifySignatures { get; set; } = true;
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time from a change's submission until GetChange says INSYNC and the DNS listener serves it.</summary>
    public TimeSpan InsyncDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>TTL of the DNSKEY set of signing zones: Route 53's 3600 s; the sandbox and the lab shorten it so DNSSEC waits take seconds.</summary>
    public int DnskeyTtl { get; set; } = 3600;

    /// <summary>Reject a change to a zone while an earlier change to it is still PENDING.</summary>
    public bool PriorRequestNotComplete { get; set; } = true;

    /// <summary>Account-wide token bucket (AWS's current model: burst 50, refill 10/s). A refill of 0 disables throttling.</summary>
    public double RateLimitBurst { get; set; } = 50;
    public double RateLimitPerSecond { get; set; } = 10;

    /// <summary>Name servers for new zones. Empty: four random ns-N.awsdns-NN.{com,net,org,co.uk} per zone, as AWS does.</summary>
    public List<NameServerSpec> NameServers { get; set; } = [];

    public string SoaHostmaster { get; set; } = "awsdns-hostmaster.amazon.com.";
    public int MaxHostedZones { get; set; } = 500;
    public int MaxRecordSetsPerZone { get; set; } = 10_000;

    public List<RegisteredDomainSpec> Domains { get; set; } = [];
    public TimeSpan DomainOperationDelay { get; set; } = TimeSpan.FromSeconds(2);
    public ParentZoneSpec? ParentZone { get; set; }

    public List<FaultRule> Faults { get; set; } = [];

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
