using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Tsig;
using Migrator.Sandbox.World;

namespace Migrator.Web.Sandbox;

/// <summary>
/// In sandbox mode, a new plan for a demo zone starts filled in for the world: AXFR and RFC 2136 at the old provider
/// with the world's keys (by name), the registrar the zone is really at (Route 53 Domains, or the manual registrar
/// observed at the TLD), the emulator's account and the ISP-like resolver's floor. Null for other zones.
/// </summary>
public sealed class SandboxPlanDefaults(WorldOptions world)
{
    public MigrationPlanAnswers? For(string zone)
    {
        var name = zone.Trim().TrimEnd('.').ToLowerInvariant() + ".";
        if (!DemoZones.Demo.Contains(name)) return null;
        var old = $"{world.OldProviderAddress}:{world.Port}";
        var tld = $"{world.TldAddress}:{world.Port}";
        var manual = DemoZones.AtManualRegistrar.Contains(name);
        return new MigrationPlanAnswers
        {
            Source = new ZoneSourceChoice(ZoneSourceKind.Axfr, old, WorldKeys.OldTransfer),
            Writer = new ZoneWriterChoice(ZoneWriterKind.Rfc2136, old, WorldKeys.OldUpdate),
            Delegation = manual
                ? new DelegationChangerChoice(DelegationChangerKind.Manual, DemoZones.Tld, null, null, [tld], "Example Registrar (sandbox page /sandbox/registrar)")
                : new DelegationChangerChoice(DelegationChangerKind.Route53Domains, DemoZones.Tld, null, null, [tld]),
            OldServers = [old],
            Resolvers = ProbeResolvers,
            AwsAccount = "sandbox",
            TargetTtlSeconds = (uint)world.RecordTtl,
            IspTtlFloorSeconds = (uint)world.IspTtlFloor,
            FinalDelegationTtlSeconds = (uint)world.DelegationTtl * 10,
        };
    }

    /// <summary>The resolvers propagation is measured with in the sandbox (IP:port), the ISP-like one last.</summary>
    public IReadOnlyList<string> ProbeResolvers => Enumerable.Range(0, 3).Select(i => $"{world.ResolverAddress(i)}:{world.Port}").ToList();
}

/// <summary>The world's TSIG keys first, then the configured ones: plans name sandbox keys without anyone copying secrets.</summary>
public sealed class SandboxTsigKeyStore(WorldKeys world, ITsigKeyStore configured) : ITsigKeyStore
{
    public bool Contains(string name) => world.Find(name) is not null || configured.Contains(name);

    public TsigKey? Find(string name) => world.Find(name)?.ToTsigKey() ?? configured.Find(name);
}
