using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Migrator.Sandbox.World;

/// <summary>What a resolver's cache holds for one (name, type): data, or a negative answer with its SOA.</summary>
public enum CacheEntryKind { Positive, NoData, NxDomain }

/// <summary>A cache entry as the world view shows it; <see cref="RemainingSeconds"/> decays with the resolver's clock.</summary>
public sealed record ResolverCacheEntry(string Name, string Type, CacheEntryKind Kind, int OriginalTtl, int RemainingSeconds, IReadOnlyList<string> Data);

/// <summary>
/// An iterative caching resolver starting at the world's root: follows referrals with glue, resolves glueless name
/// servers, chases CNAME chains across zones, and caches every RRset for exactly its TTL on its own clock (negative
/// answers for min(SOA TTL, SOA minimum), RFC 2308). With a <see cref="TtlFloor"/> it lifts every TTL to the floor, as
/// ISPs that ignore short TTLs do. Invariant: an entry is served while now &lt; stored + TTL and never after.
/// </summary>
public sealed class CachingResolver
{
    private const int MaxReferrals = 24;
    private const int MaxCnameChain = 12;
    private const int MaxDepth = 6;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Name, RecordType Type), Entry> _cache = new();
    private readonly TimeProvider _time;
    private readonly IPAddress _root;
    private readonly int _port;
    private readonly int _timeoutMs;

    private sealed record Entry(CacheEntryKind Kind, IReadOnlyList<DnsRecordBase> Records, DateTimeOffset StoredAt, int Ttl, bool Authoritative)
    {
        public DateTimeOffset Expires => StoredAt.AddSeconds(Ttl);
    }

    public CachingResolver(string name, IPAddress root, int port, TimeProvider time, int ttlFloor = 0, int timeoutMs = 3000)
    {
        Name = name;
        _root = root;
        _port = port;
        _time = time;
        TtlFloor = ttlFloor;
        _timeoutMs = timeoutMs;
    }

    public string Name { get; }
    public int TtlFloor { get; }

    /// <summary>Queries sent to authoritative servers since start (for the world view and tests).</summary>
    public long UpstreamQueries => Interlocked.Read(ref _upstream);
    private long _upstream;

    public void Flush() { lock (_gate) _cache.Clear(); }

    /// <summary>Entries at or below <paramref name="zone"/> that have not expired.</summary>
    public IReadOnlyList<ResolverCacheEntry> Entries(string zone)
    {
        var apex = DomainName.Parse(zone);
        var now = _time.GetUtcNow();
        lock (_gate)
            return _cache.Where(kv => DomainName.Parse(kv.Key.Name).IsEqualOrSubDomainOf(apex) && kv.Value.Expires > now)
                .OrderBy(kv => kv.Key.Name, StringComparer.Ordinal).ThenBy(kv => kv.Key.Type)
                .Select(kv => new ResolverCacheEntry(kv.Key.Name, kv.Key.Type == RecordType.Invalid ? "*" : kv.Key.Type.ToString().ToUpperInvariant(), kv.Value.Kind,
                    kv.Value.Ttl, Remaining(kv.Value, now), kv.Value.Records.Select(r => r.ToString()).ToList()))
                .ToList();
    }

    /// <summary>Answers a stub query (recursion on behalf of the client). Never throws for network trouble: SERVFAIL.</summary>
    public async Task<DnsMessage> AnswerAsync(DnsMessage query, CancellationToken ct = default)
    {
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        response.IsAuthoritiveAnswer = false;
        if (query.OperationCode != OperationCode.Query || query.Questions.Count != 1)
        {
            response.ReturnCode = query.OperationCode != OperationCode.Query ? ReturnCode.NotImplemented : ReturnCode.FormatError;
            return response;
        }
        var q = query.Questions[0];
        if (q.RecordType is RecordType.Axfr or RecordType.Ixfr || q.RecordClass != RecordClass.INet)
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }
        var result = await ResolveAsync(q.Name, q.RecordType, 0, ct);
        response.ReturnCode = result.Code;
        response.AnswerRecords.AddRange(result.Answer);
        response.AuthorityRecords.AddRange(result.Authority);
        return response;
    }

    public sealed record Resolution(ReturnCode Code, IReadOnlyList<DnsRecordBase> Answer, IReadOnlyList<DnsRecordBase> Authority);

    /// <summary>Resolves through the cache, iterating from the closest known zone cut for what is missing.</summary>
    public async Task<Resolution> ResolveAsync(DomainName qname, RecordType qtype, int depth, CancellationToken ct)
    {
        var answer = new List<DnsRecordBase>();
        var current = qname;
        for (var link = 0; link < MaxCnameChain; link++)
        {
            var fromCache = FromCache(current, qtype, answer, out var next);
            if (fromCache is not null) return fromCache;
            if (next is not null) { current = next; continue; }
            if (depth > MaxDepth) return new Resolution(ReturnCode.ServerFailure, answer, []);
            var iterated = await IterateAsync(current, qtype, depth, ct);
            if (iterated is null) return new Resolution(ReturnCode.ServerFailure, answer, []);
            // The iteration cached what it learned; read the answer back in the same way a later query would.
            fromCache = FromCache(current, qtype, answer, out next, iterated);
            if (fromCache is not null) return fromCache;
            if (next is not null) { current = next; continue; }
            return new Resolution(ReturnCode.ServerFailure, answer, []);
        }
        return new Resolution(ReturnCode.ServerFailure, answer, []);
    }

    /// <summary>
    /// A complete answer from the cache, or null with <paramref name="next"/> set when a CNAME leads elsewhere.
    /// <paramref name="fresh"/>, when given, is the just-received response: used when its TTLs are 0 (never cached).
    /// </summary>
    private Resolution? FromCache(DomainName name, RecordType type, List<DnsRecordBase> answer, out DomainName? next, DnsMessage? fresh = null)
    {
        next = null;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (Fresh((Key(name), RecordType.Invalid), now) is { Kind: CacheEntryKind.NxDomain } nx)
                return new Resolution(ReturnCode.NxDomain, answer, Decay(nx, now).ToList());
            if (Fresh((Key(name), type), now) is { } hit)
                return hit.Kind == CacheEntryKind.Positive
                    ? new Resolution(ReturnCode.NoError, [.. answer, .. Decay(hit, now)], [])
                    : new Resolution(ReturnCode.NoError, answer, Decay(hit, now).ToList());
            if (type != RecordType.CName && Fresh((Key(name), RecordType.CName), now) is { Kind: CacheEntryKind.Positive } cname)
            {
                answer.AddRange(Decay(cname, now));
                next = ((CNameRecord)cname.Records[0]).CanonicalName;
                return null;
            }
        }
        if (fresh is null) return null;
        // Zero-TTL data is used once and not cached (RFC 1035 §3.2.1).
        var direct = fresh.AnswerRecords.Where(r => r.Name.Equals(name)).ToList();
        if (fresh.ReturnCode == ReturnCode.NxDomain) return new Resolution(ReturnCode.NxDomain, answer, fresh.AuthorityRecords.OfType<SoaRecord>().ToList());
        if (direct.Any(r => r.RecordType == type)) return new Resolution(ReturnCode.NoError, [.. answer, .. direct.Where(r => r.RecordType == type)], []);
        if (direct.OfType<CNameRecord>().FirstOrDefault() is { } c && type != RecordType.CName)
        {
            answer.Add(c);
            next = c.CanonicalName;
            return null;
        }
        if (fresh.AnswerRecords.Count == 0 && fresh.AuthorityRecords.OfType<SoaRecord>().Any())
            return new Resolution(ReturnCode.NoError, answer, fresh.AuthorityRecords.OfType<SoaRecord>().ToList());
        return null;
    }

    private Entry? Fresh((string, RecordType) key, DateTimeOffset now) =>
        _cache.TryGetValue(key, out var e) && now < e.Expires ? e : null;

    private static int Remaining(Entry e, DateTimeOffset now) => (int)Math.Ceiling((e.Expires - now).TotalSeconds);

    private static IEnumerable<DnsRecordBase> Decay(Entry e, DateTimeOffset now)
    {
        var ttl = Math.Max(0, Remaining(e, now));
        return e.Records.Select(r => WithTtl(r, ttl));
    }

    private static string Key(DomainName name) => name.ToString().ToLowerInvariant();

    /// <summary>Iterates from the deepest cached zone cut (or the root) until an authoritative answer; caches along the way.</summary>
    private async Task<DnsMessage?> IterateAsync(DomainName qname, RecordType qtype, int depth, CancellationToken ct)
    {
        var (cut, servers) = ClosestCut(qname);
        for (var referral = 0; referral < MaxReferrals; referral++)
        {
            var addresses = await AddressesAsync(servers, depth, ct);
            DnsMessage? response = null;
            foreach (var address in addresses)
            {
                response = await QueryAsync(address, qname, qtype, ct);
                if (response is not null && response.ReturnCode is ReturnCode.NoError or ReturnCode.NxDomain) break;
                response = null;
            }
            if (response is null) return null;
            var soa = response.AuthorityRecords.OfType<SoaRecord>().FirstOrDefault(s => qname.IsEqualOrSubDomainOf(s.Name) && s.Name.IsEqualOrSubDomainOf(cut));
            var delegation = response.AuthorityRecords.OfType<NsRecord>().Where(ns => qname.IsEqualOrSubDomainOf(ns.Name) && ns.Name.IsSubDomainOf(cut)).ToList();
            if (response.IsAuthoritiveAnswer || response.AnswerRecords.Count > 0 || soa is not null || response.ReturnCode == ReturnCode.NxDomain)
            {
                CacheAnswer(response, qname, qtype, cut, soa);
                return response;
            }
            if (delegation.Count == 0) return null; // lame: neither an answer nor a referral downwards
            var child = delegation[0].Name;
            Store(child, RecordType.Ns, CacheEntryKind.Positive, delegation, authoritative: false);
            foreach (var glue in response.AdditionalRecords.Where(r => r.RecordType is RecordType.A or RecordType.Aaaa && r.Name.IsEqualOrSubDomainOf(cut)).GroupBy(r => (Key(r.Name), r.RecordType)))
                Store(glue.First().Name, glue.Key.RecordType, CacheEntryKind.Positive, glue.ToList(), authoritative: false);
            cut = child;
            servers = delegation.Select(n => n.NameServer).ToList();
        }
        return null;
    }

    private void CacheAnswer(DnsMessage response, DomainName qname, RecordType qtype, DomainName cut, SoaRecord? soa)
    {
        // Only data inside the zone being asked (the bailiwick) is believed.
        foreach (var set in response.AnswerRecords.Where(r => r.Name.IsEqualOrSubDomainOf(cut)).GroupBy(r => (Key(r.Name), r.RecordType)))
            Store(set.First().Name, set.Key.RecordType, CacheEntryKind.Positive, set.ToList(), authoritative: true);
        if (soa is null) return;
        var negativeTtl = Math.Min(soa.TimeToLive, soa.NegativeCachingTTL);
        var negativeSoa = WithTtl(soa, negativeTtl);
        // The negative answer belongs to the last name of the CNAME chain inside this response.
        var owner = qname;
        for (var i = 0; i < MaxCnameChain; i++)
        {
            var c = response.AnswerRecords.OfType<CNameRecord>().FirstOrDefault(r => r.Name.Equals(owner));
            if (c is null) break;
            owner = c.CanonicalName;
        }
        if (response.ReturnCode == ReturnCode.NxDomain) Store(owner, RecordType.Invalid, CacheEntryKind.NxDomain, [negativeSoa], true);
        else if (!response.AnswerRecords.Any(r => r.Name.Equals(owner) && (r.RecordType == qtype || r.RecordType == RecordType.CName)))
            Store(owner, qtype, CacheEntryKind.NoData, [negativeSoa], true);
    }

    private void Store(DomainName name, RecordType type, CacheEntryKind kind, IReadOnlyList<DnsRecordBase> records, bool authoritative)
    {
        var ttl = records.Min(r => r.TimeToLive);
        if (TtlFloor > 0) ttl = Math.Max(ttl, TtlFloor);
        if (ttl <= 0) return;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var key = (Key(name), type);
            // RFC 2181 §5.4.1: a referral's copy never replaces fresh authoritative data.
            if (!authoritative && _cache.TryGetValue(key, out var existing) && existing.Authoritative && now < existing.Expires) return;
            _cache[key] = new Entry(kind, records.Select(r => WithTtl(r, ttl)).ToList(), now, ttl, authoritative);
        }
    }

    private (DomainName Cut, IReadOnlyList<DomainName> Servers) ClosestCut(DomainName qname)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
            for (var n = qname; n.LabelCount > 0; n = n.GetParentName())
                if (Fresh((Key(n), RecordType.Ns), now) is { Kind: CacheEntryKind.Positive } ns)
                    return (n, ns.Records.OfType<NsRecord>().Select(r => r.NameServer).ToList());
        return (DomainName.Root, []);
    }

    private async Task<IReadOnlyList<IPAddress>> AddressesAsync(IReadOnlyList<DomainName> servers, int depth, CancellationToken ct)
    {
        if (servers.Count == 0) return [_root];
        var result = new List<IPAddress>();
        var now = _time.GetUtcNow();
        lock (_gate)
            foreach (var s in servers)
                if (Fresh((Key(s), RecordType.A), now) is { Kind: CacheEntryKind.Positive } a)
                    result.AddRange(a.Records.OfType<ARecord>().Select(r => r.Address));
        if (result.Count > 0) return result.Distinct().ToList();
        // Glueless delegation: resolve the name servers' addresses from the root down.
        foreach (var s in servers)
        {
            var r = await ResolveAsync(s, RecordType.A, depth + 1, ct);
            result.AddRange(r.Answer.OfType<ARecord>().Select(x => x.Address));
            if (result.Count > 0) break;
        }
        return result;
    }

    private async Task<DnsMessage?> QueryAsync(IPAddress server, DomainName qname, RecordType qtype, CancellationToken ct)
    {
        Interlocked.Increment(ref _upstream);
        var client = new ARSoft.Tools.Net.Dns.DnsClient([server], [new UdpClientTransport(_port), new TcpClientTransport(_port)], false, _timeoutMs);
        try
        {
            return await client.ResolveAsync(qname, qtype, RecordClass.INet,
                new DnsQueryOptions { IsRecursionDesired = false, IsEDnsEnabled = true, EDnsOptions = new OptRecord { UdpPayloadSize = 1232 } }, ct);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or TimeoutException) { return null; }
    }

    private static DnsRecordBase WithTtl(DnsRecordBase r, int ttl)
    {
        // ARSoft records keep TTL with a protected setter; a shallow copy with the new TTL keeps the data untouched.
        var copy = (DnsRecordBase)CloneMethod.Invoke(r, null)!;
        TtlProperty.SetValue(copy, ttl);
        return copy;
    }

    private static readonly System.Reflection.MethodInfo CloneMethod =
        typeof(object).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;
    private static readonly System.Reflection.PropertyInfo TtlProperty = typeof(DnsRecordBase).GetProperty(nameof(DnsRecordBase.TimeToLive))!;
}
