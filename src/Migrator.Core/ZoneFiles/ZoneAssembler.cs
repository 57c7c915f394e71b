using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>
/// Turns streamed entries into the zone BIND would load: an RRset split over separate parts of the file takes the TTL
/// of its last part (BIND's database merge), exact duplicates are dropped, owners print with their first spelling,
/// and BIND's load-time zone checks (SOA, apex NS, CNAME exclusivity, singleton types) are applied.
/// </summary>
internal static class ZoneAssembler
{
    private sealed class SetInfo(Ttl ttl, SourcePosition first, bool namesOnly)
    {
        public Ttl Ttl = ttl;
        public SourcePosition First = first;
        public SourcePosition Last = first;
        public int Count;
        // Indices into the kept list. Most sets hold one record, so the first needs no list; duplicates are found by a
        // scan until a set grows large.
        public int FirstMember = -1;
        public List<int>? MoreMembers;
        public Dictionary<string, int>? Index;
        public StringComparer Comparer => namesOnly ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        public void Add(int member)
        {
            if (FirstMember < 0) { FirstMember = member; return; }
            (MoreMembers ??= new List<int>(2)).Add(member);
        }

        public IEnumerable<int> Members => FirstMember < 0 ? [] : MoreMembers is null ? [FirstMember] : MoreMembers.Prepend(FirstMember);
        public int MemberCount => FirstMember < 0 ? 0 : 1 + (MoreMembers?.Count ?? 0);
    }

    public static ZoneReadResult Assemble(IEnumerable<ZoneFileEntry> entries, DomainName? origin, string fileName)
    {
        var diagnostics = new List<ZoneReadDiagnostic>();
        var spelling = new Dictionary<DomainName, DomainName>();
        var sets = new Dictionary<SetKey, SetInfo>();
        var kept = new List<(ResourceRecord Record, SourcePosition Position, SetInfo Set)>();
        foreach (var entry in entries)
        {
            if (entry is ZoneFileDiagnosticEntry d) { diagnostics.Add(d.Diagnostic); continue; }
            var e = (ZoneFileRecordEntry)entry;
            var (record, pos) = (e.Record, e.Position);
            if (!spelling.TryGetValue(record.Name, out var name)) spelling[record.Name] = name = record.Name;
            var key = new SetKey(name, record.Type, Covers(record));
            if (!sets.TryGetValue(key, out var info)) sets[key] = info = new SetInfo(record.Ttl, pos, NamesOnly(record.Type));
            else if (info.Ttl != record.Ttl)
            {
                diagnostics.Add(new ZoneReadDiagnostic(
                    $"{name} {record.Type}: TTL {record.Ttl} here replaces TTL {info.Ttl} of the same RRset at {info.First} (BIND keeps the later one)",
                    pos.File, pos.Line, pos.Column, IsError: false));
                info.Ttl = record.Ttl;
            }
            // BIND drops RDATA equal to an earlier one of the set, comparing names case-insensitively for the types
            // whose RDATA holds only numbers and names; the later spelling is kept.
            var duplicate = FindDuplicate(info, kept, record.Data);
            if (duplicate >= 0)
            {
                kept[duplicate] = (kept[duplicate].Record with { Data = record.Data }, kept[duplicate].Position, info);
                continue;
            }
            info.Count++;
            info.Last = pos;
            info.Add(kept.Count);
            if (info.Index is not null) info.Index[record.Data] = kept.Count;
            else if (info.MemberCount > 16)
            {
                info.Index = new Dictionary<string, int>(info.Comparer);
                foreach (var m in info.Members) info.Index[kept.Count == m ? record.Data : kept[m].Record.Data] = m;
            }
            kept.Add((ReferenceEquals(record.Name, name) ? record : record with { Name = name }, pos, info));
        }
        var apex = origin ?? kept.FirstOrDefault(k => k.Record.Type == RecordType.SOA).Record?.Name;
        CheckZone(kept, sets, apex, diagnostics, fileName);
        var records = new List<ResourceRecord>(kept.Count);
        foreach (var (r, _, set) in kept)
            records.Add(r.Ttl == set.Ttl ? r : r with { Ttl = set.Ttl });
        return new ZoneReadResult(records, diagnostics);
    }

    private static int FindDuplicate(SetInfo info, List<(ResourceRecord Record, SourcePosition Position, SetInfo Set)> kept, string data)
    {
        if (info.Index is not null) return info.Index.TryGetValue(data, out var i) ? i : -1;
        if (info.FirstMember < 0) return -1;
        var comparer = info.Comparer;
        if (comparer.Equals(kept[info.FirstMember].Record.Data, data)) return info.FirstMember;
        if (info.MoreMembers is not null)
            foreach (var m in info.MoreMembers)
                if (comparer.Equals(kept[m].Record.Data, data)) return m;
        return -1;
    }

