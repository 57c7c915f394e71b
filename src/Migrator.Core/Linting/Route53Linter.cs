using System.Globalization;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Linting;

/// <summary>
/// Checks a zone against what Route 53 accepts and what a migration needs. Pure: the same records give the same
/// report, in a stable order. Every finding names a rule from <see cref="Rules"/>.
/// </summary>
public static class Route53Linter
{
    public static class Rules
    {
        public static readonly LintRule UnsupportedType = new("R53001", LintSeverity.Error, "record type not served by Route 53");
        public static readonly LintRule Dname = new("R53002", LintSeverity.Error, "DNAME not supported by Route 53");
        public static readonly LintRule DnssecRecord = new("R53003", LintSeverity.Warning, "DNSSEC record from the old signer");
        public static readonly LintRule CnameAtApex = new("R53004", LintSeverity.Error, "CNAME at the zone apex");
        public static readonly LintRule CnameAndOtherData = new("R53005", LintSeverity.Error, "CNAME beside other data");
        public static readonly LintRule CnameSeveralValues = new("R53006", LintSeverity.Error, "CNAME with more than one value");
        public static readonly LintRule TxtStringTooLong = new("R53007", LintSeverity.Error, "TXT/SPF string over 255 octets");
        public static readonly LintRule ValueTooLong = new("R53008", LintSeverity.Error, "value over 4,000 characters");
        public static readonly LintRule TooManyValues = new("R53009", LintSeverity.Error, "more than 400 values in a set");
        public static readonly LintRule RecordSetQuota = new("R53010", LintSeverity.Warning, "more record sets than the hosted-zone quota");
        public static readonly LintRule ApexSoa = new("R53011", LintSeverity.Info, "apex SOA is Route 53's own");
        public static readonly LintRule ApexNs = new("R53012", LintSeverity.Info, "apex NS is Route 53's own");
        public static readonly LintRule TtlAboveMigrationPolicy = new("R53013", LintSeverity.Warning, "TTL above the migration policy");
        public static readonly LintRule NameOutsideZone = new("R53014", LintSeverity.Error, "name outside the zone");
        public static readonly LintRule WildcardNotLeftmostLabel = new("R53015", LintSeverity.Error, "'*' that is not the whole leftmost label");
        public static readonly LintRule WildcardNs = new("R53016", LintSeverity.Error, "wildcard NS");
        public static readonly LintRule MissingGlue = new("R53017", LintSeverity.Error, "delegation without glue for an in-bailiwick name server");
        public static readonly LintRule InZoneNameServerWithoutAddress = new("R53018", LintSeverity.Warning, "in-zone name server without an address");
        public static readonly LintRule DsNotAtDelegation = new("R53019", LintSeverity.Error, "DS not at a delegation point");
        public static readonly LintRule SpfTypeDeprecated = new("R53020", LintSeverity.Warning, "SPF record type is deprecated");
        public static readonly LintRule OccludedData = new("R53021", LintSeverity.Warning, "data hidden by a delegation");
        public static readonly LintRule TargetIsAlias = new("R53022", LintSeverity.Warning, "MX/NS/SRV target is a CNAME");
        public static readonly LintRule SoaNotAtApex = new("R53023", LintSeverity.Error, "SOA below the apex");

        public static IReadOnlyList<LintRule> All { get; } =
        [
            UnsupportedType, Dname, DnssecRecord, CnameAtApex, CnameAndOtherData, CnameSeveralValues, TxtStringTooLong,
            ValueTooLong, TooManyValues, RecordSetQuota, ApexSoa, ApexNs, TtlAboveMigrationPolicy, NameOutsideZone,
            WildcardNotLeftmostLabel, WildcardNs, MissingGlue, InZoneNameServerWithoutAddress, DsNotAtDelegation,
            SpfTypeDeprecated, OccludedData, TargetIsAlias, SoaNotAtApex,
        ];
    }

    public const int MaxCharacterStringOctets = 255;
    public const int MaxValueCharacters = 4_000;
    public const int MaxValuesPerSet = 400;

    /// <summary>Types Route 53 serves (reference/route53-wire.md §5).</summary>
    public static readonly IReadOnlySet<RecordType> SupportedTypes = new HashSet<RecordType>
    {
        RecordType.SOA, RecordType.A, RecordType.TXT, RecordType.NS, RecordType.CNAME, RecordType.MX, RecordType.NAPTR,
        RecordType.PTR, RecordType.SRV, RecordType.SPF, RecordType.AAAA, RecordType.CAA, RecordType.DS, RecordType.TLSA,
        RecordType.SSHFP, RecordType.SVCB, RecordType.HTTPS,
    };

