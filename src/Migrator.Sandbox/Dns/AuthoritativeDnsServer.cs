using System.Collections.Immutable;
using System.Net;
using System.Runtime.CompilerServices;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Dns;

/// <summary>
/// Answers for every hosted zone exactly as published at INSYNC time (never a PENDING change): AA answers, CNAME
/// chasing inside the zone, RFC 4592 wildcards, NXDOMAIN vs NODATA with the SOA (TTL min(SOA TTL, minimum)) in
/// authority, referrals below zone cuts (no AA, glue in additional), REFUSED outside every zone, AXFR over TCP.
/// </summary>
public sealed class AuthoritativeDnsServer : IDisposable
{
    private readonly Route53State _state;
    private readonly ConditionalWeakTable<ZoneRecords, CompiledZone> _compiled = new();
    private readonly Dictionary<string, IPAddress> _nameServerHosts;
    private readonly Control.DnsFaultInjector? _faults;
    private DnsServer? _server;

    /// <summary>How long a DROP fault withholds the answer.</summary>
    public static readonly TimeSpan DropHold = TimeSpan.FromSeconds(30);

    /// <param name="nameServerHosts">Configured name-server host names with IPv4; answered like AWS answers for its
    /// awsdns hosts, so a lab resolver following a delegation can reach the listener.</param>
    /// <param name="faults">Injected faults (REFUSED, SERVFAIL, no answer) for some or all questions; null: none.</param>
    public AuthoritativeDnsServer(Route53State state, IPEndPoint endPoint, IEnumerable<Hosting.NameServerSpec>? nameServerHosts = null,
        Control.DnsFaultInjector? faults = null)
    {
        _state = state;
        _faults = faults;
        EndPoint = endPoint;
        _nameServerHosts = (nameServerHosts ?? []).Where(n => n.IPv4 is not null)
            .ToDictionary(n => n.Name.TrimEnd('.').ToLowerInvariant() + ".", n => n.IPv4!, StringComparer.Ordinal);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Raised after each answered question about a served zone (query logging).</summary>
    public event Action<Logs.AnsweredQuery>? QueryAnswered;

    public void Start()
    {
        _server = new DnsServer(new UdpServerTransport(EndPoint), new TcpServerTransport(EndPoint));
        _server.QueryReceived += async (_, e) =>
        {
            if (e.Query is DnsMessage query)
            {
                if (_faults is not null && query.Questions.Count > 0 && _faults.Decide(query.Questions[0].Name.ToString()) is { } fault)
                {
                    // ARSoft answers SERVFAIL when a handler sets no response, so "no answer" is an answer withheld for
                    // longer than any resolver waits (then sent late, to a client that has given up).
                    if (fault == Control.DnsFaultAction.Drop) await Task.Delay(DropHold);
                    var refused = query.CreateResponseInstance();
                    refused.IsRecursionAllowed = false;
                    refused.ReturnCode = fault == Control.DnsFaultAction.Refuse ? ReturnCode.Refused : ReturnCode.ServerFailure;
                    e.Response = refused;
                    return;
                }
                var response = Answer(query, e.TransportProtocol == TransportProtocol.Tcp);
                e.Response = response;
                if (QueryAnswered is { } observer && query.Questions.Count == 1 && FindZone(query.Questions[0].Name) is { } zone)
                    observer(new Logs.AnsweredQuery(zone.ZoneId, query.Questions[0].Name.ToString(), query.Questions[0].RecordType.ToString().ToUpperInvariant(),
                        Logs.QueryLogWriter.ResponseCodeName((int)response.ReturnCode), e.TransportProtocol == TransportProtocol.Tcp, e.RemoteEndpoint?.Address,
                        query.EDnsOptions?.Options.OfType<ClientSubnetOption>().FirstOrDefault() is { } ecs ? $"{ecs.Address}/{ecs.SourceNetmask}" : null));
            }
        };
        _server.Start();
    }

    public DnsMessage Answer(DnsMessage query, bool overTcp)
    {
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = false;
        if (query.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }
        if (query.Questions.Count != 1)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }
        var question = query.Questions[0];
        var zone = FindZone(question.Name);
        if (zone is null && _nameServerHosts.TryGetValue(question.Name.ToString().ToLowerInvariant(), out var hostAddress))
        {
            response.IsAuthoritiveAnswer = true;
            if (question.RecordType is RecordType.A or RecordType.Any) response.AnswerRecords.Add(new ARecord(question.Name, 172800, hostAddress));
            return response;
        }
        if (zone is null || question.RecordClass is not (RecordClass.INet or RecordClass.Any))
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }
        if (question.RecordType == RecordType.Axfr)
        {
            if (!overTcp || !question.Name.Equals(zone.Apex)) { response.ReturnCode = ReturnCode.Refused; return response; }
            response.IsAuthoritiveAnswer = true;
            var soa = zone.SoaRecord();
            response.AnswerRecords.Add(soa);
            response.AnswerRecords.AddRange(zone.AllRecords().Where(r => r.RecordType != RecordType.Soa));
            response.AnswerRecords.Add(soa);
            return response;
        }
        zone.Resolve(question.Name, question.RecordType, response);
        return response;
    }

    private CompiledZone? FindZone(DomainName qname)
    {
        CompiledZone? best = null;
        long bestSequence = long.MaxValue;
        foreach (var served in _state.Served.Values)
        {
            var apex = PresentationRecords.ToDomainName(served.Name);
            if (!qname.IsEqualOrSubDomainOf(apex)) continue;
            // Longest match wins; between zones of the same name (AWS allows duplicates) the oldest is served.
            if (best is null || apex.LabelCount > best.Apex.LabelCount || (apex.LabelCount == best.Apex.LabelCount && served.Sequence < bestSequence))
            {
                best = _compiled.GetValue(served.Records, r => new CompiledZone(apex, served.ZoneId, r));
                bestSequence = served.Sequence;
            }
        }
        return best;
    }

    public void Dispose() => _server?.Stop();
}

