using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Migrator.Core.Diffing;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>
/// The one object an approver signs and cutover applies: the record changes (a <see cref="Plan"/> from Route 53's
/// current sets to the old zone under the TTL policy), the target name servers, the delegation change (from the
/// delegation seen at the parent to the new one) and the window, under one hash.
/// Invariant: <see cref="Hash"/> is SHA-256 over a canonical, length-prefixed form of all four, so any change to any
/// of them gives a different hash; <see cref="ToJson"/> is deterministic and <see cref="FromJson"/> gives the same hash back.
/// </summary>
public sealed record CutoverPlan
{
    public string Zone { get; }
    public string RecordsHash { get; }
    public IReadOnlyList<RecordChange> Changes { get; }
    public int ExistingSetCount { get; }
    public IReadOnlyList<string> SafetyViolations { get; }
    public IReadOnlyList<string> TargetNameServers { get; }
    public DelegationView DelegationFrom { get; }
    public DelegationView DelegationTo { get; }
    public CutoverWindow? Window { get; }
    public string Hash { get; }

    private CutoverPlan(string zone, string recordsHash, IReadOnlyList<RecordChange> changes, int existing, IReadOnlyList<string> violations,
        IReadOnlyList<string> ns, DelegationView from, DelegationView to, CutoverWindow? window)
    {
        Zone = zone; RecordsHash = recordsHash; Changes = changes; ExistingSetCount = existing; SafetyViolations = violations;
        TargetNameServers = ns.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        DelegationFrom = from; DelegationTo = to; Window = window;
        Hash = ComputeHash();
    }

    public static CutoverPlan Create(Plan records, IReadOnlyList<DomainName> targetNameServers, DelegationView from, DelegationView to, CutoverWindow? window) =>
        new(records.Zone.ToLowerString(), records.Hash, records.Changes, records.ExistingSetCount, records.Safety.Violations.Select(v => v.Message).ToList(),
            targetNameServers.Select(n => n.ToLowerString()).ToList(), from, to, window);

    public bool IsSafe => SafetyViolations.Count == 0;