    /// <summary>Records a DNSSEC signer generates; Route 53 signs with its own keys, so these are never copied.</summary>
    private static readonly HashSet<RecordType> SignerTypes =
    [
        RecordType.RRSIG, RecordType.NSEC, RecordType.NSEC3, RecordType.NSEC3PARAM, RecordType.DNSKEY, RecordType.CDS, RecordType.CDNSKEY,
    ];

    public static LintReport Lint(DomainName origin, IEnumerable<ResourceRecord> records, Route53LintPolicy? policy = null) =>
        Lint(origin, RecordSet.Group(records), policy);

    public static LintReport Lint(DomainName origin, IReadOnlyList<RecordSet> sets, Route53LintPolicy? policy = null)
    {
        policy ??= Route53LintPolicy.Default;
        var findings = new List<LintFinding>();
        var zone = new ZoneIndex(origin, sets);

        var importedSets = 0;
        foreach (var set in sets)
        {
            var type = set.Type;
            var isApex = set.Name.Equals(origin);
            if (!set.Name.IsSubdomainOf(origin))
            {
                Add(findings, Rules.NameOutsideZone, set, $"{set.Name} is not in the zone {origin}.",
                    $"Remove it, or move it to the zone it belongs to.");
                continue;
            }

            if (type == RecordType.DNAME)
                Add(findings, Rules.Dname, set, $"Route 53 cannot serve DNAME (it redirects the whole subtree below {set.Name} to {First(set)}).",
                    "Replace it with a CNAME for each name actually used below it, or keep that subtree on a provider that supports DNAME.");
            else if (SignerTypes.Contains(type))
                Add(findings, Rules.DnssecRecord, set, $"{type} comes from the old provider's DNSSEC signing and will not be imported.",
                    "Remove the DS at the parent before changing the name servers (signing cannot span two providers), then enable Route 53 DNSSEC signing after the move.");
            else if (!SupportedTypes.Contains(type))
                Add(findings, Rules.UnsupportedType, set, $"Route 53 does not serve {type} records; it accepts only {string.Join(' ', SupportedTypes.OrderBy(t => t.Code))}.",
                    $"Drop the {type} set or keep this name on a provider that serves {type}; if clients depend on it, tell them before the cutover.");
            else if (!(isApex && (type == RecordType.SOA || type == RecordType.NS)))
                importedSets++;

            if (isApex && type == RecordType.SOA)
                Add(findings, Rules.ApexSoa, set, "Route 53 creates its own SOA with the hosted zone; this one will not be imported.",
                    "Nothing to do. Adjust the Route 53 SOA timers afterwards if you relied on these values.");
            if (isApex && type == RecordType.NS)
                Add(findings, Rules.ApexNs, set, "Route 53 assigns its own four name servers; this NS set will not be imported.",
                    "Nothing to do now. The registrar's NS records change to the Route 53 set at cutover, not through this import.");
            if (!isApex && type == RecordType.SOA)
                Add(findings, Rules.SoaNotAtApex, set, $"An SOA can only sit at the zone apex {origin}.",
                    "Delete it; if it starts a child zone, that zone needs its own hosted zone and a delegation (NS) here.");

            if (type == RecordType.CNAME)
            {
                if (isApex)
                    Add(findings, Rules.CnameAtApex, set, "A CNAME cannot sit at the apex: the apex also holds SOA and NS.",
                        "Use a Route 53 alias record (A/AAAA alias) at the apex, or the target's A/AAAA addresses.");
                if (set.Values.Count > 1)
                    Add(findings, Rules.CnameSeveralValues, set, $"A CNAME set holds exactly one value; this one has {set.Values.Count}.",
                        "Keep one target; for several targets use A/AAAA sets or weighted records.");
                var others = zone.TypesAt(set.Name).Where(t => t != RecordType.CNAME && !SignerTypes.Contains(t)).ToList();
                if (others.Count > 0)
                    Add(findings, Rules.CnameAndOtherData, set, $"{set.Name} has a CNAME and also {string.Join(", ", others)}; a CNAME name can hold nothing else.",
                        "Remove the other records at this name, or replace the CNAME with the target's records (or an alias).");
            }

            if (type == RecordType.TXT || type == RecordType.SPF)
                foreach (var value in set.Values)
                {
                    // RFC 1035 §5.1: \DDD is one octet; a value the reader accepted always parses.
                    var longest = CharacterStrings.TryParse(value, EscapeBase.Decimal, out var strings, out _)
                        ? strings.Select(s => s.Length).DefaultIfEmpty(0).Max() : 0;
                    if (longest > MaxCharacterStringOctets)
                        Add(findings, Rules.TxtStringTooLong, set, $"A character-string of {longest} octets is above the 255-octet limit of a TXT string.",
                            "Split it into several quoted strings of at most 255 characters in the same value: \"part1\" \"part2\".");
                }

            var longestValue = set.Values.Max(v => v.Length);
            if (longestValue > MaxValueCharacters)
                Add(findings, Rules.ValueTooLong, set, $"A value of {longestValue} characters is above Route 53's limit of 4,000 characters per value.",
                    "Shorten it (for SPF, flatten fewer includes or split across include: names).");

            if (set.Values.Count > MaxValuesPerSet)
                Add(findings, Rules.TooManyValues, set, $"The set has {set.Values.Count} values; Route 53 accepts at most 400 per set.",
                    "Spread the values over several names, or use weighted sets with set identifiers.");

            // Addresses of name servers are not web-facing: they follow the NS TTL, which the delegation step manages.
            if (policy.EffectiveTtlCheckedTypes.Contains(type) && set.Ttl.Seconds > policy.MaxMigrationTtl && !zone.IsNameServerAddress(set))
                Add(findings, Rules.TtlAboveMigrationPolicy, set, $"TTL {set.Ttl} s is above the migration policy of {policy.MaxMigrationTtl} s: a rollback could take that long to reach clients.",
                    $"Lower the TTL to {policy.MaxMigrationTtl} at the old provider at least one old TTL before the cutover; raise it again once the move is confirmed.");

            CheckWildcard(findings, set);
            if (type == RecordType.NS && !isApex) CheckDelegation(findings, zone, set);
            if (type == RecordType.DS && (isApex || !zone.Has(set.Name, RecordType.NS)))
                Add(findings, Rules.DsNotAtDelegation, set,
                    isApex ? "A DS for the zone itself belongs in the parent zone, not here." : $"{set.Name} has a DS but no NS: a DS only makes sense at a delegation point.",
                    isApex ? "Delete it here; DS records for this zone are published at the registrar/parent." : "Add the delegation's NS set, or delete the DS.");
            if (type == RecordType.SPF)
                Add(findings, Rules.SpfTypeDeprecated, set, "RFC 7208 deprecated the SPF record type; receivers only read TXT.",
                    "Publish the same policy as a TXT record (\"v=spf1 ...\") and drop the SPF set.");
            if (zone.DelegationAbove(set.Name) is { } cut && !zone.IsGlue(set))
                Add(findings, Rules.OccludedData, set, $"{set.Name} lies below the delegation {cut}, so resolvers never see this {type} set from this zone.",
                    $"Move it to the child zone {cut}, or delete it.");
            if (set.Name.Equals(zone.DelegationAt(set.Name)) && type != RecordType.NS && type != RecordType.DS && !SignerTypes.Contains(type))
                Add(findings, Rules.OccludedData, set, $"{set.Name} is a delegation point, where only NS and DS are answered by this zone.",
                    $"Move the {type} set to the child zone {set.Name}, or delete it.");
            CheckTargetIsCname(findings, zone, set);
        }

        // Route 53 adds its own apex SOA and NS to the hosted zone, and they count toward the quota.
        var total = importedSets + 2;
        if (total > policy.RecordSetQuota)
            findings.Add(new LintFinding(Rules.RecordSetQuota.Id, Rules.RecordSetQuota.Severity, origin, null,
                $"The zone would hold {total.ToString("N0", CultureInfo.InvariantCulture)} record sets (with Route 53's SOA and NS); the quota is {policy.RecordSetQuota.ToString("N0", CultureInfo.InvariantCulture)} per hosted zone.",
                "Request a higher 'Records per hosted zone' quota (Service Quotas, Route 53) before the import, or split the zone with delegations."));

        findings.Sort(static (a, b) =>
        {
            var c = a.Owner.CompareTo(b.Owner);
            if (c != 0) return c;
            c = (a.Type?.Code ?? 0).CompareTo(b.Type?.Code ?? 0);
            return c != 0 ? c : string.CompareOrdinal(a.RuleId, b.RuleId);
        });
        return new LintReport(findings);
    }

