using System.Runtime.InteropServices;
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
    /// <summary>
    /// One RRset as it is assembled, held by value in <see cref="SetTable"/> (a zone of a million sets is then a few
    /// arrays, not a million objects for the collector to trace). The sets of one owner form a chain from the first.
    /// Where a set was read is where its members were: its first member is the first record read for it.
    /// </summary>
    private struct SetInfo
    {
        public DomainName Name; // the owner's first spelling
        public RecordType Type;
        public ushort Covers;
        public Ttl Ttl;
        public int NextAtOwner; // index of the owner's next set, or -1
        // Indices into the kept list. Most sets hold one record, so the first needs no list; duplicates are found by a
        // scan until a set grows large.
        public int FirstMember;
        public List<int>? MoreMembers;
        public Dictionary<string, int>? Index;

        public readonly int Count => FirstMember < 0 ? 0 : 1 + (MoreMembers?.Count ?? 0);
        public readonly int LastMember => MoreMembers is { Count: > 0 } more ? more[^1] : FirstMember;
        public readonly StringComparer Comparer => NamesOnly(Type) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        public void Add(int member)
        {
            if (FirstMember < 0) { FirstMember = member; return; }
            (MoreMembers ??= new List<int>(2)).Add(member);
        }

        public readonly IEnumerable<int> Members => FirstMember < 0 ? [] : MoreMembers is null ? [FirstMember] : MoreMembers.Prepend(FirstMember);
    }

    /// <summary>Every set in the order its first record was read, and the sets of each owner (case-insensitive).</summary>
    private sealed class SetTable
    {
        private readonly Dictionary<DomainName, int> _byOwner;
        private SetInfo[] _sets;
        private DomainName? _lastName;
        private int _lastHead = -1;

        public SetTable(int capacity)
        {
            _byOwner = new Dictionary<DomainName, int>(capacity);
            _sets = new SetInfo[Math.Max(capacity, 16)];
        }

        public int Count { get; private set; }

        /// <summary>The set at <paramref name="index"/>; the reference is valid until the next <see cref="GetOrAdd"/>.</summary>
        public ref SetInfo this[int index] => ref _sets[index];

        /// <summary>The index of the set (name, type, covers), created with <paramref name="ttl"/> when new.</summary>
        public int GetOrAdd(DomainName name, RecordType type, ushort covers, Ttl ttl)
        {
            // Records of one owner usually follow each other and share the parser's name instance.
            int head;
            if (ReferenceEquals(name, _lastName)) head = _lastHead;
            else
            {
                // One probe of the table whether the owner is new or not (a new owner's entry is filled in below).
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byOwner, name, out var known);
                if (!known) slot = Count;
                head = known ? slot : -1;
                _lastName = name;
            }
            var tail = -1;
            for (var i = head; i >= 0; i = _sets[i].NextAtOwner)
            {
                if (_sets[i].Type == type && _sets[i].Covers == covers) { _lastHead = head; return i; }
                tail = i;
            }
            if (Count == _sets.Length) Array.Resize(ref _sets, _sets.Length * 2);
            var index = Count++;
            _sets[index] = new SetInfo
            {
                Name = head >= 0 ? _sets[head].Name : name, Type = type, Covers = covers, Ttl = ttl,
                NextAtOwner = -1, FirstMember = -1,
            };
            if (tail < 0) head = index; // the owner's entry already holds this index
            else _sets[tail].NextAtOwner = index;
            _lastHead = head;
            return index;
        }

        /// <summary>The index of the set (name, type), or -1.</summary>
        public int Find(DomainName name, RecordType type)
        {
            if (!_byOwner.TryGetValue(name, out var i)) return -1;
            for (; i >= 0; i = _sets[i].NextAtOwner)
                if (_sets[i].Type == type && _sets[i].Covers == 0) return i;
            return -1;
        }
    }

    /// <param name="expectedRecords">
    /// How many records to make room for (a guess; see <see cref="ExpectedRecords"/>). Growing the tables of a large zone
    /// by doubling allocates them twice over in the large object heap, and each such allocation brings a full collection
    /// of everything read so far closer.
    /// </param>
    public static ZoneReadResult Assemble(IEnumerable<ZoneFileEntry> entries, DomainName? origin, string fileName, int expectedRecords = 0)
    {
        var diagnostics = new List<ZoneReadDiagnostic>();
        var sets = new SetTable(expectedRecords);
        var kept = new List<(ResourceRecord Record, SourcePosition Position, int Set)>(expectedRecords);
        foreach (var entry in entries)
        {
            if (entry is ZoneFileDiagnosticEntry d) { diagnostics.Add(d.Diagnostic); continue; }
            var e = (ZoneFileRecordEntry)entry;
            var (record, pos) = (e.Record, e.Position);
            var set = sets.GetOrAdd(record.Name, record.Type, Covers(record), record.Ttl);
            ref var info = ref sets[set];
            var name = info.Name;
            if (info.Ttl != record.Ttl)
            {
                diagnostics.Add(new ZoneReadDiagnostic(
                    $"{name} {record.Type}: TTL {record.Ttl} here replaces TTL {info.Ttl} of the same RRset at {kept[info.FirstMember].Position} (BIND keeps the later one)",
                    pos.File, pos.Line, pos.Column, IsError: false));
                info.Ttl = record.Ttl;
            }
            // BIND drops RDATA equal to an earlier one of the set, comparing names case-insensitively for the types
            // whose RDATA holds only numbers and names; the later spelling is kept.
            var duplicate = FindDuplicate(in info, kept, record.Data);
            if (duplicate >= 0)
            {
                kept[duplicate] = (kept[duplicate].Record with { Data = record.Data }, kept[duplicate].Position, set);
                continue;
            }
            info.Add(kept.Count);
            if (info.Index is not null) info.Index[record.Data] = kept.Count;
            else if (info.Count > 16)
            {
                info.Index = new Dictionary<string, int>(info.Comparer);
                foreach (var m in info.Members) info.Index[kept.Count == m ? record.Data : kept[m].Record.Data] = m;
            }
            kept.Add((ReferenceEquals(record.Name, name) ? record : record with { Name = name }, pos, set));
        }
        var apex = origin ?? kept.FirstOrDefault(k => k.Record.Type == RecordType.SOA).Record?.Name;
        CheckZone(kept, sets, apex, diagnostics, fileName);
        var records = new List<ResourceRecord>(kept.Count);
        foreach (var (r, _, set) in kept)
        {
            var ttl = sets[set].Ttl;
            records.Add(r.Ttl == ttl ? r : r with { Ttl = ttl });
        }
        return new ZoneReadResult(records, diagnostics);
    }

    /// <summary>
    /// A guess at the records in a zone file of <paramref name="fileLength"/> octets from a typical line length (30 to 50
    /// octets); $INCLUDE and $GENERATE make it a guess only.
    /// </summary>
    public static int ExpectedRecords(long fileLength) => (int)Math.Clamp(fileLength / 36, 0, 1 << 24);

    private static int FindDuplicate(in SetInfo info, List<(ResourceRecord Record, SourcePosition Position, int Set)> kept, string data)
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
    private static ushort Covers(ResourceRecord r)
    {
        if (r.Type != RecordType.RRSIG) return 0;
        var space = r.Data.IndexOf(' ');
        return RecordType.TryParse(space < 0 ? r.Data : r.Data.AsSpan(0, space), out var t) ? t.Code : (ushort)0;
    }

    private static bool NamesOnly(RecordType t) =>
        t == RecordType.NS || t == RecordType.CNAME || t == RecordType.DNAME || t == RecordType.PTR || t == RecordType.MX
        || t == RecordType.SOA || t == RecordType.SRV || t == RecordType.RP || t == RecordType.AFSDB || t == RecordType.KX;

    private static void CheckZone(List<(ResourceRecord Record, SourcePosition Position, int Set)> kept, SetTable sets,
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
        var hasCname = false;
        for (var i = 0; i < sets.Count; i++)
        {
            ref readonly var info = ref sets[i];
            var first = kept[info.FirstMember].Position;
            if (info.Type == RecordType.SOA && apex is not null && !info.Name.Equals(apex))
                Err(first, $"SOA record for {info.Name} is not at the top of the zone ({apex})");
            if (info.Type == RecordType.DS && apex is not null && info.Name.Equals(apex))
                Err(first, $"DS record at the top of the zone ({apex}): DS belongs in the parent zone");
            if ((info.Type == RecordType.SOA || info.Type == RecordType.CNAME || info.Type == RecordType.DNAME) && info.Count > 1)
                Err(kept[info.LastMember].Position, $"{info.Name}: multiple {info.Type} records (it is a singleton type)");
            hasCname |= info.Type == RecordType.CNAME;
        }
        if (apex is null) { Err(firstPos, "the zone has no SOA record at its apex"); return; }
        if (sets.Find(apex, RecordType.SOA) < 0)
            Err(firstPos, $"the zone has no SOA record at its apex {apex}");
        if (sets.Find(apex, RecordType.NS) < 0)
            Err(firstPos, $"the zone has no NS records at its apex {apex}");

        // CNAME excludes other data at its name (RRSIG/NSEC excepted); report at the later of the two.
        if (hasCname)
        {
            for (var i = 0; i < sets.Count; i++)
            {
                ref readonly var info = ref sets[i];
                if (info.Type == RecordType.CNAME || info.Type == RecordType.RRSIG || info.Type == RecordType.NSEC) continue;
                var cnameSet = sets.Find(info.Name, RecordType.CNAME);
                if (cnameSet < 0) continue;
                var cname = kept[sets[cnameSet].FirstMember].Position;
                var first = kept[info.FirstMember].Position;
                var later = (first.Line, first.Column).CompareTo((cname.Line, cname.Column)) > 0 || first.File != cname.File ? first : cname;
                Err(later, $"{info.Name}: CNAME and other data");
            }
        }

        // Apex NS targets inside the zone need an address record (BIND checks this even with -i none).
        foreach (var (r, p, _) in kept)
        {
            if (r.Type != RecordType.NS || !r.Name.Equals(apex)) continue;
            if (!DomainName.TryParse(r.Data, null, out var target, out _) || !target.IsSubdomainOf(apex)) continue;
            if (sets.Find(target, RecordType.A) < 0 && sets.Find(target, RecordType.AAAA) < 0)
                Err(p, $"NS '{target}' has no address records (A or AAAA)");
        }

        // Data below a delegation or a DNAME is occluded but BIND still loads and prints it; lint reports it.
    }
}
