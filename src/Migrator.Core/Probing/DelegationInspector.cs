using System.Net;
using System.Net.Sockets;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

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
        InspectAtParentAsync(zone, zone.IsRoot ? DomainName.Root : zone.Parent(), parentServers.Select(s => new ParentServer(null, s)).ToList(),
            rootHints, [], cancellationToken);

    private async Task<DelegationReport> InspectAtParentAsync(DomainName zone, DomainName parentZone, IReadOnlyList<ParentServer> parentServers,
        IReadOnlyList<DnsEndpoint> rootHints, List<DelegationFinding> findings, CancellationToken ct)
    {
        var delegation = await AskParentServersAsync(zone, parentServers, findings, ct).ConfigureAwait(false);
        if (delegation is null) return Empty(zone, parentZone, parentServers, findings);

        var parentNsRecords = DelegationNs(zone, delegation);
        var parentNs = parentNsRecords.Select(r => DomainName.Parse(r.Data)).Distinct().Order().ToList();
        var parentNsTtl = parentNsRecords.Min(r => r.Ttl);
        var glue = parentNs
            .Select(n => new NameServerAddresses(n, Addresses(delegation.Additionals, n)))
            .Where(g => g.Addresses.Count > 0).ToList();

        // 2. DS at the parent
        var dsResult = await probe.QueryAsync(delegation.Server, zone, RecordType.DS, ProbeOptions.Default, ct).ConfigureAwait(false);
        var ds = dsResult.AnswerSet.Select(r => r.Data).Order(StringComparer.Ordinal).ToList();

        // 3. every child server (parent's NS names, then names only the child lists)
        var (servers, childNs, childNsTtl) = await AskChildServersAsync(zone, parentNs, delegation, rootHints, findings, ct).ConfigureAwait(false);
        var authoritative = servers.Where(s => !s.IsLame).ToList();

        // 4. findings
        CheckNameServerSets(parentNs, servers, authoritative, childNs, findings);
        await CheckGlueAsync(zone, glue, authoritative, rootHints, findings, ct).ConfigureAwait(false);

        var serials = authoritative.Where(s => s.SoaSerial is not null).Select(s => s.SoaSerial!.Value).Distinct().ToList();
        if (serials.Count > 1)
            findings.Add(new DelegationFinding(DelegationRules.SerialsDiffer,
                "SOA serials differ: " + string.Join(", ", authoritative.Select(s => $"{s.Name} ({s.Endpoint}) {s.SoaSerial}"))));

        if (ds.Count > 0) await CheckDsAsync(zone, ds, authoritative, findings, ct).ConfigureAwait(false);

        return new DelegationReport(zone, parentZone, parentServers, parentNs, parentNsTtl, glue, ds, childNs, childNsTtl, servers, findings);
    }

    /// <summary>
    /// Asks every child server (each address of each name) for SOA and NS: first the parent's NS names, then the names only
    /// the child lists. Addresses come from the parent's glue, else from a walk of their own.
    /// </summary>
    private async Task<(List<ChildServerReport> Servers, List<DomainName> ChildNs, Ttl? ChildNsTtl)> AskChildServersAsync(DomainName zone,
        IReadOnlyList<DomainName> parentNs, ProbeResult delegation, IReadOnlyList<DnsEndpoint> rootHints, List<DelegationFinding> findings,
        CancellationToken ct)
    {
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
                    findings.Add(new DelegationFinding(DelegationRules.NameServerWithoutAddress, $"name server {ns} has no address", ns.ToString()));
                    continue;
                }
                foreach (var a in addrs)
                    if (asked.Add((ns, a)))
                        servers.Add(await AskChildAsync(zone, ns, new DnsEndpoint(a, _options.NameServerPort), ct).ConfigureAwait(false));
            }
        }
        await AskAll(parentNs).ConfigureAwait(false);

        var authoritative = servers.Where(s => !s.IsLame).ToList();
        var childNs = authoritative.SelectMany(s => s.NsSet).Distinct().Order().ToList();
        var childNsTtl = authoritative.Where(s => s.NsTtl is not null).Select(s => s.NsTtl).Min();
        await AskAll(childNs.Where(n => !parentNs.Contains(n)).ToList()).ConfigureAwait(false);
        return (servers, childNs, childNsTtl);
    }

    /// <summary>Lame servers, and NS sets that differ between parent and child or among the child's servers.</summary>
    private static void CheckNameServerSets(IReadOnlyList<DomainName> parentNs, IReadOnlyList<ChildServerReport> servers,
        IReadOnlyList<ChildServerReport> authoritative, IReadOnlyList<DomainName> childNs, List<DelegationFinding> findings)
    {
        foreach (var s in servers.Where(s => s.IsLame))
            findings.Add(new DelegationFinding(DelegationRules.LameServer,
                $"lame server {s.Name} ({s.Endpoint}): {s.Error ?? (s.ResponseCode != "NOERROR" ? s.ResponseCode : "answer without the AA bit")}",
                $"{s.Name} {s.Endpoint}"));

        if (authoritative.Count > 0 && !parentNs.ToHashSet().SetEquals(childNs))
        {
            var onlyParent = parentNs.Except(childNs).Select(n => n.ToLowerString());
            var onlyChild = childNs.Except(parentNs).Select(n => n.ToLowerString());
            findings.Add(new DelegationFinding(DelegationRules.NsSetsDiffer,
                $"NS sets differ between parent and child: only at parent [{string.Join(", ", onlyParent)}], only at child [{string.Join(", ", onlyChild)}]"));
        }
        if (authoritative.Select(s => string.Join(' ', s.NsSet.Select(n => n.ToLowerString()))).Distinct().Count() > 1)
            findings.Add(new DelegationFinding(DelegationRules.ChildServersDisagree,
                "child servers disagree on the NS set: " + string.Join("; ", authoritative.Select(s => $"{s.Name} ({s.Endpoint}): {string.Join(' ', s.NsSet)}"))));
    }

    /// <summary>The parent's view, asked at every parent server: the first delegation answer, findings for the others.</summary>
    private async Task<ProbeResult?> AskParentServersAsync(DomainName zone, IReadOnlyList<ParentServer> parentServers,
        List<DelegationFinding> findings, CancellationToken ct)
    {
        ProbeResult? delegation = null;
        var parentSets = new List<(ParentServer Server, string[] Ns)>();
        foreach (var ps in parentServers)
        {
            var r = await probe.QueryAsync(ps.Endpoint, zone, RecordType.NS, ProbeOptions.Default, ct).ConfigureAwait(false);
            var ns = DelegationNs(zone, r);
            if (ns.Count == 0)
            {
                findings.Add(new DelegationFinding(DelegationRules.ParentServerWithoutDelegation,
                    $"parent server {ps} gave no delegation for {zone}: {Describe(r)}", ps.ToString()));
                continue;
            }
            delegation ??= r;
            parentSets.Add((ps, ns.Select(n => n.Data.ToLowerInvariant()).Order().ToArray()));
        }
        if (parentSets.Select(p => string.Join(' ', p.Ns)).Distinct().Count() > 1)
            findings.Add(new DelegationFinding(DelegationRules.ParentServersDisagree,
                "parent servers disagree on the NS set: " + string.Join("; ", parentSets.Select(p => $"{p.Server}: {string.Join(' ', p.Ns)}"))));
        return delegation;
    }

    /// <summary>Glue at the parent against the address records: the child's for in-zone names, a walk's for the others.</summary>
    private async Task CheckGlueAsync(DomainName zone, IReadOnlyList<NameServerAddresses> glue, IReadOnlyList<ChildServerReport> authoritative,
        IReadOnlyList<DnsEndpoint> rootHints, List<DelegationFinding> findings, CancellationToken ct)
    {
        foreach (var g in glue)
        {
            var ns = g.Name;
            IReadOnlyList<IPAddress> actual;
            if (ns.IsSubdomainOf(zone))
            {
                var child = authoritative.FirstOrDefault();
                if (child is null) continue;
                var ep = child.Endpoint;
                var r = await probe.QueryAsync(ep, ns, RecordType.A, ProbeOptions.Default, ct).ConfigureAwait(false);
                actual = r.AnswerSet.Select(x => IPAddress.Parse(x.Data)).ToList();
                if (_options.UseIPv6)
                {
                    var r6 = await probe.QueryAsync(ep, ns, RecordType.AAAA, ProbeOptions.Default, ct).ConfigureAwait(false);
                    actual = actual.Concat(r6.AnswerSet.Select(x => IPAddress.Parse(x.Data))).ToList();
                }
            }
            else actual = await ResolveAsync(ns, rootHints, 0, ct).ConfigureAwait(false);
            var glueSet = g.Addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList();
            var actualSet = actual.Select(a => a.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!glueSet.SequenceEqual(actualSet))
                findings.Add(new DelegationFinding(DelegationRules.GlueDiffers,
                    $"glue for {ns} is [{string.Join(", ", glueSet)}] but its address records are [{string.Join(", ", actualSet)}]", ns.ToString()));
        }
    }

    private async Task CheckDsAsync(DomainName zone, IReadOnlyList<string> ds, IReadOnlyList<ChildServerReport> authoritative,
        List<DelegationFinding> findings, CancellationToken ct)
    {
        var child = authoritative.FirstOrDefault();
        if (child is null) return;
        var r = await probe.QueryAsync(child.Endpoint, zone, RecordType.DNSKEY,
            ProbeOptions.Default, ct).ConfigureAwait(false);
        var keyTags = r.AnswerSet.Select(k => DnssecKeyTag.FromPresentation(k.Data)).Where(t => t is not null).ToHashSet();
        var dsTags = ds.Select(d => ushort.TryParse(d.Split(' ')[0], out var t) ? t : (ushort?)null).ToHashSet();
        if (keyTags.Count == 0)
            findings.Add(new DelegationFinding(DelegationRules.DsWithoutDnskey, $"the parent publishes DS but {child.Name} serves no DNSKEY"));
        else if (!dsTags.Overlaps(keyTags))
            findings.Add(new DelegationFinding(DelegationRules.DsMatchesNoKey,
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
        var nsSet = nsr.Authoritative ? nsr.AnswerSet.Select(r => DomainName.Parse(r.Data)).Distinct().Order().ToList() : [];
        return new ChildServerReport(ns, ep, soa.ResponseCode, soa.Authoritative && nsr.Authoritative, nsSet,
            nsr.AnswerSet.Count > 0 ? nsr.AnswerSet.Min(r => r.Ttl) : null, serial, error, soa.Latency);
    }

    /// <summary>
    /// Where a walk from the root ended: at a referral to <see cref="Zone"/> that the caller asked to stop at, at a final
    /// answer from the servers of <see cref="Zone"/>, or at a failure (a finding).
    /// </summary>
    private sealed record WalkEnd(DomainName Zone, IReadOnlyList<ParentServer> Servers, ProbeResult? Answer, DelegationFinding? Failure);

    /// <summary>
    /// The one referral walk: asks <paramref name="type"/> of <paramref name="name"/> from the root down without recursion,
    /// following each referral by its glue (or by resolving its server names with a walk of their own), until an answer
    /// that is no referral, or a referral to a zone cut for which <paramref name="stopAt"/> is true.
    /// </summary>
    private async Task<WalkEnd> WalkAsync(DomainName name, RecordType type, IReadOnlyList<DnsEndpoint> hints, int depth,
        Func<DomainName, bool>? stopAt, CancellationToken ct)
    {
        var current = DomainName.Root;
        IReadOnlyList<ParentServer> servers = hints.Select(h => new ParentServer(null, h)).ToList();
        for (var step = 0; step < _options.MaxReferrals; step++)
        {
            var (r, errors) = await AskFirstAsync(servers, name, type, ct).ConfigureAwait(false);
            if (r is null)
                return new(current, servers, null, new(DelegationRules.NoServerAnswered, $"no server of {current} answered: {string.Join("; ", errors)}"));
            if (!r.IsReferral) return new(current, servers, r, null);
            var cut = r.Authorities.First(a => a.Type == RecordType.NS).Name;
            if (stopAt?.Invoke(cut) == true) return new(current, servers, null, null);
            if (!name.IsSubdomainOf(cut) || cut.LabelCount <= current.LabelCount)
                return new(current, servers, null, new(DelegationRules.ReferralAstray, $"{r.Server} sent a referral to {cut}, which is no step towards {name}"));
            servers = await ReferralServersAsync(r, cut, hints, depth, ct).ConfigureAwait(false);
            current = cut;
            if (servers.Count == 0)
                return new(current, servers, null, new(DelegationRules.ReferralWithoutAddresses, $"no address for any name server of {cut}"));
        }
        return new(current, servers, null, new(DelegationRules.TooManyReferrals, $"more than {_options.MaxReferrals} referrals towards {name}"));
    }

    /// <summary>Follows referrals from the root to the servers of the zone's parent.</summary>
    private async Task<(DomainName ParentZone, IReadOnlyList<ParentServer> Servers)?> FindParentAsync(DomainName zone, IReadOnlyList<DnsEndpoint> hints,
        List<DelegationFinding> findings, CancellationToken ct)
    {
        var end = await WalkAsync(zone, RecordType.NS, hints, 0, cut => cut.Equals(zone), ct).ConfigureAwait(false);
        if (end.Failure is { } failure) { findings.Add(failure); return null; }
        if (end.Answer is not { } r) return (end.Zone, end.Servers); // stopped at the referral to the zone
        if (r.Authoritative && r.IsNxDomain)
        {
            findings.Add(new(DelegationRules.ZoneDoesNotExist, $"{zone} does not exist in {end.Zone} ({r.Server} says NXDOMAIN)"));
            return null;
        }
        if (r.Authoritative && r.AnswerSet.Count > 0)
        {
            // the parent's servers also serve the child: the answer is the child's NS set
            findings.Add(new(DelegationRules.ParentServesChild, $"{r.Server} is authoritative for both {end.Zone} and {zone}"));
            return (end.Zone, end.Servers);
        }
        findings.Add(new(DelegationRules.NotDelegated, $"{zone} is not delegated from {end.Zone}: {Describe(r)}"));
        return null;
    }

    /// <summary>The servers a referral names, by glue, else by resolving their names (never an in-bailiwick name without glue: that loops).</summary>
    private async Task<IReadOnlyList<ParentServer>> ReferralServersAsync(ProbeResult referral, DomainName cut, IReadOnlyList<DnsEndpoint> hints,
        int depth, CancellationToken ct)
    {
        var list = new List<ParentServer>();
        var names = referral.Authorities.Where(a => a.Type == RecordType.NS && a.Name.Equals(cut)).Select(a => DomainName.Parse(a.Data)).Distinct().ToList();
        foreach (var n in names)
            list.AddRange(Addresses(referral.Additionals, n).Select(a => new ParentServer(n, new DnsEndpoint(a, _options.NameServerPort))));
        if (list.Count > 0) return list;
        foreach (var n in names.Where(n => !n.IsSubdomainOf(cut)))
        {
            var addrs = await ResolveAsync(n, hints, depth + 1, ct).ConfigureAwait(false);
            list.AddRange(addrs.Select(a => new ParentServer(n, new DnsEndpoint(a, _options.NameServerPort))));
            if (list.Count > 0) break;
        }
        return list;
    }

    /// <summary>Resolves a host name's addresses by its own walk from the root (no recursion asked of anyone).</summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(DomainName name, IReadOnlyList<DnsEndpoint> hints, int depth, CancellationToken ct)
    {
        if (depth > 4) return [];
        var end = await WalkAsync(name, RecordType.A, hints, depth, null, ct).ConfigureAwait(false);
        if (end.Answer is not { } r) return [];
        var a = r.Answers.Where(x => x.Type == RecordType.A && x.Name.Equals(name)).Select(x => IPAddress.Parse(x.Data)).ToList();
        if (a.Count > 0) return a;
        var cname = r.Answers.FirstOrDefault(x => x.Type == RecordType.CNAME && x.Name.Equals(name));
        return cname is null ? [] : await ResolveAsync(DomainName.Parse(cname.Data), hints, depth + 1, ct).ConfigureAwait(false);
    }

    /// <summary>Asks the servers in turn until one gives a usable answer (NOERROR or NXDOMAIN); lame ones are skipped.</summary>
    private async Task<(ProbeResult? Result, List<string> Errors)> AskFirstAsync(IReadOnlyList<ParentServer> servers, DomainName name,
        RecordType type, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var s in servers)
        {
            var r = await probe.QueryAsync(s.Endpoint, name, type, ProbeOptions.Default, ct).ConfigureAwait(false);
            if (r.Error == ProbeErrorKind.None && (r.IsNoError || r.IsNxDomain)) return (r, errors);
            errors.Add($"{s}: {Describe(r)}");
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

    private static DelegationReport Empty(DomainName zone, DomainName? parent, IReadOnlyList<ParentServer> parentServers,
        IReadOnlyList<DelegationFinding> findings) =>
        new(zone, parent, parentServers, [], null, [], [], [], null, [], findings);
}