    private static void CheckWildcard(List<LintFinding> findings, RecordSet set)
    {
        var name = set.Name;
        for (var i = 0; i < name.LabelCount; i++)
        {
            var label = name.Label(i);
            if (label.IndexOf((byte)'*') < 0 || (i == 0 && label.Length == 1)) continue;
            Add(findings, Rules.WildcardNotLeftmostLabel, set,
                $"'*' in label {i + 1} of {name} is a literal asterisk, not a wildcard: a wildcard is '*' alone as the leftmost label.",
                "Use '*.name' for a wildcard; if a literal '*' is really meant, note that Route 53 treats it as a wildcard only when it is the whole leftmost label.");
            break;
        }
        if (name.IsWildcard && set.Type == RecordType.NS)
            Add(findings, Rules.WildcardNs, set, "Route 53 does not accept NS records at a wildcard name (RFC 4592 §4.2 advises against them).",
                "Delegate each child name explicitly.");
    }

    private static void CheckDelegation(List<LintFinding> findings, ZoneIndex zone, RecordSet ns)
    {
        foreach (var value in ns.Values)
        {
            if (!DomainName.TryParse(value.AsSpan().Trim(), null, out var target, out _)) continue;
            if (!target.IsSubdomainOf(zone.Origin) || zone.HasAddress(target)) continue;
            if (target.IsSubdomainOf(ns.Name))
                Add(findings, Rules.MissingGlue, ns, $"Name server {target} lies inside the delegated zone {ns.Name} but has no A/AAAA glue here: resolvers cannot reach it.",
                    $"Add A and/or AAAA records for {target} to this zone (glue).");
            else
                Add(findings, Rules.InZoneNameServerWithoutAddress, ns, $"Name server {target} is in this zone but has no A/AAAA record.",
                    $"Add A/AAAA records for {target}, or point the delegation at a name server that resolves.");
        }
    }

