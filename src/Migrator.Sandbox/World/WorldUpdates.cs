using System.Globalization;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;
using CoreDomainName = Migrator.Core.Zones.DomainName;
using CoreRecordType = Migrator.Core.Zones.RecordType;

namespace Migrator.Sandbox.World;

/// <summary>
/// RFC 2136 on a <see cref="WorldZone"/>, as BIND applies it: prerequisites (§3.2) all-or-nothing, then the updates
/// (§3.4), the apex SOA and last apex NS protected, an added record taking over its RRset's TTL, and the SOA serial
/// bumped once when anything changed.
/// </summary>
internal static class WorldUpdates
{
    public static ReturnCode Apply(WorldZone zone, IReadOnlyList<PrequisiteBase> prerequisites, IReadOnlyList<UpdateBase> updates) =>
        zone.Update(records =>
        {
            var list = records.ToList();
            foreach (var p in prerequisites.Concat<object>(updates))
            {
                var name = p switch { PrequisiteBase pb => pb.Name, UpdateBase ub => ub.Name, _ => null };
                if (name is null || !name.IsEqualOrSubDomainOf(zone.ArApex)) return (null, ReturnCode.NotZone);
            }
            var check = CheckPrerequisites(list, prerequisites);
            if (check != ReturnCode.NoError) return (null, check);
            var changed = false;
            foreach (var u in updates)
            {
                try { changed |= ApplyOne(zone, list, u); }
                catch (FormatException) { return (null, ReturnCode.FormatError); }
            }
            if (!changed) return (null, ReturnCode.NoError);
            BumpSerial(zone, list);
            return (list, ReturnCode.NoError);
        });

    private static ReturnCode CheckPrerequisites(List<ResourceRecord> records, IReadOnlyList<PrequisiteBase> prerequisites)
    {
        foreach (var p in prerequisites)
        {
            var name = Core(p.Name);
            var atName = records.Where(r => r.Name == name).ToList();
            switch (p)
            {
                case NameIsInUsePrequisite when atName.Count == 0: return ReturnCode.NxDomain;
                case NameIsNotInUsePrequisite when atName.Count > 0: return ReturnCode.YXDomain;
                case RecordExistsValueIndependantPrequisite x when !atName.Any(r => r.Type.Code == (ushort)x.RecordType): return ReturnCode.NXRRSet;
                case RecordNotExistsPrequisite x when atName.Any(r => r.Type.Code == (ushort)x.RecordType): return ReturnCode.YXRRSet;
            }
        }
        // Value-dependent prerequisites compare whole RRsets (RFC 2136 §3.2.3).
        foreach (var group in prerequisites.OfType<RecordExistsValueDependantPrequisite>().GroupBy(p => (p.Record.Name.ToString().ToLowerInvariant(), p.Record.RecordType)))
        {
            List<ResourceRecord> wanted;
            try { wanted = group.Select(p => ToCore(p.Record)).ToList(); }
            catch (FormatException) { return ReturnCode.FormatError; }
            var have = records.Where(r => r.Name == wanted[0].Name && r.Type == wanted[0].Type).Select(r => r.Data).ToHashSet(StringComparer.Ordinal);
            if (!have.SetEquals(wanted.Select(w => w.Data))) return ReturnCode.NXRRSet;
        }
        return ReturnCode.NoError;
    }

    private static bool ApplyOne(WorldZone zone, List<ResourceRecord> records, UpdateBase update)
    {
        var name = Core(update.Name);
        var isApex = name == zone.Apex;
        switch (update)
        {
            case AddRecordUpdate add:
            {
                var r = ToCore(add.Record);
                if (r.Type == CoreRecordType.SOA)
                {
                    if (!isApex) return false;
                    records.RemoveAll(x => x.Type == CoreRecordType.SOA);
                    records.Add(r);
                    return true;
                }
                // CNAME and other data cannot share a name (RFC 2136 §3.4.2.2): BIND ignores the conflicting add.
                if (r.Type == CoreRecordType.CNAME ? records.Any(x => x.Name == name && x.Type != CoreRecordType.CNAME)
                    : records.Any(x => x.Name == name && x.Type == CoreRecordType.CNAME)) return false;
                var sameSet = records.Where(x => x.Name == name && x.Type == r.Type).ToList();
                var changed = false;
                if (sameSet.Any(x => x.Ttl != r.Ttl))
                {
                    foreach (var x in sameSet) records[records.IndexOf(x)] = x with { Ttl = r.Ttl };
                    changed = true;
                }
                if (sameSet.Any(x => x.Data == r.Data)) return changed;
                if (r.Type == CoreRecordType.CNAME) records.RemoveAll(x => x.Name == name && x.Type == CoreRecordType.CNAME);
                records.Add(r);
                return true;
            }
            case DeleteAllRecordsUpdate all:
            {
                var removed = all.RecordType == ARSoft.Tools.Net.Dns.RecordType.Any
                    ? records.RemoveAll(x => x.Name == name && !(isApex && (x.Type == CoreRecordType.SOA || x.Type == CoreRecordType.NS)))
                    : isApex && (all.RecordType is ARSoft.Tools.Net.Dns.RecordType.Soa or ARSoft.Tools.Net.Dns.RecordType.Ns) ? 0
                    : records.RemoveAll(x => x.Name == name && x.Type.Code == (ushort)all.RecordType);
                return removed > 0;
            }
            case DeleteRecordUpdate one:
            {
                var r = ToCore(one.Record);
                if (r.Type == CoreRecordType.SOA) return false;
                if (isApex && r.Type == CoreRecordType.NS && records.Count(x => x.Name == name && x.Type == CoreRecordType.NS) <= 1) return false;
                return records.RemoveAll(x => x.Name == name && x.Type == r.Type && x.Data == r.Data) > 0;
            }
            default:
                return false;
        }
    }

    private static void BumpSerial(WorldZone zone, List<ResourceRecord> records)
    {
        var i = records.FindIndex(r => r.Type == CoreRecordType.SOA);
        var f = records[i].Data.Split(' ');
        f[2] = unchecked(uint.Parse(f[2], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        records[i] = records[i] with { Data = string.Join(' ', f) };
    }

    internal static CoreDomainName Core(ARSoft.Tools.Net.DomainName name) => CoreDomainName.Parse(name.ToString());

    /// <summary>An ARSoft record in Core's canonical form (names absolute, BIND's presentation).</summary>
    internal static ResourceRecord ToCore(DnsRecordBase record)
    {
        // ARSoft prints "owner ttl class type rdata"; the RDATA part is re-read by Core's codec to canonicalise it.
        var text = record.ToString();
        var parts = text.Split((char[])[' ', '\t'], 5, StringSplitOptions.RemoveEmptyEntries);
        var type = CoreRecordType.Parse(parts[3]);
        var data = parts.Length > 4 ? Rdata.Parse(type, parts[4], CoreDomainName.Root).ToString() : "";
        return new ResourceRecord(Core(record.Name), type, new Ttl((uint)Math.Max(0, record.TimeToLive)), data);
    }
}
