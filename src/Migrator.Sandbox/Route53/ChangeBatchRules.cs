namespace Migrator.Sandbox.Route53;

/// <summary>
/// Route 53's batch semantics: limits first, then every change in order against a working copy of the zone,
/// then whole-zone invariants (apex SOA/NS, alias targets, CNAME loops). Every problem found is reported in one
/// InvalidChangeBatch message; nothing is applied unless there are none.
/// </summary>
public static class ChangeBatchRules
{
    public const int MaxRecordsPerBatch = 1000;
    public const int MaxCharactersPerBatch = 32000;
    public const int MaxValuesPerSet = 400;

    public static Result<ZoneRecords> Apply(HostedZoneState zone, IReadOnlyList<RecordChange> changes, int maxSetsPerZone)
    {
        // UPSERT counts double against both batch limits (it is a DELETE plus a CREATE for the quota).
        long records = 0, characters = 0;
        foreach (var c in changes)
        {
            var factor = c.Action == "UPSERT" ? 2 : 1;
            records += factor * (c.Set.AliasTarget is not null ? 1 : c.Set.Values.Length);
            characters += factor * c.Set.Values.Sum(v => (long)v.Length);
        }
        if (records > MaxRecordsPerBatch) return ApiError.InvalidChangeBatch([$"Number of records limit of {MaxRecordsPerBatch} exceeded."]);
        if (characters > MaxCharactersPerBatch) return ApiError.InvalidChangeBatch([$"Number of characters limit of {MaxCharactersPerBatch} exceeded."]);

        var working = zone.Records.Sets.ToBuilder();
        // Sets per owner name, so conflict checks cost O(sets at the name), not O(zone), per change.
        var byName = new Dictionary<string, HashSet<RecordSetKey>>(StringComparer.Ordinal);
        foreach (var key0 in working.Keys) Index(byName, key0.SortName).Add(key0);
        var messages = new List<string>();
        var touchedCnames = new List<RecordSetData>();
        foreach (var (action, set) in changes)
        {
            if (!set.Name.IsSubdomainOf(zone.Name))
            {
                messages.Add($"RRSet with DNS name {set.Name.Text} is not permitted in zone {zone.Name.Text}");
                continue;
            }
            if (action is "CREATE" or "UPSERT")
            {
                var valueProblems = ValueProblems(zone, set);
                if (valueProblems.Count > 0) { messages.AddRange(valueProblems); continue; }
            }
            var key = set.Key;
            var exists = working.TryGetValue(key, out var current);
            switch (action)
            {
                case "CREATE" when exists:
                    messages.Add($"Tried to create resource record set {Describe(set)} but it already exists");
                    continue;
                case "DELETE" when !exists:
                    messages.Add($"Tried to delete resource record set {Describe(set)} but it was not found");
                    continue;
                case "DELETE" when !current!.MatchesExactly(set):
                    messages.Add($"Tried to delete resource record set {Describe(set)} but the values provided do not match the current values");
                    continue;
                case "DELETE":
                    working.Remove(key);
                    Index(byName, key.SortName).Remove(key);
                    continue;
            }
            var others = Index(byName, key.SortName).Where(k => k.CompareTo(key) != 0).Select(k => working[k]).ToList();
            if (set.Type == "CNAME" && others.Any(o => o.Type != "CNAME"))
            {
                messages.Add($"RRSet of type CNAME with DNS name {set.Name.Text} is not permitted as it conflicts with other records with the same DNS name in zone {zone.Name.Text}");
                continue;
            }
            if (set.Type != "CNAME" && others.Any(o => o.Type == "CNAME"))
            {
                messages.Add($"RRSet of type {set.Type} with DNS name {set.Name.Text} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone {zone.Name.Text}");
                continue;
            }
            working[key] = set;
            Index(byName, key.SortName).Add(key);
            if (set.Type == "CNAME") touchedCnames.Add(set);
        }

        var apex = Index(byName, zone.Name.SortKey);
        if (apex.Count(k => k.Type == "SOA") != 1) messages.Add("A HostedZone must contain exactly one SOA record.");
        if (!apex.Any(k => k.Type == "NS"))
            messages.Add("A HostedZone must contain at least one NS record for the zone itself.");

        foreach (var cname in touchedCnames.Where(c => working.ContainsKey(c.Key) && CreatesLoop(working, byName, c)))
            messages.Add($"RRSet of type CNAME with DNS name {cname.Name.Text} is not permitted as it creates a CNAME loop in the zone.");

        foreach (var (_, set) in changes)
        {
            if (set.AliasTarget is not { } alias || !working.ContainsKey(set.Key)) continue;
            if (!string.Equals(StripZonePrefix(alias.HostedZoneId), zone.Id, StringComparison.Ordinal)) continue;
            if (!R53Name.TryParse(alias.DnsName, out var target, out _)) continue;
            if (!Index(byName, target.SortKey).Any(k => k.Type == set.Type))
                messages.Add($"Tried to create an alias that targets {target.Text}, type {set.Type} in zone {zone.Id}, but the alias target name does not lie within the target zone");
        }

        if (messages.Count > 0) return ApiError.InvalidChangeBatch(messages.Distinct());
        if (working.Count > maxSetsPerZone)
            return new ApiError(400, "InvalidChangeBatch", $"[Tried to create resource record sets beyond the limit of {maxSetsPerZone} for zone {zone.Name.Text}]");
        return new ZoneRecords(working.ToImmutable());
    }