    private static void CheckTargetIsCname(List<LintFinding> findings, ZoneIndex zone, RecordSet set)
    {
        // RFC 2181 §10.3: MX and NS must name a host with addresses, never an alias; RFC 2782 says the same of SRV.
        int field;
        if (set.Type == RecordType.MX) field = 1;
        else if (set.Type == RecordType.NS) field = 0;
        else if (set.Type == RecordType.SRV) field = 3;
        else return;
        foreach (var value in set.Values)
        {
            var parts = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length <= field || !DomainName.TryParse(parts[field], null, out var target, out _)) continue;
            if (!zone.Has(target, RecordType.CNAME)) continue;
            Add(findings, Rules.TargetIsAlias, set, $"{set.Type} target {target} is a CNAME; RFC 2181 §10.3 forbids aliases here and some servers will fail.",
                $"Point the {set.Type} at the canonical name the CNAME leads to.");
        }
    }

    private static string First(RecordSet set) => set.Values.Count > 0 ? set.Values[0] : "";

    private static void Add(List<LintFinding> findings, LintRule rule, RecordSet set, string message, string fix) =>
        findings.Add(new LintFinding(rule.Id, rule.Severity, set.Name, set.Type, message, fix));

    /// <summary>Lookups the rules share: types per name and the delegation points.</summary>
    private sealed class ZoneIndex
    {
        private readonly Dictionary<DomainName, List<RecordType>> _types = [];
        private readonly HashSet<DomainName> _delegations = [];
        private readonly HashSet<DomainName> _nameServerTargets = [];
        private readonly HashSet<DomainName> _apexNameServers = [];

        public DomainName Origin { get; }

        public ZoneIndex(DomainName origin, IReadOnlyList<RecordSet> sets)
        {
            Origin = origin;
            foreach (var s in sets)
            {
                if (!_types.TryGetValue(s.Name, out var list)) _types[s.Name] = list = [];
                list.Add(s.Type);
                if (s.Type == RecordType.NS && s.Name.Equals(origin))
                    foreach (var v in s.Values)
                        if (DomainName.TryParse(v.AsSpan().Trim(), null, out var t, out _)) _apexNameServers.Add(t);
                if (s.Type == RecordType.NS && !s.Name.Equals(origin) && s.Name.IsSubdomainOf(origin))
                {
                    _delegations.Add(s.Name);
                    foreach (var v in s.Values)
                        if (DomainName.TryParse(v.AsSpan().Trim(), null, out var t, out _)) _nameServerTargets.Add(t);
                }
            }
        }

        public IReadOnlyList<RecordType> TypesAt(DomainName name) => _types.TryGetValue(name, out var l) ? l : [];
        public bool Has(DomainName name, RecordType type) => _types.TryGetValue(name, out var l) && l.Contains(type);
        public bool HasAddress(DomainName name) => Has(name, RecordType.A) || Has(name, RecordType.AAAA);

        public DomainName? DelegationAt(DomainName name) => _delegations.Contains(name) ? name : null;

        /// <summary>The delegation point strictly above <paramref name="name"/>, if any.</summary>
        public DomainName? DelegationAbove(DomainName name)
        {
            if (_delegations.Count == 0) return null;
            var n = name;
            while (n.LabelCount > Origin.LabelCount + 1)
            {
                n = n.Parent();
                if (_delegations.Contains(n)) return n;
            }
            return null;
        }

        /// <summary>Address records of a name server named by a delegation: needed below the cut as glue.</summary>
        public bool IsGlue(RecordSet set) =>
            (set.Type == RecordType.A || set.Type == RecordType.AAAA) && _nameServerTargets.Contains(set.Name);

        /// <summary>Address records of any name server of this zone or its delegations.</summary>
        public bool IsNameServerAddress(RecordSet set) =>
            (set.Type == RecordType.A || set.Type == RecordType.AAAA) && (_nameServerTargets.Contains(set.Name) || _apexNameServers.Contains(set.Name));
    }
}
