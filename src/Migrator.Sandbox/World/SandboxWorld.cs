using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Migrator.Core.Zones;
using Migrator.Sandbox.Hosting;
using CoreDomainName = Migrator.Core.Zones.DomainName;
using CoreRecordType = Migrator.Core.Zones.RecordType;

namespace Migrator.Sandbox.World;

/// <summary>
/// A small real DNS internet on loopback: root, the TLD example., the old provider with the demo zones (AXFR and
/// RFC 2136 under TSIG), and caching resolvers. Route 53 is the emulator, started by its host on
/// <see cref="Route53EndPoint"/>; its name servers and glue are published in the TLD. Zones and keys persist in
/// <see cref="WorldOptions.DataDirectory"/>; <see cref="ResetAsync"/> returns to the first state (keys kept).
/// </summary>
public sealed class SandboxWorld : IAsyncDisposable
{
    private readonly List<WorldDnsServer> _servers = [];
    private readonly List<DnsServer> _resolverServers = [];
    private readonly Dictionary<string, WorldZone> _zones = new(StringComparer.Ordinal);
    private readonly ZoneSigner _signer;
    private readonly string? _zoneDirectory;

    private SandboxWorld(WorldOptions options, int port, WorldKeys keys)
    {
        Options = options;
        Port = port;
        Keys = keys;
        _zoneDirectory = options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "zones");
        if (_zoneDirectory is not null) Directory.CreateDirectory(_zoneDirectory);
        _signer = ZoneSigner.LoadOrCreate(DemoZones.Signed, options.DataDirectory, options.TimeProvider);
        Resolvers =
        [
            new CachingResolver("resolver-a", options.RootAddress, port, options.TimeProvider),
            new CachingResolver("resolver-b", options.RootAddress, port, options.TimeProvider),
            new CachingResolver("isp-floor", options.RootAddress, port, options.TimeProvider, options.IspTtlFloor),
        ];
    }

    public WorldOptions Options { get; }

    /// <summary>The one port every server of the world listens on (UDP and TCP).</summary>
    public int Port { get; }

    public WorldKeys Keys { get; }
    public IReadOnlyList<CachingResolver> Resolvers { get; }
    public IReadOnlyList<WorldDnsServer> Servers => _servers;
    public IReadOnlyDictionary<string, WorldZone> Zones => _zones;

    public IPEndPoint RootEndPoint => new(Options.RootAddress, Port);
    public IPEndPoint TldEndPoint => new(Options.TldAddress, Port);
    public IPEndPoint OldProviderEndPoint => new(Options.OldProviderAddress, Port);
    public IPEndPoint Route53EndPoint => new(Options.Route53Address, Port);
    public IPEndPoint ResolverEndPoint(int index) => new(Options.ResolverAddress(index), Port);
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>
    /// What the Route 53 emulator needs to join the world: its DNS address (same port as the world), name servers
    /// published in the TLD, the demo domains at Route 53 Domains, and the TLD as the parent it updates by RFC 2136.
    /// <paramref name="world"/> must have a fixed port (see <see cref="ChoosePort"/>).
    /// </summary>
    public static void ConfigureEmulator(EmulatorOptions emulator, WorldOptions world, WorldKeys keys)
    {
        if (world.Port == 0) throw new InvalidOperationException("choose the world's port before configuring the emulator");
        emulator.DnsEndPoint = new IPEndPoint(world.Route53Address, world.Port);
        emulator.NameServers = DemoZones.Route53NameServers.Select(n => new NameServerSpec(n.TrimEnd('.'), world.Route53Address)).ToList();
        emulator.Domains = RegisteredDomains().ToList();
        var registrar = keys[WorldKeys.Registrar];
        emulator.ParentZone = new ParentZoneSpec(new IPEndPoint(world.TldAddress, world.Port), registrar.Name, registrar.Algorithm, registrar.SecretBase64, world.DelegationTtl);
        emulator.DnskeyTtl = world.DnskeyTtl;
    }

    /// <summary>The demo domains at the emulated Route 53 Domains, with the old provider's name servers (first state).</summary>
    public static IEnumerable<RegisteredDomainSpec> RegisteredDomains() =>
        DemoZones.AtRoute53Domains.Select(d => new RegisteredDomainSpec(d.TrimEnd('.'), DemoZones.OldProviderNameServers.Select(n => n.TrimEnd('.')).ToList()));

    /// <summary>Starts the world; with port 0 picks one free on every address (retrying if another process takes it).</summary>
    public static async Task<SandboxWorld> StartAsync(WorldOptions options, CancellationToken ct = default)
    {
        var keys = WorldKeys.LoadOrCreate(options.DataDirectory);
        for (var attempt = 0; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort(options);
            var world = new SandboxWorld(options, port, keys);
            try
            {
                world.LoadZones();
                world.StartServers();
                world.StartedAt = options.TimeProvider.GetUtcNow();
                return world;
            }
            catch (SocketException e) when (options.Port == 0 && attempt < 10)
            {
                _ = e;
                await world.DisposeAsync();
            }
            catch (SocketException e)
            {
                await world.DisposeAsync();
                throw new InvalidOperationException($"the sandbox world could not bind port {port} on {options.AddressPrefix}.x: {e.SocketErrorCode}", e);
            }
        }
    }

    private void LoadZones()
    {
        foreach (var (apex, first) in FirstState())
        {
            var name = CoreDomainName.Parse(apex);
            var file = _zoneDirectory is null ? null : Path.Combine(_zoneDirectory, (apex == "." ? "root" : apex.TrimEnd('.')) + ".zone");
            var text = file is not null && File.Exists(file) ? File.ReadAllText(file) : first;
            var records = WorldZone.Parse(text, name, file ?? apex);
            var zone = new WorldZone(name, records, file, apex == DemoZones.Signed ? _signer.Sign : null);
            if (file is not null && !File.Exists(file)) zone.Replace(records);
            _zones[apex] = zone;
        }
    }

    private IEnumerable<(string Apex, string Text)> FirstState()
    {
        yield return (".", DemoZones.Root(Options));
        yield return (DemoZones.Tld, DemoZones.TldZone(Options, [_signer.Ds(DemoZones.Signed)]));
        yield return (DemoZones.Shop, DemoZones.ShopZone(Options));
        yield return (DemoZones.Legacy, DemoZones.LegacyZone(Options));
        yield return (DemoZones.Signed, DemoZones.SignedZone(Options));
    }

    private void StartServers()
    {
        var o = Options;
        _servers.Add(new WorldDnsServer("root", new IPEndPoint(o.RootAddress, Port), [new(_zones["."], null, null)], Keys));
        _servers.Add(new WorldDnsServer("tld", new IPEndPoint(o.TldAddress, Port), [new(_zones[DemoZones.Tld], null, WorldKeys.Registrar)], Keys));
        _servers.Add(new WorldDnsServer("old-provider", new IPEndPoint(o.OldProviderAddress, Port),
            DemoZones.Demo.Select(z => new HostedWorldZone(_zones[z], WorldKeys.OldTransfer, WorldKeys.OldUpdate)).ToList(), Keys));
        foreach (var s in _servers) s.Start();
        for (var i = 0; i < Resolvers.Count; i++)
        {
            var resolver = Resolvers[i];
            var endPoint = ResolverEndPoint(i);
            var server = new DnsServer(new UdpServerTransport(endPoint), new TcpServerTransport(endPoint));
            server.QueryReceived += async (_, e) => { if (e.Query is DnsMessage q) e.Response = await resolver.AnswerAsync(q); };
            server.Start();
            _resolverServers.Add(server);
        }
    }

    /// <summary>The delegation of <paramref name="domain"/> as the TLD holds it now (NS names, DS present).</summary>
    public (IReadOnlyList<string> NameServers, int Ttl, IReadOnlyList<string> Ds) DelegationAtTld(string domain)
    {
        var owner = CoreDomainName.Parse(domain.EndsWith('.') ? domain : domain + ".");
        var records = _zones[DemoZones.Tld].Records;
        var ns = records.Where(r => r.Name == owner && r.Type == CoreRecordType.NS).ToList();
        return (ns.Select(r => r.Data).ToList(), ns.Count == 0 ? 0 : (int)ns[0].Ttl.Seconds,
            records.Where(r => r.Name == owner && r.Type == CoreRecordType.DS).Select(r => r.Data).ToList());
    }

    /// <summary>
    /// The manual registrar: replaces the NS set of <paramref name="domain"/> at the TLD, with glue for in-bailiwick
    /// names. Expected refusals come back as a message; null means done.
    /// </summary>
    public string? SetDelegationManually(string domain, IReadOnlyList<string> nameServers)
    {
        var zoneName = domain.Trim().TrimEnd('.').ToLowerInvariant() + ".";
        if (!DemoZones.AtManualRegistrar.Contains(zoneName)) return $"{zoneName} is not registered at the manual registrar.";
        var names = new List<CoreDomainName>();
        foreach (var n in nameServers.Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            if (!CoreDomainName.TryParse(n.EndsWith('.') ? n : n + ".", null, out var parsed, out var error)) return $"'{n}' is not a host name: {error}";
            if (parsed.LabelCount < 2) return $"'{n}' is not a host name.";
            names.Add(parsed);
        }
        if (names.Count is < 2 or > 13) return "Enter between 2 and 13 name servers.";
        var owner = CoreDomainName.Parse(zoneName);
        if (names.Any(n => n.IsSubdomainOf(owner) || n == owner)) return "Name servers inside the domain need glue, which this registrar does not take; use names outside it.";
        var tld = _zones[DemoZones.Tld];
        tld.Update(records =>
        {
            var next = records.Where(r => !(r.Name == owner && r.Type == CoreRecordType.NS)).ToList();
            next.AddRange(names.Distinct().Select(n => new ResourceRecord(owner, CoreRecordType.NS, new Ttl((uint)Options.DelegationTtl), n.ToString())));
            var soa = next.FindIndex(r => r.Type == CoreRecordType.SOA);
            var f = next[soa].Data.Split(' ');
            f[2] = (uint.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            next[soa] = next[soa] with { Data = string.Join(' ', f) };
            return (next, true);
        });
        return null;
    }

    /// <summary>Back to the first state: zones as shipped, caches empty. TSIG and DNSSEC keys stay.</summary>
    public Task ResetAsync()
    {
        foreach (var (apex, text) in FirstState())
            _zones[apex].Replace(WorldZone.Parse(text, CoreDomainName.Parse(apex), apex));
        foreach (var r in Resolvers) r.Flush();
        return Task.CompletedTask;
    }

    /// <summary>A port free for UDP and TCP on the root's address now; the world retries another if it is taken by start.</summary>
    public static int ChoosePort(WorldOptions o) => FreePort(o);

    private static int FreePort(WorldOptions o)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(o.RootAddress, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { tcp.Bind(new IPEndPoint(o.RootAddress, port)); return port; }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no free loopback port for the sandbox world");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var s in _servers) s.Dispose();
        foreach (var s in _resolverServers) Dns.DnsServerStop.Quietly(s);
        return ValueTask.CompletedTask;
    }
}