/// <summary>A served zone indexed by owner name, with the empty non-terminals that exist because of descendants.</summary>
internal sealed class CompiledZone
{
    private readonly Dictionary<string, List<RecordSetData>> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _existing = new(StringComparer.Ordinal);
    private readonly string _zoneId;

    public CompiledZone(DomainName apex, string zoneId, ZoneRecords records)
    {
        Apex = apex;
        _zoneId = zoneId;
        foreach (var set in records.Sets.Values)
        {
            var name = PresentationRecords.ToDomainName(set.Name);
            var key = Key(name);
            if (!_byName.TryGetValue(key, out var list)) _byName[key] = list = [];
            list.Add(set);
            for (var n = name; n.LabelCount >= apex.LabelCount; n = n.LabelCount == 0 ? n : n.GetParentName()) if (!_existing.Add(Key(n))) break;
        }
    }

    public DomainName Apex { get; }
    public string ZoneId => _zoneId;

    private static string Key(DomainName n) => string.Join('\u0001', n.Labels.Select(l => l.ToLowerInvariant()));

    private IReadOnlyList<RecordSetData> At(DomainName n) => _byName.TryGetValue(Key(n), out var l) ? l : [];

    public SoaRecord SoaRecord()
    {
        var soa = At(Apex).First(s => s.Type == "SOA");
        return (SoaRecord)PresentationRecords.Create(Apex, "SOA", (int)soa.Ttl!.Value, soa.Values[0]);
    }

    public IEnumerable<DnsRecordBase> AllRecords() =>
        _byName.Values.SelectMany(sets => sets).SelectMany(s => Materialize(PresentationRecords.ToDomainName(s.Name), s, 0));

