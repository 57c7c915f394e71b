using System.Net;
using System.Net.Sockets;
using Migrator.Core.Zones;

namespace Migrator.Core.Probing;

/// <summary>Settings of the inspector. Invariant: port 1–65535, depth ≥ 1.</summary>
public sealed record DelegationInspectorOptions(int NameServerPort = 53, bool UseIPv6 = false, int MaxReferrals = 16)
{
    public static readonly DelegationInspectorOptions Default = new();
}

/// <summary>
/// Walks down from the root (or starts at the parent's servers) without recursion, following referrals by glue and
/// resolving out-of-bailiwick name server names by a separate walk, then asks every child server directly.
/// </summary>
public sealed class DelegationInspector(IDnsProbe probe, DelegationInspectorOptions? options = null)
{
    private readonly DelegationInspectorOptions _options = options ?? DelegationInspectorOptions.Default;

    private sealed record Server(DomainName? Name, DnsEndpoint Endpoint)
    {
        public string Label => Name?.ToString() ?? Endpoint.ToString();
    }

    public async Task<DelegationReport> InspectAsync(DomainName zone, IReadOnlyList<DnsEndpoint> rootHints, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rootHints.Count);
        var findings = new List<DelegationFinding>();
        var walk = await FindParentAsync(zone, rootHints, findings, cancellationToken).ConfigureAwait(false);
        if (walk is null)
            return Empty(zone, null, [], findings);
        return await InspectAtParentAsync(zone, walk.Value.ParentZone, walk.Value.Servers, rootHints, findings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inspects starting at the given parent servers (no walk from the root for the delegation itself).</summary>
    public Task<DelegationReport> InspectFromParentAsync(DomainName zone, IReadOnlyList<DnsEndpoint> parentServers,
        IReadOnlyList<DnsEndpoint> rootHints, CancellationToken cancellationToken = default) =>
        InspectAtParentAsync(zone, zone.IsRoot ? DomainName.Root : zone.Parent(), parentServers.Select(s => new Server(null, s)).ToList(),
            rootHints, [], cancellationToken);

    private async Task<DelegationReport> InspectAtParentAsync(DomainName zone, DomainName parentZone, IReadOnlyList<Server> parentServers,
        IReadOnlyList<DnsEndpoint> rootHints, List<DelegationFinding> findings, CancellationToken ct)
    {
        // 1. the parent's view, asked at every parent server
        ProbeResult? delegation = null;
        var parentSets = new List<(Server Server, string[] Ns)>();
        foreach (var ps in parentServers)
        {
            var r = await probe.QueryAsync(ps.Endpoint, zone, RecordType.NS, ProbeOptions.Default, ct).ConfigureAwait(false);
            var ns = DelegationNs(zone, r);
            if (ns.Count == 0)
            {
                findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error,
                    $"parent server {ps.Label} gave no delegation for {zone}: {Describe(r)}", ps.Label));
                continue;
            }
            delegation ??= r;
            parentSets.Add((ps, ns.Select(n => n.Data.ToLowerInvariant()).Order().ToArray()));
        }
        if (parentSets.Select(p => string.Join(' ', p.Ns)).Distinct().Count() > 1)
            findings.Add(new DelegationFinding("DELEG07", FindingSeverity.Warning,
                "parent servers disagree on the NS set: " + string.Join("; ", parentSets.Select(p => $"{p.Server.Label}: {string.Join(' ', p.Ns)}"))));
        var parentServerView = parentServers.Select(s => new NameServerAddresses(s.Label, [s.Endpoint.ToString()])).ToList();
        if (delegation is null) return Empty(zone, parentZone, parentServerView, findings);

        var parentNsRecords = DelegationNs(zone, delegation);
        var parentNs = parentNsRecords.Select(r => DomainName.Parse(r.Data)).Distinct().Order().ToList();
        var parentNsTtl = parentNsRecords.Min(r => r.Ttl.Seconds);
        var glue = parentNs
            .Select(n => new NameServerAddresses(n.ToString(), Addresses(delegation.Additionals, n).Select(a => a.ToString()).ToList()))
            .Where(g => g.Addresses.Count > 0).ToList();

