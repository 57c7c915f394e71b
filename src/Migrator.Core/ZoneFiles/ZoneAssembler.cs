using System.Numerics;
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
        public int Owner; // in the owner table, which keeps the owner's first spelling
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
    /// <summary>A record as the assembler keeps it: its RDATA (in the text pool), where it was read, and its set (owner, type, TTL).</summary>
    private readonly record struct Kept(TextRef Data, SourcePosition Position, int Set);

    private readonly record struct TextRef(int Chunk, int Offset, int Length);

    /// <summary>
    /// Values of a loading zone (RDATA text, owner names in wire form) copied into large shared arrays. They hold no
    /// references and sit in the large object heap, so a collection neither scans nor copies them: what the parser made
    /// dies young instead of being copied through the generations with the rest of the zone.
    /// </summary>
    private sealed class ChunkPool<T>(int firstChunk) where T : unmanaged
    {
        private const int ChunkLength = 1 << 20;
        private readonly List<T[]> _chunks = [];
        private T[] _current = [];
        private int _used;

        public TextRef Add(ReadOnlySpan<T> value)
        {
            // An empty value (the root's labels, empty RDATA) needs no array, even before the first one exists.
            if (value.IsEmpty) return default;
            if (value.Length > _current.Length - _used)
            {
                // The first array is sized from the expected records: a small zone does not pay for megabytes.
                var size = _chunks.Count == 0 ? Math.Clamp(firstChunk, 256, ChunkLength) : ChunkLength;
                _current = new T[Math.Max(size, value.Length)];
                _chunks.Add(_current);
                _used = 0;
            }
            value.CopyTo(_current.AsSpan(_used));
            var r = new TextRef(_chunks.Count - 1, _used, value.Length);
            _used += value.Length;
            return r;
        }

        public ReadOnlySpan<T> this[TextRef r] => r.Length == 0 ? [] : _chunks[r.Chunk].AsSpan(r.Offset, r.Length);
    }

    /// <summary>
    /// The owners of a loading zone: each owner's first spelling in wire form in a <see cref="ChunkPool{T}"/>, found by
    /// its hash in an open-addressing table of ints, with the index of its first set. A zone of a million owners is then
    /// a few arrays, not a million names for the collector to copy.
    /// </summary>
    private sealed class OwnerTable
    {
        private struct Owner
        {
            public TextRef Wire;
            public int Labels;
            public int Hash;
            public int Head; // the owner's first set
        }

        private readonly ChunkPool<byte> _wire;
        private Owner[] _owners;
        private int[] _slots; // owner index + 1; 0 is empty
        private int _count;

        public OwnerTable(int capacity)
        {
            _wire = new ChunkPool<byte>((int)Math.Min(capacity * 24L, int.MaxValue));
            _owners = new Owner[Math.Max(capacity, 16)];
            _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 16) * 2)];
        }

        /// <summary>The owner's first set, or a new owner whose first set is <paramref name="newHead"/> (then -1).</summary>
        public int HeadOrAdd(DomainName name, int newHead, out int owner)
        {
            var hash = name.GetHashCode();
            var mask = _slots.Length - 1;
            var i = hash & mask;
            for (; _slots[i] != 0; i = (i + 1) & mask)
            {
                ref var o = ref _owners[_slots[i] - 1];
                if (o.Hash == hash && name.EqualsWireLabels(_wire[o.Wire], o.Labels)) { owner = _slots[i] - 1; return o.Head; }
            }
            if (_count == _owners.Length) Array.Resize(ref _owners, _owners.Length * 2);
            owner = _count++;
            _owners[owner] = new Owner { Wire = _wire.Add(name.WireLabels), Labels = name.LabelCount, Hash = hash, Head = newHead };
            _slots[i] = owner + 1;
            if (_count * 2 > _slots.Length) Grow();
            return -1;
        }

        /// <summary>The owner's first set, or -1 when the zone has no such owner.</summary>
        public int HeadOf(DomainName name)
        {
            var hash = name.GetHashCode();
            var mask = _slots.Length - 1;
            for (var i = hash & mask; _slots[i] != 0; i = (i + 1) & mask)
            {
                ref var o = ref _owners[_slots[i] - 1];
                if (o.Hash == hash && name.EqualsWireLabels(_wire[o.Wire], o.Labels)) return o.Head;
            }
            return -1;
        }

        /// <summary>The owner's first set.</summary>
        public int Head(int owner) => _owners[owner].Head;

        /// <summary>The owner's name as first spelled (a new instance each call).</summary>
        public DomainName Name(int owner) => DomainName.FromWireLabels(_wire[_owners[owner].Wire], _owners[owner].Labels);

        private void Grow()
        {
            _slots = new int[_slots.Length * 2];
            var mask = _slots.Length - 1;
            for (var k = 0; k < _count; k++)
            {
                var i = _owners[k].Hash & mask;
                while (_slots[i] != 0) i = (i + 1) & mask;
                _slots[i] = k + 1;
            }
        }
    }

    /// <summary>
    /// The assembled zone as a list: each record is made from its set and its RDATA when it is read. The zone's records
    /// are then a few large arrays while it loads (what a collection must copy is the RDATA and one name per owner), and a
    /// writer that prints them makes short-lived objects only.
    /// </summary>
    private sealed class AssembledRecords(List<Kept> kept, SetTable sets, ChunkPool<char> text) : IReadOnlyList<ResourceRecord>
    {
        public int Count => kept.Count;

        public ResourceRecord this[int index] => Make(kept[index], null);

        /// <summary>One pass over the records; records of one owner follow each other and share one name instance.</summary>
        public IEnumerator<ResourceRecord> GetEnumerator()
        {
            DomainName? last = null;
            var lastOwner = -1;
            for (var i = 0; i < kept.Count; i++)
            {
                var owner = sets[kept[i].Set].Owner;
                if (owner != lastOwner) (last, lastOwner) = (null, owner);
                var record = Make(kept[i], last);
                last = record.Name;
                yield return record;
            }
        }

        private ResourceRecord Make(Kept k, DomainName? ownerName)
        {
            ref readonly var set = ref sets[k.Set];
            return new ResourceRecord(ownerName ?? sets.Owners.Name(set.Owner), set.Type, set.Ttl, new string(text[k.Data]));
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class SetTable
    {
        private SetInfo[] _sets;
        private DomainName? _lastName;
        private int _lastHead = -1;
        private int _lastOwner = -1;

        public SetTable(int capacity)
        {
            Owners = new OwnerTable(capacity);
            _sets = new SetInfo[Math.Max(capacity, 16)];
        }

        public OwnerTable Owners { get; }

        public int Count { get; private set; }

        /// <summary>The set at <paramref name="index"/>; the reference is valid until the next <see cref="GetOrAdd"/>.</summary>
        public ref SetInfo this[int index] => ref _sets[index];

        /// <summary>The index of the set (name, type, covers), created with <paramref name="ttl"/> when new.</summary>
        public int GetOrAdd(DomainName name, RecordType type, ushort covers, Ttl ttl)
        {
            // Records of one owner usually follow each other and share the parser's name instance.
            int head, owner;
            if (ReferenceEquals(name, _lastName)) (head, owner) = (_lastHead, _lastOwner);
            else
            {
                // One probe of the table whether the owner is new or not (a new owner's first set is the one made below).
                head = Owners.HeadOrAdd(name, Count, out owner);
                _lastName = name;
            }
            var tail = -1;
            for (var i = head; i >= 0; i = _sets[i].NextAtOwner)
            {
                if (_sets[i].Type == type && _sets[i].Covers == covers) { (_lastHead, _lastOwner) = (head, owner); return i; }
                tail = i;
            }
            if (Count == _sets.Length) Array.Resize(ref _sets, _sets.Length * 2);
            var index = Count++;
            _sets[index] = new SetInfo { Owner = owner, Type = type, Covers = covers, Ttl = ttl, NextAtOwner = -1, FirstMember = -1 };
            if (tail < 0) head = index; // the owner's entry already holds this index
            else _sets[tail].NextAtOwner = index;
            (_lastHead, _lastOwner) = (head, owner);
            return index;
        }

        /// <summary>The index of the set (name, type), or -1.</summary>
        public int Find(DomainName name, RecordType type) => FindFrom(Owners.HeadOf(name), type);

        /// <summary>The index of the set of <paramref name="type"/> at the owner of set <paramref name="set"/>, or -1.</summary>
        public int FindAtOwnerOf(int set, RecordType type) => FindFrom(Owners.Head(_sets[set].Owner), type);

        private int FindFrom(int head, RecordType type)
        {
            for (var i = head; i >= 0; i = _sets[i].NextAtOwner)
                if (_sets[i].Type == type && _sets[i].Covers == 0) return i;
            return -1;
        }

        public DomainName NameOf(int set) => Owners.Name(_sets[set].Owner);
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
        // A kept record is its RDATA, where it was read and its set: owner, type and TTL are the set's. The parser's
        // ResourceRecord is not kept, so it dies young instead of being copied through the generations with the zone.
        var kept = new List<Kept>(expectedRecords);
        var text = new ChunkPool<char>((int)Math.Min(expectedRecords * 40L, int.MaxValue));
        foreach (var entry in entries)
        {
            if (entry is ZoneFileDiagnosticEntry d) { diagnostics.Add(d.Diagnostic); continue; }
            var e = (ZoneFileRecordEntry)entry;
            var (record, pos) = (e.Record, e.Position);
            var set = sets.GetOrAdd(record.Name, record.Type, Covers(record), record.Ttl);
            ref var info = ref sets[set];
            if (info.Ttl != record.Ttl)
            {
                diagnostics.Add(new ZoneReadDiagnostic(
                    $"{sets.NameOf(set)} {record.Type}: TTL {record.Ttl} here replaces TTL {info.Ttl} of the same RRset at {kept[info.FirstMember].Position} (BIND keeps the later one)",
                    pos.File, pos.Line, pos.Column, IsError: false));
                info.Ttl = record.Ttl;
            }
            // BIND drops RDATA equal to an earlier one of the set, comparing names case-insensitively for the types
            // whose RDATA holds only numbers and names; the later spelling is kept.
            var duplicate = FindDuplicate(in info, kept, text, record.Data);
            if (duplicate >= 0)
            {
                kept[duplicate] = kept[duplicate] with { Data = text.Add(record.Data) };
                continue;
            }
            info.Add(kept.Count);
            if (info.Index is not null) info.Index[record.Data] = kept.Count;
            else if (info.Count > RecordSet.DuplicateScanLimit)
            {
                info.Index = new Dictionary<string, int>(info.Comparer);
                foreach (var m in info.Members) info.Index[kept.Count == m ? record.Data : new string(text[kept[m].Data])] = m;
            }
            kept.Add(new Kept(text.Add(record.Data), pos, set));
        }
        var apex = origin ?? FirstSoaOwner(kept, sets);
        CheckZone(kept, sets, text, apex, diagnostics, fileName);
        return new ZoneReadResult(new AssembledRecords(kept, sets, text), diagnostics);
    }

    /// <summary>
    /// A guess at the records in a zone file of <paramref name="fileLength"/> octets from a typical line length (30 to 50
    /// octets); $INCLUDE and $GENERATE make it a guess only.
    /// </summary>
    public static int ExpectedRecords(long fileLength) => (int)Math.Clamp(fileLength / 36, 0, 1 << 24);

    private static DomainName? FirstSoaOwner(List<Kept> kept, SetTable sets)
    {
        foreach (var k in kept)
            if (sets[k.Set].Type == RecordType.SOA) return sets.NameOf(k.Set);
        return null;
    }

    private static int FindDuplicate(in SetInfo info, List<Kept> kept, ChunkPool<char> text, string data)
    {
        if (info.Index is not null) return info.Index.TryGetValue(data, out var i) ? i : -1;
        if (info.FirstMember < 0) return -1;
        var comparison = NamesOnly(info.Type) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (text[kept[info.FirstMember].Data].Equals(data, comparison)) return info.FirstMember;
        if (info.MoreMembers is not null)
            foreach (var m in info.MoreMembers)
                if (text[kept[m].Data].Equals(data, comparison)) return m;
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

    private static void CheckZone(List<Kept> kept, SetTable sets, ChunkPool<char> text,
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
            if (info.Type == RecordType.SOA && apex is not null && !sets.NameOf(i).Equals(apex))
                Err(first, $"SOA record for {sets.NameOf(i)} is not at the top of the zone ({apex})");
            if (info.Type == RecordType.DS && apex is not null && sets.NameOf(i).Equals(apex))
                Err(first, $"DS record at the top of the zone ({apex}): DS belongs in the parent zone");
            if ((info.Type == RecordType.SOA || info.Type == RecordType.CNAME || info.Type == RecordType.DNAME) && info.Count > 1)
                Err(kept[info.LastMember].Position, $"{sets.NameOf(i)}: multiple {info.Type} records (it is a singleton type)");
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
                var cnameSet = sets.FindAtOwnerOf(i, RecordType.CNAME);
                if (cnameSet < 0) continue;
                var cname = kept[sets[cnameSet].FirstMember].Position;
                var first = kept[info.FirstMember].Position;
                var later = (first.Line, first.Column).CompareTo((cname.Line, cname.Column)) > 0 || first.File != cname.File ? first : cname;
                Err(later, $"{sets.NameOf(i)}: CNAME and other data");
            }
        }

        // Apex NS targets inside the zone need an address record (BIND checks this even with -i none).
        var apexNs = sets.Find(apex, RecordType.NS);
        if (apexNs >= 0)
            foreach (var m in sets[apexNs].Members)
            {
                if (!DomainName.TryParse(text[kept[m].Data], null, out var target, out _) || !target.IsSubdomainOf(apex)) continue;
                if (sets.Find(target, RecordType.A) < 0 && sets.Find(target, RecordType.AAAA) < 0)
                    Err(kept[m].Position, $"NS '{target}' has no address records (A or AAAA)");
            }

        // Data below a delegation or a DNAME is occluded but BIND still loads and prints it; lint reports it.
    }
}