    /// <summary>BIND keeps RRSIGs in one set per covered type; other types have one set per (name, type).</summary>
    private readonly record struct SetKey(DomainName Name, RecordType Type, ushort Covers = 0);

    private static ushort Covers(ResourceRecord r)
    {
        if (r.Type != RecordType.RRSIG) return 0;
        var space = r.Data.IndexOf(' ');
        return RecordType.TryParse(space < 0 ? r.Data : r.Data.AsSpan(0, space), out var t) ? t.Code : (ushort)0;
    }

    private static bool NamesOnly(RecordType t) =>
        t == RecordType.NS || t == RecordType.CNAME || t == RecordType.DNAME || t == RecordType.PTR || t == RecordType.MX
        || t == RecordType.SOA || t == RecordType.SRV || t == RecordType.RP || t == RecordType.AFSDB || t == RecordType.KX;

    private static void CheckZone(List<(ResourceRecord Record, SourcePosition Position, SetInfo Set)> kept, Dictionary<SetKey, SetInfo> sets,
        DomainName? apex, List<ZoneReadDiagnostic> diagnostics, string fileName)
    {
        var firstPos = kept.Count > 0 ? kept[0].Position : default;
        void Err(SourcePosition p, string m) => diagnostics.Add(new ZoneReadDiagnostic(m, p.File, Math.Max(1, p.Line), Math.Max(1, p.Column)));

        if (kept.Count == 0)
        {
            if (diagnostics.All(d => !d.IsError))
            {
                diagnostics.Add(new ZoneReadDiagnostic("the zone has no records (no SOA record at the apex)", fileName, 1, 1));
            }
            return;
        }
        foreach (var (key, info) in sets)
        {
            if (key.Type == RecordType.SOA && apex is not null && !key.Name.Equals(apex))
                Err(info.First, $"SOA record for {key.Name} is not at the top of the zone ({apex})");
            if (key.Type == RecordType.DS && apex is not null && key.Name.Equals(apex))
                Err(info.First, $"DS record at the top of the zone ({apex}): DS belongs in the parent zone");
            if ((key.Type == RecordType.SOA || key.Type == RecordType.CNAME || key.Type == RecordType.DNAME) && info.Count > 1)
                Err(info.Last, $"{key.Name}: multiple {key.Type} records (it is a singleton type)");
        }
        if (apex is null) { Err(firstPos, "the zone has no SOA record at its apex"); return; }
        if (!sets.ContainsKey(new SetKey(apex, RecordType.SOA)))
            Err(firstPos, $"the zone has no SOA record at its apex {apex}");
        if (!sets.TryGetValue(new SetKey(apex, RecordType.NS), out _))
            Err(firstPos, $"the zone has no NS records at its apex {apex}");

        // CNAME excludes other data at its name (RRSIG/NSEC excepted); report at the later of the two.
        var cnameOwners = new HashSet<DomainName>(sets.Keys.Where(k => k.Type == RecordType.CNAME).Select(k => k.Name));
        if (cnameOwners.Count > 0)
        {
            foreach (var (key, info) in sets)
            {
                if (key.Type == RecordType.CNAME || key.Type == RecordType.RRSIG || key.Type == RecordType.NSEC || !cnameOwners.Contains(key.Name)) continue;
                var cname = sets[new SetKey(key.Name, RecordType.CNAME)].First;
                var later = (info.First.Line, info.First.Column).CompareTo((cname.Line, cname.Column)) > 0 || info.First.File != cname.File ? info.First : cname;
                Err(later, $"{key.Name}: CNAME and other data");
            }
        }

        // Apex NS targets inside the zone need an address record (BIND checks this even with -i none).
        foreach (var (r, p, _) in kept)
        {
            if (r.Type != RecordType.NS || !r.Name.Equals(apex)) continue;
            if (!DomainName.TryParse(r.Data, null, out var target, out _) || !target.IsSubdomainOf(apex)) continue;
            if (!sets.ContainsKey(new SetKey(target, RecordType.A)) && !sets.ContainsKey(new SetKey(target, RecordType.AAAA)))
                Err(p, $"NS '{target}' has no address records (A or AAAA)");
        }

        // Data below a delegation or a DNAME is occluded but BIND still loads and prints it; lint reports it.
    }
}