        // 2. DS at the parent
        var dsResult = await probe.QueryAsync(delegation.Server, zone, RecordType.DS, ProbeOptions.Default, ct).ConfigureAwait(false);
        var ds = dsResult.AnswerSet.Select(r => r.Data).Order(StringComparer.Ordinal).ToList();

        // 3. every child server (parent's NS names, later also names only the child lists)
        var addressCache = new Dictionary<DomainName, IReadOnlyList<IPAddress>>();
        async Task<IReadOnlyList<IPAddress>> AddressesOf(DomainName ns)
        {
            if (addressCache.TryGetValue(ns, out var known)) return known;
            var fromGlue = Addresses(delegation.Additionals, ns);
            IReadOnlyList<IPAddress> list = fromGlue.Count > 0 ? fromGlue : await ResolveAsync(ns, rootHints, 0, ct).ConfigureAwait(false);
            addressCache[ns] = list;
            return list;
        }

        var servers = new List<ChildServerReport>();
        var asked = new HashSet<(DomainName, IPAddress)>();
        async Task AskAll(IEnumerable<DomainName> names)
        {
            foreach (var ns in names)
            {
                var addrs = await AddressesOf(ns).ConfigureAwait(false);
                if (addrs.Count == 0)
                {
                    findings.Add(new DelegationFinding("DELEG01", FindingSeverity.Error, $"name server {ns} has no address", ns.ToString()));
                    continue;
                }
                foreach (var a in addrs)
                    if (asked.Add((ns, a)))
                        servers.Add(await AskChildAsync(zone, ns, new DnsEndpoint(a, _options.NameServerPort), ct).ConfigureAwait(false));
            }
        }
        await AskAll(parentNs).ConfigureAwait(false);

        var authoritative = servers.Where(s => !s.IsLame).ToList();
        var childSets = authoritative.Select(s => string.Join(' ', s.NsSet)).Distinct().ToList();
        var childNs = authoritative.SelectMany(s => s.NsSet).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var childNsTtl = authoritative.Where(s => s.NsTtl is not null).Select(s => s.NsTtl).Min();
        var childOnly = childNs.Select(n => DomainName.Parse(n)).Where(n => !parentNs.Contains(n)).ToList();
        await AskAll(childOnly).ConfigureAwait(false);

        // 4. findings
        foreach (var s in servers.Where(s => s.IsLame))
            findings.Add(new DelegationFinding("DELEG01", FindingSeverity.Error,
                $"lame server {s.Name} ({s.Address}): {s.Error ?? (s.ResponseCode != "NOERROR" ? s.ResponseCode : "answer without the AA bit")}",
                $"{s.Name} {s.Address}"));