    public static string Describe(RecordSetData set) =>
        set.SetIdentifier is null
            ? $"[name='{set.Name.Text}', type='{set.Type}']"
            : $"[name='{set.Name.Text}', type='{set.Type}', set-identifier='{set.SetIdentifier}']";

    private static List<string> ValueProblems(HostedZoneState zone, RecordSetData set)
    {
        var problems = new List<string>();
        if (set.AliasTarget is not null) return problems;
        if (set.Values.Length > MaxValuesPerSet)
            problems.Add($"Too many values in RRSet {Describe(set)}: at most {MaxValuesPerSet} values are allowed in one resource record set");
        if (set.Type is "CNAME" or "SOA" && set.Values.Length > 1)
            problems.Add($"RRSet of type {set.Type} with DNS name {set.Name.Text} is not permitted to have more than one value");
        if (set.Type == "SOA" && !set.Name.Equals(zone.Name))
            problems.Add($"RRSet of type SOA with DNS name {set.Name.Text} is not permitted because SOA records are only allowed at the zone apex {zone.Name.Text}");
        if (set.Type == "NS" && set.Name.IsWildcard)
            problems.Add($"RRSet of type NS with DNS name {set.Name.Text} is not permitted because NS records cannot be wildcards");
        if (set.Type is "NS" or "SOA" or "DS" && set.SetIdentifier is not null)
            problems.Add($"RRSet of type {set.Type} with DNS name {set.Name.Text} is not permitted to use a routing policy other than simple");
        if (set.Type == "DS" && set.Name.Equals(zone.Name))
            problems.Add($"RRSet of type DS with DNS name {set.Name.Text} is not permitted at the zone apex");
        foreach (var v in set.Values)
            if (RecordValueRules.Validate(set.Type, v) is { } p) problems.Add(p);
        return problems;
    }

    private static HashSet<RecordSetKey> Index(Dictionary<string, HashSet<RecordSetKey>> byName, string sortName)
    {
        if (!byName.TryGetValue(sortName, out var keys)) byName[sortName] = keys = [];
        return keys;
    }

    private static bool CreatesLoop(IDictionary<RecordSetKey, RecordSetData> sets, Dictionary<string, HashSet<RecordSetKey>> byName, RecordSetData start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.Name.Text };
        var current = start;
        for (var hops = 0; hops < 64; hops++)
        {
            if (!R53Name.TryParse(current.Values.FirstOrDefault(), out var target, out _)) return false;
            if (!seen.Add(target.Text)) return target.Equals(start.Name) || seen.Contains(target.Text);
            if (!byName.TryGetValue(target.SortKey, out var keys) || keys.FirstOrDefault(k => k.Type == "CNAME") is not { Type: "CNAME" } next) return false;
            current = sets[next];
        }
        return true;
    }

    public static string StripZonePrefix(string id)
    {
        var slash = id.LastIndexOf('/');
        return slash >= 0 ? id[(slash + 1)..] : id;
    }
}
