namespace Migrator.Sandbox.World;

/// <summary>One server of the world as the world view shows it.</summary>
public sealed record WorldServerView(string Role, string Address, int Port, IReadOnlyList<string> NameServerNames, IReadOnlyList<string> Zones);

/// <summary>A demo zone: who registers it, and the delegation the TLD publishes now.</summary>
public sealed record WorldDelegationView(string Zone, string Registrar, IReadOnlyList<string> NameServersAtTld, int DelegationTtl,
    IReadOnlyList<string> DsAtTld, uint? OldProviderSerial, bool SignedAtOldProvider);

/// <summary>A caching resolver and its live entries for the demo zones.</summary>
public sealed record WorldResolverView(string Name, string Address, int Port, int TtlFloor, long UpstreamQueries, IReadOnlyList<ResolverCacheEntry> CacheEntries);

/// <summary>A TSIG key by name only: the secret stays in the world's key store.</summary>
public sealed record WorldKeyView(string Name, string Algorithm, string Use);

/// <summary>Everything an Admin (or <c>migrator sandbox info</c>) sees of the world; never carries a secret.</summary>
public sealed record WorldView(int Port, DateTimeOffset StartedAt, IReadOnlyList<WorldServerView> Servers, IReadOnlyList<WorldDelegationView> Delegations,
    IReadOnlyList<WorldResolverView> Resolvers, IReadOnlyList<WorldKeyView> TsigKeys, int RecordTtl, int NegativeTtl, int DelegationTtl, int IspTtlFloor);

public static class WorldViews
{
    public static WorldView Describe(this SandboxWorld world)
    {
        var o = world.Options;
        var servers = new List<WorldServerView>
        {
            new("root", o.RootAddress.ToString(), world.Port, ["a.root-servers.example."], ["."]),
            new("tld", o.TldAddress.ToString(), world.Port, ["ns1.nic.example."], [DemoZones.Tld]),
            new("old-provider", o.OldProviderAddress.ToString(), world.Port, [.. DemoZones.OldProviderNameServers], [.. DemoZones.Demo]),
            new("route53", o.Route53Address.ToString(), world.Port, [.. DemoZones.Route53NameServers], ["(hosted zones of the Route 53 emulator)"]),
        };
        for (var i = 0; i < world.Resolvers.Count; i++)
            servers.Add(new("resolver", o.ResolverAddress(i).ToString(), world.Port, [world.Resolvers[i].Name], []));
        var delegations = DemoZones.Demo.Select(z =>
        {
            var (ns, ttl, ds) = world.DelegationAtTld(z);
            world.Zones.TryGetValue(z, out var zone);
            return new WorldDelegationView(z, DemoZones.AtManualRegistrar.Contains(z) ? "manual registrar" : "Route 53 Domains",
                ns, ttl, ds, zone?.Serial, zone?.IsSigned ?? false);
        }).ToList();
        var resolvers = world.Resolvers.Select((r, i) => new WorldResolverView(r.Name, o.ResolverAddress(i).ToString(), world.Port, r.TtlFloor, r.UpstreamQueries,
            DemoZones.Demo.SelectMany(r.Entries).ToList())).ToList();
        return new WorldView(world.Port, world.StartedAt, servers, delegations, resolvers,
            world.Keys.All.Select(k => new WorldKeyView(k.Name, k.Algorithm, k.Use)).ToList(), o.RecordTtl, o.NegativeTtl, o.DelegationTtl, o.IspTtlFloor);
    }
}