    public void Resolve(DomainName qname, RecordType qtype, DnsMessage response)
    {
        response.IsAuthoritiveAnswer = true;
        var owner = qname;
        for (var hop = 0; hop < 16; hop++)
        {
            // A zone cut above (or at, except for DS) the name turns the answer into a referral.
            if (FindCut(owner, qtype) is { } cut)
            {
                if (hop == 0) response.IsAuthoritiveAnswer = false;
                var nsRecords = Materialize(cut.Name, cut.Set, 0).ToList();
                response.AuthorityRecords.AddRange(nsRecords);
                foreach (var ns in nsRecords.OfType<NsRecord>())
                    foreach (var glue in At(ns.NameServer).Where(s => s.Type is "A" or "AAAA"))
                        response.AdditionalRecords.AddRange(Materialize(ns.NameServer, glue, 0));
                return;
            }
            // RFC 6672: a DNAME above the name redirects it; answer the DNAME and a CNAME synthesized with its TTL.
            if (FindDname(owner) is { } dname)
            {
                response.AnswerRecords.AddRange(Materialize(dname.Name, dname.Set, 0));
                var target = Substitute(owner, dname.Name, PresentationRecords.ParseName(dname.Set.Values[0]));
                if (target is null)
                {
                    response.ReturnCode = ReturnCode.YXDomain; // the substituted name is longer than 255 octets
                    return;
                }
                response.AnswerRecords.Add(new CNameRecord(owner, (int)Math.Min(dname.Set.Ttl ?? 0, int.MaxValue), target));
                if (qtype is RecordType.CName || !target.IsEqualOrSubDomainOf(Apex)) return;
                owner = target;
                continue;
            }
            var sets = At(owner);
            var synthesizedFrom = owner;
            if (sets.Count == 0 && !_existing.Contains(Key(owner)))
            {
                var wildcard = WildcardFor(owner);
                if (wildcard is null)
                {
                    if (hop == 0) response.ReturnCode = ReturnCode.NxDomain;
                    AddNegative(response);
                    return;
                }
                sets = At(wildcard);
                synthesizedFrom = wildcard;
            }
            var cname = sets.FirstOrDefault(s => s.Type == "CNAME");
            if (cname is not null && qtype != RecordType.CName && qtype != RecordType.Any)
            {
                var records = Materialize(owner, cname, 0).ToList();
                response.AnswerRecords.AddRange(records);
                if (records.OfType<CNameRecord>().FirstOrDefault() is not { } c || !c.CanonicalName.IsEqualOrSubDomainOf(Apex)) return;
                owner = c.CanonicalName;
                continue;
            }
            var matching = sets.Where(s => qtype == RecordType.Any || PresentationRecords.ToRecordType(s.Type) == qtype).ToList();
            if (matching.Count == 0)
            {
                AddNegative(response);
                return;
            }
            foreach (var group in matching.GroupBy(s => s.Type))
                response.AnswerRecords.AddRange(Materialize(owner, Choose(group.ToList()), 0));
            _ = synthesizedFrom;
            return;
        }
    }

    private void AddNegative(DnsMessage response)
    {
        if (response.AnswerRecords.Count > 0) return;
        var soa = SoaRecord();
        response.AuthorityRecords.Add(new SoaRecord(soa.Name, Math.Min(soa.TimeToLive, soa.NegativeCachingTTL), soa.MasterName, soa.ResponsibleName,
            soa.SerialNumber, soa.RefreshInterval, soa.RetryInterval, soa.ExpireInterval, soa.NegativeCachingTTL));
    }

    private (DomainName Name, RecordSetData Set)? FindCut(DomainName qname, RecordType qtype)
    {
        // Walk from just below the apex down to qname; the highest NS set found is the cut.
        var depth = qname.LabelCount - Apex.LabelCount;
        for (var i = depth - 1; i >= 0; i--)
        {
            var n = qname.GetParentName(i);
            if (i == 0 && qtype == RecordType.Ds) break;
            var ns = At(n).FirstOrDefault(s => s.Type == "NS");
            if (ns is not null) return (n, ns);
        }
        return null;
    }

    /// <summary>
    /// RFC 4035 §3.1 for a signed zone asked with DO: the RRSIGs covering every authoritative RRset of the response, and
    /// for a negative answer the NSEC that proves it (at the name for no data, the covering one for no such name).
    /// Only zones holding RRSIG sets (the world's signed.example) have anything to add.
    /// </summary>
    public void AddDnssec(DnsMessage response, DomainName qname)
    {
        if (response.AnswerRecords.Count == 0 && response.AuthorityRecords.OfType<SoaRecord>().Any())
        {
            var nsec = response.ReturnCode == ReturnCode.NxDomain ? CoveringNsec(qname) : At(qname).Any(x => x.Type == "NSEC") ? qname : null;
            if (nsec is not null)
                response.AuthorityRecords.AddRange(At(nsec).Where(x => x.Type == "NSEC").SelectMany(x => Materialize(nsec, x, 0)));
        }
        foreach (var section in new[] { response.AnswerRecords, response.AuthorityRecords })
        {
            var sets = section.Where(r => r.RecordType != RecordType.RrSig && r.Name.IsEqualOrSubDomainOf(Apex)).Select(r => (r.Name, r.RecordType)).Distinct().ToList();
            foreach (var (name, type) in sets)
                section.AddRange(At(name).Where(x => x.Type == "RRSIG").SelectMany(x => x.Values
                    .Where(v => PresentationRecords.ToRecordType(v.Split(' ', 2)[0]) == type)
                    .SelectMany(v => Materialize(name, x with { Values = [v] }, 0))));
        }
    }