        var parentSet = parentNs.Select(n => n.ToLowerString()).Order(StringComparer.Ordinal).ToList();
        if (authoritative.Count > 0 && !parentSet.SequenceEqual(childNs.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)))
        {
            var onlyParent = parentSet.Except(childNs.Select(n => n.ToLowerInvariant()));
            var onlyChild = childNs.Select(n => n.ToLowerInvariant()).Except(parentSet);
            findings.Add(new DelegationFinding("DELEG02", FindingSeverity.Warning,
                $"NS sets differ between parent and child: only at parent [{string.Join(", ", onlyParent)}], only at child [{string.Join(", ", onlyChild)}]"));
        }
        if (childSets.Count > 1)
            findings.Add(new DelegationFinding("DELEG05", FindingSeverity.Warning,
                "child servers disagree on the NS set: " + string.Join("; ", authoritative.Select(s => $"{s.Name} ({s.Address}): {string.Join(' ', s.NsSet)}"))));

        foreach (var g in glue)
        {
            var ns = DomainName.Parse(g.Name);
            IReadOnlyList<IPAddress> actual;
            if (ns.IsSubdomainOf(zone))
            {
                var child = authoritative.FirstOrDefault();
                if (child is null) continue;
                var ep = new DnsEndpoint(IPAddress.Parse(child.Address), _options.NameServerPort);
                var r = await probe.QueryAsync(ep, ns, RecordType.A, ProbeOptions.Default, ct).ConfigureAwait(false);
                actual = r.AnswerSet.Select(x => IPAddress.Parse(x.Data)).ToList();
                if (_options.UseIPv6)
                {
                    var r6 = await probe.QueryAsync(ep, ns, RecordType.AAAA, ProbeOptions.Default, ct).ConfigureAwait(false);
                    actual = actual.Concat(r6.AnswerSet.Select(x => IPAddress.Parse(x.Data))).ToList();
                }
            }
            else actual = await ResolveAsync(ns, rootHints, 0, ct).ConfigureAwait(false);
            var glueSet = g.Addresses.Order(StringComparer.Ordinal).ToList();
            var actualSet = actual.Select(a => a.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!glueSet.SequenceEqual(actualSet))
                findings.Add(new DelegationFinding("DELEG03", FindingSeverity.Warning,
                    $"glue for {ns} is [{string.Join(", ", glueSet)}] but its address records are [{string.Join(", ", actualSet)}]", ns.ToString()));
        }

        var serials = authoritative.Where(s => s.SoaSerial is not null).Select(s => s.SoaSerial!.Value).Distinct().ToList();
        if (serials.Count > 1)
            findings.Add(new DelegationFinding("DELEG04", FindingSeverity.Warning,
                "SOA serials differ: " + string.Join(", ", authoritative.Select(s => $"{s.Name} ({s.Address}) {s.SoaSerial}"))));

        if (ds.Count > 0) await CheckDsAsync(zone, ds, authoritative, findings, ct).ConfigureAwait(false);

        return new DelegationReport(zone.ToString(), parentZone.ToString(), parentServerView,
            parentNs.Select(n => n.ToString()).ToList(), parentNsTtl, glue, ds, childNs, childNsTtl, servers, findings);
    }

    private async Task CheckDsAsync(DomainName zone, IReadOnlyList<string> ds, IReadOnlyList<ChildServerReport> authoritative,
        List<DelegationFinding> findings, CancellationToken ct)
    {
        var child = authoritative.FirstOrDefault();
        if (child is null) return;
        var r = await probe.QueryAsync(new DnsEndpoint(IPAddress.Parse(child.Address), _options.NameServerPort), zone, RecordType.DNSKEY,
            ProbeOptions.Default, ct).ConfigureAwait(false);
        var keyTags = r.AnswerSet.Select(k => DnssecKeyTag.FromPresentation(k.Data)).Where(t => t is not null).ToHashSet();
        var dsTags = ds.Select(d => ushort.TryParse(d.Split(' ')[0], out var t) ? t : (ushort?)null).ToHashSet();
        if (keyTags.Count == 0)
            findings.Add(new DelegationFinding("DELEG06", FindingSeverity.Error, $"the parent publishes DS but {child.Name} serves no DNSKEY"));
        else if (!dsTags.Overlaps(keyTags))
            findings.Add(new DelegationFinding("DELEG06", FindingSeverity.Error,
                $"no DS key tag [{string.Join(", ", dsTags)}] matches a DNSKEY key tag [{string.Join(", ", keyTags)}]"));
    }

    private async Task<ChildServerReport> AskChildAsync(DomainName zone, DomainName ns, DnsEndpoint ep, CancellationToken ct)
    {
        var soaTask = probe.QueryAsync(ep, zone, RecordType.SOA, ProbeOptions.Default, ct);
        var nsTask = probe.QueryAsync(ep, zone, RecordType.NS, ProbeOptions.Default, ct);
        var soa = await soaTask.ConfigureAwait(false);
        var nsr = await nsTask.ConfigureAwait(false);
        var error = soa.Error is not ProbeErrorKind.None ? $"{soa.Error}: {soa.ErrorMessage}"
            : nsr.Error is not ProbeErrorKind.None ? $"{nsr.Error}: {nsr.ErrorMessage}" : null;
        uint? serial = soa.AnswerSet.Count > 0 && uint.TryParse(soa.AnswerSet[0].Data.Split(' ')[2], out var s) ? s : null;
        var nsSet = nsr.Authoritative ? nsr.AnswerSet.Select(r => r.Data).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList() : [];
        return new ChildServerReport(ns.ToString(), ep.ToString(), soa.ResponseCode, soa.Authoritative && nsr.Authoritative, nsSet,
            nsr.AnswerSet.Count > 0 ? nsr.AnswerSet.Min(r => r.Ttl.Seconds) : null, serial, error, soa.Latency.TotalMilliseconds);
    }

    /// <summary>Follows referrals from the root to the servers of the zone's parent.</summary>
    private async Task<(DomainName ParentZone, IReadOnlyList<Server> Servers)?> FindParentAsync(DomainName zone, IReadOnlyList<DnsEndpoint> hints,
        List<DelegationFinding> findings, CancellationToken ct)
    {
        var current = DomainName.Root;
        IReadOnlyList<Server> servers = hints.Select(h => new Server(null, h)).ToList();
        for (var step = 0; step < _options.MaxReferrals; step++)
        {
            var (r, errors) = await AskFirstAsync(servers, zone, RecordType.NS, ct).ConfigureAwait(false);
            if (r is null)
            {
                findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"no server of {current} answered: {string.Join("; ", errors)}"));
                return null;
            }
            if (r.IsReferral)
            {
                var cut = r.Authorities.First(a => a.Type == RecordType.NS).Name;
                if (cut.Equals(zone)) return (current, servers);
                if (!zone.IsSubdomainOf(cut) || cut.LabelCount <= current.LabelCount)
                {
                    findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"{r.Server} sent a referral to {cut}, which is no step towards {zone}"));
                    return null;
                }
                servers = await ReferralServersAsync(r, cut, hints, ct).ConfigureAwait(false);
                current = cut;
                if (servers.Count == 0)
                {
                    findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"no address for any name server of {cut}"));
                    return null;
                }
                continue;
            }
            if (r.Authoritative && r.IsNxDomain)
            {
                findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"{zone} does not exist in {current} ({r.Server} says NXDOMAIN)"));
                return null;
            }
            if (r.Authoritative && r.AnswerSet.Count > 0)
            {
                // the parent's servers also serve the child: the answer is the child's NS set
                findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Notice, $"{r.Server} is authoritative for both {current} and {zone}"));
                return (current, servers);
            }
            findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"{zone} is not delegated from {current}: {Describe(r)}"));
            return null;
        }
        findings.Add(new DelegationFinding("DELEG00", FindingSeverity.Error, $"more than {_options.MaxReferrals} referrals towards {zone}"));
        return null;
    }

    private async Task<IReadOnlyList<Server>> ReferralServersAsync(ProbeResult referral, DomainName cut, IReadOnlyList<DnsEndpoint> hints, CancellationToken ct)
    {
        var list = new List<Server>();
        var names = referral.Authorities.Where(a => a.Type == RecordType.NS && a.Name.Equals(cut)).Select(a => DomainName.Parse(a.Data)).Distinct();
        foreach (var n in names)
        {
            var addrs = Addresses(referral.Additionals, n);
            if (addrs.Count == 0) continue;
            list.AddRange(addrs.Select(a => new Server(n, new DnsEndpoint(a, _options.NameServerPort))));
        }
        if (list.Count > 0) return list;
        foreach (var n in names)
        {
            var addrs = await ResolveAsync(n, hints, 1, ct).ConfigureAwait(false);
            list.AddRange(addrs.Select(a => new Server(n, new DnsEndpoint(a, _options.NameServerPort))));
            if (list.Count > 0) break;
        }
        return list;
    }

    /// <summary>Resolves a host name's addresses by its own walk from the root (no recursion asked of anyone).</summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(DomainName name, IReadOnlyList<DnsEndpoint> hints, int depth, CancellationToken ct)
    {
        if (depth > 4) return [];
        IReadOnlyList<Server> servers = hints.Select(h => new Server(null, h)).ToList();
        var current = DomainName.Root;
        for (var step = 0; step < _options.MaxReferrals; step++)
        {
            var (r, _) = await AskFirstAsync(servers, name, RecordType.A, ct).ConfigureAwait(false);
            if (r is null) return [];
            if (r.IsReferral)
            {
                var cut = r.Authorities.First(a => a.Type == RecordType.NS).Name;
                if (!name.IsSubdomainOf(cut) || cut.LabelCount <= current.LabelCount) return [];
                var glue = new List<Server>();
                foreach (var n in r.Authorities.Where(a => a.Type == RecordType.NS && a.Name.Equals(cut)).Select(a => DomainName.Parse(a.Data)))
                    glue.AddRange(Addresses(r.Additionals, n).Select(a => new Server(n, new DnsEndpoint(a, _options.NameServerPort))));
                if (glue.Count == 0)
                    foreach (var n in r.Authorities.Where(a => a.Type == RecordType.NS && a.Name.Equals(cut)).Select(a => DomainName.Parse(a.Data)))
                    {
                        if (n.IsSubdomainOf(cut)) continue; // in-bailiwick without glue: unresolvable loop
                        glue.AddRange((await ResolveAsync(n, hints, depth + 1, ct).ConfigureAwait(false))
                            .Select(a => new Server(n, new DnsEndpoint(a, _options.NameServerPort))));
                        if (glue.Count > 0) break;
                    }
                servers = glue;
                current = cut;
                continue;
            }
            var a = r.Answers.Where(x => x.Type == RecordType.A && x.Name.Equals(name)).Select(x => IPAddress.Parse(x.Data)).ToList();
            if (a.Count > 0) return a;
            var cname = r.Answers.FirstOrDefault(x => x.Type == RecordType.CNAME && x.Name.Equals(name));
            if (cname is not null) return await ResolveAsync(DomainName.Parse(cname.Data), hints, depth + 1, ct).ConfigureAwait(false);
            return [];
        }
        return [];
    }

    /// <summary>Asks the servers in turn until one gives a usable answer (NOERROR or NXDOMAIN); lame ones are skipped.</summary>
    private async Task<(ProbeResult? Result, List<string> Errors)> AskFirstAsync(IReadOnlyList<Server> servers, DomainName name,
        RecordType type, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var s in servers)
        {
            var r = await probe.QueryAsync(s.Endpoint, name, type, ProbeOptions.Default, ct).ConfigureAwait(false);
            if (r.Error == ProbeErrorKind.None && (r.IsNoError || r.IsNxDomain)) return (r, errors);
            errors.Add($"{s.Label}: {Describe(r)}");
        }
        return (null, errors);
    }

    private IReadOnlyList<IPAddress> Addresses(IEnumerable<ResourceRecord> additionals, DomainName ns) =>
        additionals.Where(a => a.Name.Equals(ns) && (a.Type == RecordType.A || (_options.UseIPv6 && a.Type == RecordType.AAAA)))
            .Select(a => IPAddress.Parse(a.Data))
            .Where(a => _options.UseIPv6 || a.AddressFamily == AddressFamily.InterNetwork)
            .Distinct().ToList();

    private static IReadOnlyList<ResourceRecord> DelegationNs(DomainName zone, ProbeResult r)
    {
        if (r.Error is not ProbeErrorKind.None || !r.IsNoError) return [];
        var fromAnswer = r.Answers.Where(a => a.Type == RecordType.NS && a.Name.Equals(zone)).ToList();
        if (fromAnswer.Count > 0) return fromAnswer;
        return r.Authorities.Where(a => a.Type == RecordType.NS && a.Name.Equals(zone)).ToList();
    }

    private static string Describe(ProbeResult r) =>
        r.Error is not ProbeErrorKind.None ? $"{r.Error} ({r.ErrorMessage})" : $"{r.ResponseCode}{(r.Authoritative ? " aa" : "")}, {r.Answers.Count} answers";

    private static DelegationReport Empty(DomainName zone, DomainName? parent, IReadOnlyList<NameServerAddresses> parentServers,
        IReadOnlyList<DelegationFinding> findings) =>
        new(zone.ToString(), parent?.ToString(), parentServers, [], null, [], [], [], null, [], findings);
}
