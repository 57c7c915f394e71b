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
    private sealed class SetInfo(Ttl ttl, SourcePosition first)
    {
        public Ttl Ttl = ttl;
        public SourcePosition First = first;
        public SourcePosition Last = first;
        public int Count;
    }

    public static ZoneReadResult Assemble(IEnumerable<ZoneFileEntry> entries, DomainName? origin, string fileName)
    {
        var diagnostics = new List<ZoneReadDiagnostic>();
        var spelling = new Dictionary<DomainName, DomainName>();
        var sets = new Dictionary<RecordSetKey, SetInfo>();
        var seen = new Dictionary<(DomainName, RecordType, string), int>();
        var kept = new List<(ResourceRecord Record, SourcePosition Position)>();
        foreach (var entry in entries)
        {
            if (entry is ZoneFileDiagnosticEntry d) { diagnostics.Add(d.Diagnostic); continue; }
            var (record, pos) = ((ZoneFileRecordEntry)entry) switch { var e => (e.Record, e.Position) };
            if (!spelling.TryGetValue(record.Name, out var name)) spelling[record.Name] = name = record.Name;
            var key = new RecordSetKey(name, record.Type);
            if (!sets.TryGetValue(key, out var info)) sets[key] = info = new SetInfo(record.Ttl, pos);
            else if (info.Ttl != record.Ttl)
            {
                diagnostics.Add(new ZoneReadDiagnostic(
                    $"{name} {record.Type}: TTL {record.Ttl} here replaces TTL {info.Ttl} of the same RRset at {info.First} (BIND keeps the later one)",
                    pos.File, pos.Line, pos.Column, IsError: false));
                info.Ttl = record.Ttl;
            }
            // BIND drops RDATA equal to an earlier one of the set, comparing names case-insensitively for the types
            // whose RDATA holds only numbers and names; the later spelling is kept.
            var dupKey = (name, record.Type, NamesOnly(record.Type) ? record.Data.ToLowerInvariant() : record.Data);
            if (seen.TryGetValue(dupKey, out var index))
            {
                kept[index] = (kept[index].Record with { Data = record.Data }, kept[index].Position);
                continue;
            }
            seen[dupKey] = kept.Count;
            info.Count++;
            info.Last = pos;
            kept.Add((record with { Name = name }, pos));
        }
        var apex = origin ?? kept.FirstOrDefault(k => k.Record.Type == RecordType.SOA).Record?.Name;
        var records = new List<ResourceRecord>(kept.Count);
        CheckZone(kept, sets, apex, diagnostics, fileName);
        foreach (var (r, _) in kept)
            records.Add(r.Ttl == sets[new RecordSetKey(r.Name, r.Type)].Ttl ? r : r with { Ttl = sets[new RecordSetKey(r.Name, r.Type)].Ttl });
        return new ZoneReadResult(records, diagnostics);
    }

    private static bool NamesOnly(RecordType t) =>
        t == RecordType.NS || t == RecordType.CNAME || t == RecordType.DNAME || t == RecordType.PTR || t == RecordType.MX
        || t == RecordType.SOA || t == RecordType.SRV || t == RecordType.RP || t == RecordType.AFSDB || t == RecordType.KX;

    private static void CheckZone(List<(ResourceRecord Record, SourcePosition Position)> kept, Dictionary<RecordSetKey, SetInfo> sets,
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
        if (!sets.ContainsKey(new RecordSetKey(apex, RecordType.SOA)))
            Err(firstPos, $"the zone has no SOA record at its apex {apex}");
        if (!sets.TryGetValue(new RecordSetKey(apex, RecordType.NS), out _))
            Err(firstPos, $"the zone has no NS records at its apex {apex}");

        var byName = new Dictionary<DomainName, List<RecordType>>();
        foreach (var key in sets.Keys)
        {
            if (!byName.TryGetValue(key.Name, out var list)) byName[key.Name] = list = new List<RecordType>(2);
            list.Add(key.Type);
        }
        foreach (var (name, types) in byName)
        {
            if (types.Contains(RecordType.CNAME) && types.Any(t => t != RecordType.CNAME && t != RecordType.RRSIG && t != RecordType.NSEC))
            {
                var other = types.Where(t => t != RecordType.CNAME).Select(t => sets[new RecordSetKey(name, t)].First);
                var cname = sets[new RecordSetKey(name, RecordType.CNAME)].First;
                var later = other.Append(cname).MaxBy(p => (p.Line, p.Column));
                Err(later, $"{name}: CNAME and other data");
            }
        }

        // Apex NS targets inside the zone need an address record (BIND checks this even with -i none).
        foreach (var (r, p) in kept)
        {
            if (r.Type != RecordType.NS || !r.Name.Equals(apex)) continue;
            if (!DomainName.TryParse(r.Data, null, out var target, out _) || !target.IsSubdomainOf(apex)) continue;
            if (!byName.TryGetValue(target, out var types) || !(types.Contains(RecordType.A) || types.Contains(RecordType.AAAA)))
                Err(p, $"NS '{target}' has no address records (A or AAAA)");
        }

        // Data below a delegation or a DNAME is occluded but BIND still loads and prints it; lint reports it.
    }
}