    /// <summary>The NSEC whose owner sorts before <paramref name="qname"/> and whose next name after it (RFC 4034 §6.1 order), wrapping at the end.</summary>
    private DomainName? CoveringNsec(DomainName qname)
    {
        var owners = _byName.Values.SelectMany(l => l).Where(x => x.Type == "NSEC").Select(x => PresentationRecords.ToDomainName(x.Name))
            .OrderBy(n => n, CanonicalOrder.Instance).ToList();
        if (owners.Count == 0) return null;
        return owners.LastOrDefault(n => CanonicalOrder.Instance.Compare(n, qname) < 0) ?? owners[^1];
    }

    private sealed class CanonicalOrder : IComparer<DomainName>
    {
        public static readonly CanonicalOrder Instance = new();

        public int Compare(DomainName? x, DomainName? y)
        {
            var a = x!.Labels; var b = y!.Labels;
            for (int i = a.Length - 1, j = b.Length - 1; i >= 0 && j >= 0; i--, j--)
            {
                var c = string.CompareOrdinal(a[i].ToLowerInvariant(), b[j].ToLowerInvariant());
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }

    /// <summary>The nearest DNAME strictly above <paramref name="qname"/> (a DNAME does not redirect its own owner).</summary>
    private (DomainName Name, RecordSetData Set)? FindDname(DomainName qname)
    {
        for (var n = qname; n.LabelCount > Apex.LabelCount;)
        {
            n = n.GetParentName();
            if (At(n).FirstOrDefault(s => s.Type == "DNAME" && s.Values.Length > 0) is { } d) return (n, d);
        }
        return null;
    }

    /// <summary>qname with the DNAME owner's suffix replaced by its target; null when the result is too long (RFC 6672 §2.2).</summary>
    private static DomainName? Substitute(DomainName qname, DomainName owner, DomainName target)
    {
        var prefix = qname.Labels.Take(qname.LabelCount - owner.LabelCount);
        var labels = prefix.Concat(target.Labels).ToArray();
        return labels.Sum(l => l.Length + 1) + 1 > 255 ? null : new DomainName(labels);
    }

    /// <summary>RFC 4592: the source of synthesis is "*." + the closest encloser, if that wildcard exists.</summary>
    private DomainName? WildcardFor(DomainName qname)
    {
        var encloser = qname.GetParentName();
        while (!_existing.Contains(Key(encloser)) && encloser.LabelCount > Apex.LabelCount) encloser = encloser.GetParentName();
        var wildcard = DomainName.Parse("*") + encloser;
        return _existing.Contains(Key(wildcard)) ? wildcard : null;
    }

    /// <summary>Several sets of one name and type exist only with routing policies; answer as Route 53 would for one resolver.</summary>
    private static RecordSetData Choose(List<RecordSetData> sets)
    {
        if (sets.Count == 1) return sets[0];
        if (sets.FirstOrDefault(s => s.Failover == "PRIMARY") is { } primary) return primary;
        var weighted = sets.Where(s => s.Weight is > 0).ToList();
        if (weighted.Count > 0)
        {
            var pick = Random.Shared.NextDouble() * weighted.Sum(s => s.Weight!.Value);
            foreach (var s in weighted) { pick -= s.Weight!.Value; if (pick < 0) return s; }
        }
        return sets[0];
    }

    private IEnumerable<DnsRecordBase> Materialize(DomainName owner, RecordSetData set, int depth)
    {
        if (set.AliasTarget is { } alias)
        {
            // Only aliases to this same zone can be resolved here; AWS-service targets have no data in the sandbox.
            if (depth > 4 || ChangeBatchRules.StripZonePrefix(alias.HostedZoneId) != _zoneId) yield break;
            var target = PresentationRecords.ParseName(alias.DnsName);
            var targetSets = At(target).Where(s => s.Type == set.Type).ToList();
            if (targetSets.Count == 0) yield break;
            foreach (var r in Materialize(owner, Choose(targetSets), depth + 1)) yield return r;
            yield break;
        }
        foreach (var v in set.Values)
        {
            DnsRecordBase? record;
            try { record = PresentationRecords.Create(owner, set.Type, (int)Math.Min(set.Ttl ?? 0, int.MaxValue), v); }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException) { record = null; }
            if (record is not null) yield return record;
        }
    }
}