    private string ComputeHash()
    {
        var buffer = new ArrayBufferWriter<byte>();
        void Str(string? s)
        {
            var bytes = s is null ? [] : Encoding.UTF8.GetBytes(s);
            var len = s is null ? -1 : bytes.Length;
            BitConverter.TryWriteBytes(buffer.GetSpan(4), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(len));
            buffer.Advance(4);
            buffer.Write(bytes);
        }
        void View(DelegationView v)
        {
            Str(v.NameServers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var n in v.NameServers.OrderBy(n => n.Name, StringComparer.Ordinal)) { Str(n.Name); Str(string.Join(",", n.Glue.Order(StringComparer.Ordinal))); }
            Str(string.Join("|", v.Ds.Order(StringComparer.Ordinal)));
            Str(v.NsTtl?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Str("migrator-cutover-plan-v1");
        Str(Zone);
        Str(RecordsHash);
        Str(string.Join(",", TargetNameServers));
        View(DelegationFrom);
        View(DelegationTo);
        Str(Window?.Opens.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Str(Window?.Closes.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>Every difference from <paramref name="other"/>, in words naming the records (shown when a recomputed plan differs from the approved one).</summary>
    public IReadOnlyList<string> DifferencesFrom(CutoverPlan other)
    {
        var diffs = new List<string>();
        static string Describe(RecordChange c) => c.Kind switch
        {
            ChangeKind.Create => $"create {c.Key} [{string.Join(" ", c.Desired!.Values)}] ttl {c.Desired.Ttl}",
            ChangeKind.Delete => $"delete {c.Key}",
            _ => $"update {c.Key} to [{string.Join(" ", c.Desired!.Values)}] ttl {c.Desired.Ttl}",
        };
        var mine = Changes.ToDictionary(c => c.Key.ToString(), Describe);
        var theirs = other.Changes.ToDictionary(c => c.Key.ToString(), Describe);
        foreach (var (k, d) in mine) if (!theirs.TryGetValue(k, out var t) || t != d) diffs.Add($"{k}: now {d}" + (theirs.TryGetValue(k, out var was) ? $" (approved: {was})" : " (not in the approved plan)"));
        foreach (var (k, d) in theirs) if (!mine.ContainsKey(k)) diffs.Add($"{k}: approved {d}, no longer needed");
        if (diffs.Count == 0 && RecordsHash != other.RecordsHash) diffs.Add("the record plan's base (existing set count) changed");
        if (!TargetNameServers.SequenceEqual(other.TargetNameServers)) diffs.Add($"target name servers now [{string.Join(" ", TargetNameServers)}], approved [{string.Join(" ", other.TargetNameServers)}]");
        if (JsonSerializer.Serialize(DelegationFrom) != JsonSerializer.Serialize(other.DelegationFrom))
            diffs.Add($"the delegation at the parent is now [{string.Join(" ", DelegationFrom.NsNames.Order())}] ds [{string.Join(" | ", DelegationFrom.Ds)}], approved from [{string.Join(" ", other.DelegationFrom.NsNames.Order())}] ds [{string.Join(" | ", other.DelegationFrom.Ds)}]");
        if (JsonSerializer.Serialize(DelegationTo) != JsonSerializer.Serialize(other.DelegationTo)) diffs.Add("the new delegation changed");
        if (Window != other.Window) diffs.Add("the window changed");
        return diffs;
    }

    private sealed record SetJson(string Name, string Type, uint Ttl, IReadOnlyList<string> Values);
    private sealed record ChangeJson(string Kind, string Name, string Type, SetJson? Existing, SetJson? Desired);
    private sealed record PlanJsonShape(string Zone, string Hash, string RecordsHash, int ExistingSets, IReadOnlyList<string> SafetyViolations,
        IReadOnlyList<ChangeJson> Changes, IReadOnlyList<string> TargetNameServers, DelegationView DelegationFrom, DelegationView DelegationTo, CutoverWindow? Window);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson()
    {
        static SetJson? Set(RecordSet? s) => s is null ? null : new SetJson(s.Name.ToString(), s.Type.ToString(), s.Ttl.Seconds, s.Values);
        return JsonSerializer.Serialize(new PlanJsonShape(Zone, Hash, RecordsHash, ExistingSetCount, SafetyViolations,
            Changes.Select(c => new ChangeJson(c.Kind.ToString(), c.Key.Name.ToString(), c.Key.Type.ToString(), Set(c.Existing), Set(c.Desired))).ToList(),
            TargetNameServers, DelegationFrom, DelegationTo, Window), Options);
    }

    public static CutoverPlan FromJson(string json)
    {
        var p = JsonSerializer.Deserialize<PlanJsonShape>(json, Options) ?? throw new FormatException("empty cutover plan");
        static RecordSet? Set(SetJson? s) => s is null ? null : new RecordSet(new RecordSetKey(DomainName.Parse(s.Name), RecordType.Parse(s.Type)), new Ttl(s.Ttl), s.Values);
        var changes = p.Changes.Select(c => Enum.Parse<ChangeKind>(c.Kind) switch
        {
            ChangeKind.Create => RecordChange.Create(Set(c.Desired)!),
            ChangeKind.Delete => RecordChange.Delete(Set(c.Existing)!),
            _ => RecordChange.Update(Set(c.Existing)!, Set(c.Desired)!),
        }).ToList();
        var plan = new CutoverPlan(p.Zone, p.RecordsHash, changes, p.ExistingSets, p.SafetyViolations, p.TargetNameServers, p.DelegationFrom, p.DelegationTo, p.Window);
        if (plan.Hash != p.Hash) throw new FormatException($"the stored cutover plan's hash {p.Hash} does not match its content ({plan.Hash})");
        return plan;
    }
}
