using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Migrator.Core.Linting;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Advising;

/// <summary>
/// Checks the records that protect a zone's mail and certificates (SPF, DMARC, TLS-RPT, MTA-STS, DKIM, CAA, null MX)
/// and its SOA, and proposes the records a security-minded operator would add. Every finding names a rule from
/// <see cref="Rules"/>. The same records and the same resolver answers give the same report, in a stable order.
/// Entry points: <see cref="AdviseAsync"/> for a zone file or a live zone's record list; <see cref="Advise"/> offline.
/// </summary>
public static class SecurityRecordsAdvisor
{
    public static class Rules
    {
        public static readonly AdviceRule SpfMultiple = new("SEC001", LintSeverity.Error, "more than one SPF record at a name", "RFC 7208 §3.2");
        public static readonly AdviceRule SpfInvalid = new("SEC002", LintSeverity.Error, "SPF record a checker rejects (permerror)", "RFC 7208 §4.6, §12");
        public static readonly AdviceRule SpfTooManyLookups = new("SEC003", LintSeverity.Error, "more than 10 DNS-querying SPF terms", "RFC 7208 §4.6.4");
        public static readonly AdviceRule SpfPassAll = new("SEC004", LintSeverity.Error, "SPF passes every sender (+all)", "RFC 7208 §5.1");
        public static readonly AdviceRule SpfPtr = new("SEC005", LintSeverity.Warning, "SPF uses the ptr mechanism", "RFC 7208 §5.5");
        public static readonly AdviceRule SpfNoDefault = new("SEC006", LintSeverity.Warning, "SPF without 'all' or 'redirect'", "RFC 7208 §4.7");
        public static readonly AdviceRule SpfDeadTerms = new("SEC007", LintSeverity.Warning, "SPF terms that are never evaluated", "RFC 7208 §5.1, §6.1");
        public static readonly AdviceRule SpfMissing = new("SEC008", LintSeverity.Warning, "no SPF record at the apex", "RFC 7208 §2.6.1");
        public static readonly AdviceRule SpfCountedLocally = new("SEC009", LintSeverity.Info, "SPF includes not resolved: lookups counted locally", "RFC 7208 §4.6.4");
        public static readonly AdviceRule DmarcMissing = new("SEC010", LintSeverity.Warning, "no DMARC policy", "RFC 7489 §6.1");
        public static readonly AdviceRule DmarcMultiple = new("SEC011", LintSeverity.Error, "more than one DMARC record", "RFC 7489 §6.6.3");
        public static readonly AdviceRule DmarcMalformed = new("SEC012", LintSeverity.Error, "DMARC record malformed", "RFC 7489 §6.4");
        public static readonly AdviceRule DmarcPolicyInvalid = new("SEC013", LintSeverity.Error, "DMARC p= missing or invalid", "RFC 7489 §6.3");
        public static readonly AdviceRule DmarcUriInvalid = new("SEC014", LintSeverity.Error, "DMARC report address is not a URI", "RFC 7489 §6.2");
        public static readonly AdviceRule DmarcExternalUnauthorized = new("SEC015", LintSeverity.Warning, "external DMARC report destination has not authorised the zone", "RFC 7489 §7.1");
        public static readonly AdviceRule DmarcExternalUnchecked = new("SEC016", LintSeverity.Info, "external DMARC report destination not checked", "RFC 7489 §7.1");
        public static readonly AdviceRule DmarcTagInvalid = new("SEC017", LintSeverity.Error, "DMARC tag with an invalid value", "RFC 7489 §6.3");
        public static readonly AdviceRule DmarcMonitorOnly = new("SEC018", LintSeverity.Info, "DMARC policy only monitors (p=none)", "RFC 7489 §6.3");
        public static readonly AdviceRule TlsRptMissing = new("SEC020", LintSeverity.Info, "no SMTP TLS reporting", "RFC 8460 §3");
        public static readonly AdviceRule TlsRptInvalid = new("SEC021", LintSeverity.Error, "SMTP TLS reporting record invalid", "RFC 8460 §3");
        public static readonly AdviceRule MtaStsMissing = new("SEC030", LintSeverity.Info, "no MTA-STS policy", "RFC 8461 §3.1");
        public static readonly AdviceRule MtaStsInvalid = new("SEC031", LintSeverity.Error, "MTA-STS record invalid", "RFC 8461 §3.1");
        public static readonly AdviceRule MtaStsHostMissing = new("SEC032", LintSeverity.Error, "MTA-STS policy host does not resolve", "RFC 8461 §3.3");
        public static readonly AdviceRule CaaMissing = new("SEC040", LintSeverity.Info, "no CAA record at the apex", "RFC 8659 §4");
        public static readonly AdviceRule CaaReservedFlags = new("SEC041", LintSeverity.Warning, "CAA flags use reserved bits", "RFC 8659 §4.1");
        public static readonly AdviceRule CaaUnknownCritical = new("SEC042", LintSeverity.Error, "unknown CAA tag marked critical", "RFC 8659 §4.1");
        public static readonly AdviceRule CaaUnknownTag = new("SEC043", LintSeverity.Warning, "unknown CAA tag", "RFC 8659 §4.1");
        public static readonly AdviceRule CaaValueInvalid = new("SEC044", LintSeverity.Error, "CAA issuer or iodef value malformed", "RFC 8659 §4.2, §4.4");
        public static readonly AdviceRule SoaRname = new("SEC050", LintSeverity.Warning, "SOA RNAME is not a usable mailbox", "RFC 1035 §3.3.13");
        public static readonly AdviceRule SoaNegativeTtl = new("SEC051", LintSeverity.Warning, "negative-caching TTL above 3 hours", "RFC 2308 §5");
        public static readonly AdviceRule NullMxMissing = new("SEC060", LintSeverity.Info, "zone takes no mail but has no null MX", "RFC 7505 §3");
        public static readonly AdviceRule NullMxInvalid = new("SEC061", LintSeverity.Error, "null MX beside other MX or with a preference", "RFC 7505 §3");
        public static readonly AdviceRule DkimInvalid = new("SEC070", LintSeverity.Error, "DKIM key record malformed", "RFC 6376 §3.6.1");
        public static readonly AdviceRule DkimWeakKey = new("SEC071", LintSeverity.Error, "DKIM RSA key shorter than 1024 bits", "RFC 8301 §3.2");
        public static readonly AdviceRule DkimShortKey = new("SEC072", LintSeverity.Info, "DKIM RSA key shorter than 2048 bits", "RFC 8301 §3.2");

        public static IReadOnlyList<AdviceRule> All { get; } =
        [
            SpfMultiple, SpfInvalid, SpfTooManyLookups, SpfPassAll, SpfPtr, SpfNoDefault, SpfDeadTerms, SpfMissing, SpfCountedLocally,
            DmarcMissing, DmarcMultiple, DmarcMalformed, DmarcPolicyInvalid, DmarcUriInvalid, DmarcExternalUnauthorized,
            DmarcExternalUnchecked, DmarcTagInvalid, DmarcMonitorOnly, TlsRptMissing, TlsRptInvalid, MtaStsMissing, MtaStsInvalid,
            MtaStsHostMissing, CaaMissing, CaaReservedFlags, CaaUnknownCritical, CaaUnknownTag, CaaValueInvalid, SoaRname,
            SoaNegativeTtl, NullMxMissing, NullMxInvalid, DkimInvalid, DkimWeakKey, DkimShortKey,
        ];

        public static AdviceRule ById(string id) => All.First(r => r.Id == id);
    }

    public const int MaxSpfLookups = 10;
    /// <summary>RFC 2308 §5: one to three hours work well for the negative-caching TTL.</summary>
    public const uint MaxNegativeTtl = 10_800;
    public const uint ProposedNegativeTtl = 3_600;

    private static readonly HashSet<string> KnownCaaTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone",
    };

    /// <summary>Offline advice: no lookups outside the zone (SPF includes elsewhere are counted locally).</summary>
    public static AdviceReport Advise(DomainName origin, IEnumerable<ResourceRecord> records, AdvisorOptions? options = null) =>
        AdviseAsync(origin, records, (options ?? AdvisorOptions.Offline) with { Resolver = null }, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Advice on a zone given as its records (a zone file, or a live zone's record sets flattened). Names outside the
    /// zone are asked of <see cref="AdvisorOptions.Resolver"/> when there is one.
    /// </summary>
    public static async Task<AdviceReport> AdviseAsync(DomainName origin, IEnumerable<ResourceRecord> records, AdvisorOptions? options,
        CancellationToken ct)
    {
        options ??= AdvisorOptions.Offline;
        var run = new Run(origin, records.ToList(), options);
        await run.CheckSpfAsync(ct);
        await run.CheckDmarcAsync(ct);
        run.CheckTlsRpt();
        run.CheckMtaSts();
        run.CheckDkim();
        run.CheckCaa();
        run.CheckSoa();
        run.CheckNullMx();
        var findings = run.Findings;
        findings.Sort(static (a, b) =>
        {
            var c = a.Owner.CompareTo(b.Owner);
            if (c != 0) return c;
            c = (a.Type?.Code ?? 0).CompareTo(b.Type?.Code ?? 0);
            return c != 0 ? c : string.CompareOrdinal(a.RuleId, b.RuleId);
        });
        return new AdviceReport(origin, findings);
    }

    /// <summary>The text of TXT presentation data: its character-strings, escapes decoded, concatenated (RFC 7208 §3.3, RFC 7489 §6.6.3).</summary>
    public static string TxtText(string presentation)
    {
        if (!CharacterStrings.TryParse(presentation, EscapeBase.Decimal, out var strings, out _)) return presentation;
        var sb = new StringBuilder();
        foreach (var bytes in strings) sb.Append(Encoding.UTF8.GetString(bytes));
        return sb.ToString();
    }

    /// <summary>TXT presentation data for a text, split into character-strings of at most 255 octets.</summary>
    public static string TxtData(string text)
    {
        var parts = new List<string>();
        for (var i = 0; i < text.Length; i += 255) parts.Add(text.Substring(i, Math.Min(255, text.Length - i)));
        return string.Join(' ', parts.Select(p => "\"" + p.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
    }

    private sealed class Run
    {
        private readonly DomainName _origin;
        private readonly AdvisorOptions _options;
        private readonly List<ResourceRecord> _records;
        private readonly Dictionary<(DomainName, RecordType), List<ResourceRecord>> _byNameType = [];
        private readonly HashSet<DomainName> _names = [];
        private readonly bool _receivesMail;
        private readonly bool _hasMx;
        private bool _sendsMail;

        public List<AdviceFinding> Findings { get; } = [];

        public Run(DomainName origin, List<ResourceRecord> records, AdvisorOptions options)
        {
            _origin = origin;
            _options = options;
            _records = records;
            foreach (var r in records)
            {
                if (!_byNameType.TryGetValue((r.Name, r.Type), out var list)) _byNameType[(r.Name, r.Type)] = list = [];
                list.Add(r);
                _names.Add(r.Name);
            }
            var mx = At(origin, RecordType.MX);
            _hasMx = mx.Count > 0;
            _receivesMail = mx.Any(r => !IsNullMx(r.Data));
            _sendsMail = _receivesMail;
        }

        private IReadOnlyList<ResourceRecord> At(DomainName name, RecordType type) =>
            _byNameType.TryGetValue((name, type), out var l) ? l : [];

        private IEnumerable<(ResourceRecord Record, string Text)> Txt(DomainName name) =>
            At(name, RecordType.TXT).Select(r => (r, TxtText(r.Data)));

        private DomainName Name(string relative) => DomainName.Parse(relative + "." + _origin);

        private ResourceRecord Propose(DomainName name, RecordType type, string data) => new(name, type, new Ttl(_options.ProposalTtl), data);

        private void Add(AdviceRule rule, DomainName owner, RecordType? type, string message, ResourceRecord? proposed = null) =>
            Findings.Add(new AdviceFinding(rule.Id, rule.Severity, owner, type, message, rule.Reference, proposed));

        private void Add(AdviceRule rule, LintSeverity severity, DomainName owner, RecordType? type, string message) =>
            Findings.Add(new AdviceFinding(rule.Id, severity, owner, type, message, rule.Reference));

        private static bool IsNullMx(string data)
        {
            var f = data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return f.Length == 2 && f[1] == ".";
        }

        private string Mailbox(string local) => $"{local}@{_origin.ToString().TrimEnd('.')}";

        // ---------------------------------------------------------------- SPF

        public async Task CheckSpfAsync(CancellationToken ct)
        {
            var spfNames = _records.Where(r => r.Type == RecordType.TXT && SpfRecord.IsSpf(TxtText(r.Data))).Select(r => r.Name).Distinct().ToList();
            foreach (var name in spfNames)
            {
                var spf = Txt(name).Where(t => SpfRecord.IsSpf(t.Text)).ToList();
                if (spf.Count > 1)
                    Add(Rules.SpfMultiple, name, RecordType.TXT,
                        $"{spf.Count} TXT records start with v=spf1; a checker then returns permerror and every message fails SPF. Merge them into one record.");
                foreach (var (_, text) in spf) await CheckSpfRecordAsync(name, text, ct);
            }

            var apexSpf = Txt(_origin).Select(t => t.Text).FirstOrDefault(SpfRecord.IsSpf);
            if (apexSpf is not null)
            {
                var parsed = SpfRecord.Parse(apexSpf);
                if (parsed.Terms.Any(t => !t.IsModifier && t.Name != "all" && t.Qualifier is '+' or '~' or '?')) _sendsMail = true;
                if (parsed.Redirect is not null) _sendsMail = true;
            }
            else if (_receivesMail)
                Add(Rules.SpfMissing, _origin, RecordType.TXT,
                    "The zone takes mail but publishes no SPF policy, so anyone can send as it. Start from the servers that send for the zone; 'v=spf1 mx -all' allows only its MX hosts.",
                    Propose(_origin, RecordType.TXT, TxtData("v=spf1 mx -all")));
            else if (!_hasMx || At(_origin, RecordType.MX).All(r => IsNullMx(r.Data)))
                Add(Rules.SpfMissing, _origin, RecordType.TXT,
                    "The zone sends no mail; say so, so that receivers treat mail claiming to come from it as forged.",
                    Propose(_origin, RecordType.TXT, TxtData("v=spf1 -all")));
        }

        private async Task CheckSpfRecordAsync(DomainName name, string text, CancellationToken ct)
        {
            var spf = SpfRecord.Parse(text);
            foreach (var e in spf.Errors) Add(Rules.SpfInvalid, name, RecordType.TXT, $"{e}.");

            var all = spf.All;
            if (all is not null && all.Qualifier == '+')
                Add(Rules.SpfPassAll, name, RecordType.TXT,
                    $"'{(text.Contains("+all", StringComparison.OrdinalIgnoreCase) ? "+all" : "all")}' lets every host on the internet pass SPF for {name}. End the record with '-all' (or '~all' while testing).");
            if (spf.Terms.Any(t => !t.IsModifier && t.Name == "ptr"))
                Add(Rules.SpfPtr, name, RecordType.TXT, "'ptr' is slow, unreliable and SHOULD NOT be used; list the senders with ip4:/ip6:/a/include instead.");
            if (all is null && spf.Redirect is null)
                Add(Rules.SpfNoDefault, name, RecordType.TXT, "The record ends without 'all' or 'redirect=', so unlisted senders get 'neutral'. End it with '-all'.");
            if (all is not null)
            {
                var index = spf.Terms.ToList().IndexOf(all);
                var after = spf.Terms.Skip(index + 1).Where(t => !t.IsModifier).ToList();
                if (after.Count > 0)
                    Add(Rules.SpfDeadTerms, name, RecordType.TXT, $"{string.Join(' ', after)} after '{all}' is never evaluated; move 'all' to the end.");
                if (spf.Redirect is not null)
                    Add(Rules.SpfDeadTerms, name, RecordType.TXT, $"'redirect={spf.Redirect.Argument}' is ignored because the record has '{all}'.");
            }

            var unresolved = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            var count = await CountLookupsAsync(spf, [name.ToLowerString()], 0, unresolved, ct);
            if (count > MaxSpfLookups)
                Add(Rules.SpfTooManyLookups, name, RecordType.TXT,
                    $"Evaluating the record takes {count} DNS-querying terms{(unresolved.Count > 0 ? " or more" : "")} (include, a, mx, ptr, exists, redirect, through includes); above {MaxSpfLookups} checkers return permerror. Replace includes by ip4:/ip6: ranges or drop unused senders.");
            if (unresolved.Count > 0)
                Add(Rules.SpfCountedLocally, name, RecordType.TXT,
                    $"{string.Join(", ", unresolved)} could not be looked up here; each counts as one lookup, so {count} is a lower bound.");
        }

        private async Task<int> CountLookupsAsync(SpfRecord spf, HashSet<string> visited, int depth, SortedSet<string> unresolved, CancellationToken ct)
        {
            var count = spf.LocalLookupCount;
            if (depth >= MaxSpfLookups) return count;
            foreach (var target in spf.Includes)
            {
                if (count > MaxSpfLookups) break;
                if (target.Contains('%') || !DomainName.TryParse(target.EndsWith('.') ? target : target + ".", null, out var name, out _))
                { unresolved.Add(target); continue; }
                if (!visited.Add(name.ToLowerString())) continue; // a loop: a checker stops at the limit anyway
                var texts = await SpfTextsAsync(name, ct);
                if (texts is null) { unresolved.Add(target); continue; }
                var spfText = texts.FirstOrDefault(SpfRecord.IsSpf);
                if (spfText is null) continue; // RFC 7208 §5.2: include of a name without SPF is a permerror; the checker stops there
                count += await CountLookupsAsync(SpfRecord.Parse(spfText), visited, depth + 1, unresolved, ct);
            }
            return count;
        }

        private async Task<IReadOnlyList<string>?> TxtAnywhereAsync(DomainName name, CancellationToken ct)
        {
            if (name.IsSubdomainOf(_origin)) return Txt(name).Select(t => t.Text).ToList();
            if (_options.Resolver is null) return null;
            return await _options.Resolver.TxtAsync(name, ct);
        }

        private Task<IReadOnlyList<string>?> SpfTextsAsync(DomainName name, CancellationToken ct) => TxtAnywhereAsync(name, ct);

        // ---------------------------------------------------------------- DMARC

        public async Task CheckDmarcAsync(CancellationToken ct)
        {
            var owner = Name("_dmarc");
            var dmarc = Txt(owner).Where(t => t.Text.StartsWith("v=DMARC1", StringComparison.Ordinal)
                                              || t.Text.TrimStart().StartsWith("v=dmarc", StringComparison.OrdinalIgnoreCase)
                                              || t.Text.Contains("p=", StringComparison.OrdinalIgnoreCase)).ToList();
            if (dmarc.Count == 0)
            {
                if (_sendsMail)
                    Add(Rules.DmarcMissing, owner, RecordType.TXT,
                        $"Receivers get no policy for mail that fails SPF and DKIM alignment, and the zone gets no reports. Start with p=none and reports to {Mailbox("postmaster")}, then move to quarantine and reject once the reports show only legitimate senders.",
                        Propose(owner, RecordType.TXT, TxtData($"v=DMARC1; p=none; rua=mailto:{Mailbox("postmaster")}")));
                else
                    Add(Rules.DmarcMissing, owner, RecordType.TXT,
                        "The zone sends no mail: a reject policy tells receivers to refuse mail that claims to come from it.",
                        Propose(owner, RecordType.TXT, TxtData("v=DMARC1; p=reject")));
                return;
            }
            var versioned = dmarc.Where(t => t.Text.StartsWith("v=DMARC1", StringComparison.Ordinal)).ToList();
            if (versioned.Count > 1)
                Add(Rules.DmarcMultiple, owner, RecordType.TXT, $"{versioned.Count} DMARC records: receivers then apply no DMARC policy at all. Keep one.");
            foreach (var (_, text) in dmarc) await CheckDmarcRecordAsync(owner, text, ct);
        }

        private async Task CheckDmarcRecordAsync(DomainName owner, string text, CancellationToken ct)
        {
            var tags = TagValueList.Parse(text);
            if (tags.Error is { } err) { Add(Rules.DmarcMalformed, owner, RecordType.TXT, $"'{text}': {err}."); return; }
            if (tags.First != "v" || tags["v"] != "DMARC1")
            {
                Add(Rules.DmarcMalformed, owner, RecordType.TXT, $"'{text}': the record must start with exactly 'v=DMARC1' (case-sensitive); receivers ignore it otherwise.");
                return;
            }
            var p = tags["p"];
            if (p is null)
                Add(Rules.DmarcPolicyInvalid, owner, RecordType.TXT, "The record has no p= tag (required): use p=none, p=quarantine or p=reject.");
            else if (p is not ("none" or "quarantine" or "reject"))
                Add(Rules.DmarcPolicyInvalid, owner, RecordType.TXT, $"p={p} is not none, quarantine or reject.");
            else if (p == "none")
                Add(Rules.DmarcMonitorOnly, owner, RecordType.TXT, "p=none only collects reports; move to quarantine, then reject, once reports show only legitimate senders.");
            if (tags.Tags.GroupBy(t => t.Key.ToLowerInvariant()).FirstOrDefault(g => g.Count() > 1) is { } dup)
                Add(Rules.DmarcMalformed, owner, RecordType.TXT, $"tag '{dup.Key}' appears more than once.");

            if (tags["sp"] is { } sp && sp is not ("none" or "quarantine" or "reject")) TagInvalid(owner, "sp", sp, "none, quarantine or reject");
            if (tags["adkim"] is { } adkim && adkim is not ("r" or "s")) TagInvalid(owner, "adkim", adkim, "r or s");
            if (tags["aspf"] is { } aspf && aspf is not ("r" or "s")) TagInvalid(owner, "aspf", aspf, "r or s");
            if (tags["pct"] is { } pct && !(int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100)) TagInvalid(owner, "pct", pct, "an integer 0–100");
            if (tags["fo"] is { } fo && !fo.Split(':').All(o => o.Trim() is "0" or "1" or "d" or "s")) TagInvalid(owner, "fo", fo, "0, 1, d or s, separated by ':'");
            if (tags["rf"] is { } rf && !rf.Split(':').All(o => o.Trim().Equals("afrf", StringComparison.OrdinalIgnoreCase))) TagInvalid(owner, "rf", rf, "afrf");
            if (tags["ri"] is { } ri && !uint.TryParse(ri, NumberStyles.None, CultureInfo.InvariantCulture, out _)) TagInvalid(owner, "ri", ri, "a number of seconds");

            foreach (var tag in new[] { "rua", "ruf" })
            {
                if (tags[tag] is not { } list) continue;
                foreach (var item in list.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!TryReportUri(item, out var host, out var problem))
                    {
                        Add(Rules.DmarcUriInvalid, owner, RecordType.TXT, $"{tag}: '{item}' {problem}.");
                        continue;
                    }
                    if (host is null || host.IsSubdomainOf(_origin) || _origin.IsSubdomainOf(host)) continue;
                    await CheckExternalDestinationAsync(owner, tag, host, ct);
                }
            }
        }

        private void TagInvalid(DomainName owner, string tag, string value, string expected) =>
            Add(Rules.DmarcTagInvalid, owner, RecordType.TXT, $"{tag}={value} is not valid: expected {expected}.");

        /// <summary>A DMARC URI: an absolute URI, optionally followed by "!size[kmgt]"; mailto needs an address with a host.</summary>
        private static bool TryReportUri(string item, out DomainName? host, out string problem)
        {
            host = null;
            problem = "";
            var text = item;
            var bang = text.LastIndexOf('!');
            if (bang > 0)
            {
                var size = text[(bang + 1)..];
                if (size.Length == 0 || !size.TrimEnd('k', 'm', 'g', 't').All(char.IsAsciiDigit) || size.TrimEnd('k', 'm', 'g', 't').Length == 0)
                { problem = "has a malformed size limit (expected !NUMBER with k, m, g or t)"; return false; }
                text = text[..bang];
            }
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme.Length == 0)
            { problem = "is not a URI (write mailto:address@example.com)"; return false; }
            if (uri.Scheme == "mailto")
            {
                var address = uri.OriginalString["mailto:".Length..];
                var at = address.LastIndexOf('@');
                var domain = at < 0 ? "" : address[(at + 1)..].Split('?')[0];
                if (at <= 0 || !DomainName.TryParse(domain + ".", null, out var d, out _) || d.LabelCount < 2)
                { problem = "is not a mailto: URI with an address"; return false; }
                host = d;
                return true;
            }
            if (uri.Scheme is "http" or "https") { problem = "uses http(s): receivers send aggregate reports only by mailto:"; return false; }
            return true;
        }

        private async Task CheckExternalDestinationAsync(DomainName owner, string tag, DomainName host, CancellationToken ct)
        {
            // RFC 7489 §7.1: the destination publishes "<zone>._report._dmarc.<destination>" TXT "v=DMARC1".
            var authorization = DomainName.Parse($"{_origin}_report._dmarc.{host}");
            var expected = $"{authorization} TXT \"v=DMARC1\"";
            var texts = await TxtAnywhereAsync(authorization, ct);
            if (texts is null)
                Add(Rules.DmarcExternalUnchecked, owner, RecordType.TXT,
                    $"{tag} sends reports to {host}, outside the zone; receivers deliver them only if {expected} exists there. It could not be looked up here: check it.");
            else if (!texts.Any(t => t.StartsWith("v=DMARC1", StringComparison.Ordinal)))
                Add(Rules.DmarcExternalUnauthorized, owner, RecordType.TXT,
                    $"{tag} sends reports to {host}, which does not publish {expected}; receivers will not send the reports. Ask {host} to publish it, or report to an address in {_origin}.");
        }

        // ---------------------------------------------------------------- TLS-RPT and MTA-STS

        public void CheckTlsRpt()
        {
            var owner = Name("_smtp._tls");
            var records = Txt(owner).Where(t => t.Text.StartsWith("v=TLSRPTv1", StringComparison.OrdinalIgnoreCase)).ToList();
            if (records.Count == 0)
            {
                if (_receivesMail)
                    Add(Rules.TlsRptMissing, owner, RecordType.TXT,
                        "Sending servers cannot tell the zone when TLS to its MX hosts fails (expired certificate, downgrade). Publish a reporting address.",
                        Propose(owner, RecordType.TXT, TxtData($"v=TLSRPTv1; rua=mailto:{Mailbox("postmaster")}")));
                return;
            }
            if (records.Count > 1)
                Add(Rules.TlsRptInvalid, owner, RecordType.TXT, $"{records.Count} TLS-RPT records: senders then assume the zone has none. Keep one.");
            foreach (var (_, text) in records)
            {
                var tags = TagValueList.Parse(text);
                if (tags.Error is { } e) { Add(Rules.TlsRptInvalid, owner, RecordType.TXT, $"'{text}': {e}."); continue; }
                if (tags.First != "v" || tags["v"] != "TLSRPTv1")
                { Add(Rules.TlsRptInvalid, owner, RecordType.TXT, $"'{text}': the record must start with 'v=TLSRPTv1'."); continue; }
                if (tags["rua"] is not { Length: > 0 } rua)
                { Add(Rules.TlsRptInvalid, owner, RecordType.TXT, "The record has no rua= (required): add rua=mailto:address or rua=https://endpoint."); continue; }
                foreach (var uri in rua.Split(',', StringSplitOptions.TrimEntries))
                {
                    var ok = Uri.TryCreate(uri, UriKind.Absolute, out var u)
                             && (u.Scheme == "https" ? u.Host.Length > 0 : u.Scheme == "mailto" && uri.IndexOf('@') > "mailto:".Length && uri.IndexOf('@') < uri.Length - 1);
                    if (!ok) Add(Rules.TlsRptInvalid, owner, RecordType.TXT, $"rua '{uri}' is neither a mailto: address nor an https: URL.");
                }
            }
        }

        public void CheckMtaSts()
        {
            var owner = Name("_mta-sts");
            var host = Name("mta-sts");
            var records = Txt(owner).Where(t => t.Text.StartsWith("v=STSv1", StringComparison.OrdinalIgnoreCase)).ToList();
            if (records.Count == 0)
            {
                if (!_receivesMail) return;
                var id = (_options.Now ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
                if (Resolves(host))
                    Add(Rules.MtaStsMissing, owner, RecordType.TXT,
                        $"{host} exists: serve the policy at https://{host.ToString().TrimEnd('.')}/.well-known/mta-sts.txt (mode: testing first) and announce it. Change the id whenever the policy changes.",
                        Propose(owner, RecordType.TXT, TxtData($"v=STSv1; id={id}")));
                else
                    Add(Rules.MtaStsMissing, owner, RecordType.TXT,
                        $"Without MTA-STS, senders fall back to plain text when TLS to the MX is stripped. Host the policy at https://{host.ToString().TrimEnd('.')}/.well-known/mta-sts.txt, then publish {owner} TXT \"v=STSv1; id={id}\".");
                return;
            }
            if (records.Count > 1)
                Add(Rules.MtaStsInvalid, owner, RecordType.TXT, $"{records.Count} MTA-STS records: senders then assume the zone has no policy. Keep one.");
            foreach (var (_, text) in records)
            {
                var tags = TagValueList.Parse(text);
                if (tags.Error is { } e) { Add(Rules.MtaStsInvalid, owner, RecordType.TXT, $"'{text}': {e}."); continue; }
                if (tags.First != "v" || tags["v"] != "STSv1")
                { Add(Rules.MtaStsInvalid, owner, RecordType.TXT, $"'{text}': the record must start with 'v=STSv1'."); continue; }
                var id = tags["id"];
                if (id is null || id.Length is 0 or > 32 || !id.All(char.IsAsciiLetterOrDigit))
                    Add(Rules.MtaStsInvalid, owner, RecordType.TXT, $"id={(id ?? "(missing)")} must be 1–32 letters and digits (e.g. {DateTimeOffset.UnixEpoch:yyyyMMddHHmm}-style timestamps).");
            }
            if (!Resolves(host))
                Add(Rules.MtaStsHostMissing, host, null,
                    $"{owner} announces a policy, but {host} has no address in the zone: senders cannot fetch https://{host.ToString().TrimEnd('.')}/.well-known/mta-sts.txt. Add its A/AAAA (or CNAME) or remove the TXT.");
        }

        /// <summary>An in-zone name answers with an address: A, AAAA or CNAME at the name, a covering wildcard, or a delegation.</summary>
        private bool Resolves(DomainName name)
        {
            if (At(name, RecordType.A).Count + At(name, RecordType.AAAA).Count + At(name, RecordType.CNAME).Count > 0) return true;
            for (var n = name; n.LabelCount >= _origin.LabelCount && n.IsSubdomainOf(_origin); n = n.Parent())
            {
                if (!n.Equals(_origin) && At(n, RecordType.NS).Count > 0) return true;
                if (n.Equals(_origin)) break;
            }
            if (_names.Contains(name)) return false; // the name exists: a wildcard does not apply
            var wildcard = name.Parent().Prepend("*");
            return At(wildcard, RecordType.A).Count + At(wildcard, RecordType.AAAA).Count + At(wildcard, RecordType.CNAME).Count > 0;
        }

        // ---------------------------------------------------------------- DKIM

        public void CheckDkim()
        {
            foreach (var group in _records.Where(r => r.Type == RecordType.TXT && IsDkimName(r.Name)).GroupBy(r => r.Name))
            {
                foreach (var r in group)
                {
                    var text = TxtText(r.Data);
                    var tags = TagValueList.Parse(text);
                    if (tags.Error is { } e) { Add(Rules.DkimInvalid, r.Name, RecordType.TXT, $"{e}."); continue; }
                    if (tags.Occurrences("v") > 0 && (tags.First != "v" || tags["v"] != "DKIM1"))
                    { Add(Rules.DkimInvalid, r.Name, RecordType.TXT, "v= must come first and be exactly 'DKIM1'."); continue; }
                    if (tags["p"] is not { } p)
                    { Add(Rules.DkimInvalid, r.Name, RecordType.TXT, "The key record has no p= (required; empty means revoked)."); continue; }
                    var key = string.Concat(p.Where(c => !char.IsWhiteSpace(c)));
                    if (key.Length == 0) continue; // revoked on purpose
                    byte[] bytes;
                    try { bytes = Convert.FromBase64String(key); }
                    catch (FormatException) { Add(Rules.DkimInvalid, r.Name, RecordType.TXT, "p= is not valid base64."); continue; }
                    var k = (tags["k"] ?? "rsa").ToLowerInvariant();
                    if (k == "ed25519")
                    {
                        if (bytes.Length != 32) Add(Rules.DkimInvalid, r.Name, RecordType.TXT, $"an Ed25519 key is 32 octets, this one {bytes.Length}.");
                        continue;
                    }
                    if (k != "rsa") { Add(Rules.DkimInvalid, r.Name, RecordType.TXT, $"k={k} is not a known key type (rsa, ed25519)."); continue; }
                    var bits = RsaBits(bytes);
                    if (bits is null) Add(Rules.DkimInvalid, r.Name, RecordType.TXT, "p= does not hold an RSA public key.");
                    else if (bits < 1024) Add(Rules.DkimWeakKey, r.Name, RecordType.TXT, $"The RSA key has {bits} bits; verifiers must not accept keys under 1024 bits. Rotate to a 2048-bit key.");
                    else if (bits < 2048) Add(Rules.DkimShortKey, r.Name, RecordType.TXT, $"The RSA key has {bits} bits; signers SHOULD use 2048. Rotate when convenient.");
                }
            }
        }

        private bool IsDkimName(DomainName name)
        {
            if (!name.IsSubdomainOf(_origin)) return false;
            for (var i = 1; i < name.LabelCount - _origin.LabelCount + 1 && i < name.LabelCount; i++)
                if (name.Label(i).SequenceEqual("_domainkey"u8)) return true;
            return false;
        }

        private static int? RsaBits(byte[] der)
        {
            using var rsa = RSA.Create();
            try { rsa.ImportSubjectPublicKeyInfo(der, out _); return rsa.KeySize; }
            catch (CryptographicException) { }
            try { rsa.ImportRSAPublicKey(der, out _); return rsa.KeySize; }
            catch (CryptographicException) { return null; }
        }

        // ---------------------------------------------------------------- CAA

        public void CheckCaa()
        {
            var caaSets = _records.Where(r => r.Type == RecordType.CAA).ToList();
            if (At(_origin, RecordType.CAA).Count == 0)
                Add(Rules.CaaMissing, _origin, RecordType.CAA,
                    "Any public CA may issue certificates for the zone. Name the CAs you use, e.g. 0 issue \"letsencrypt.org\" and 0 issue \"amazon.com\", plus 0 iodef \"mailto:"
                    + Mailbox("security") + "\" for reports.");
            foreach (var r in caaSets)
            {
                if (!RdataTokenizer.TryTokenize(r.Data, out var tokens, out var error) || tokens.Count != 3)
                { Add(Rules.CaaValueInvalid, r.Name, RecordType.CAA, $"'{r.Data}' is not 'flags tag value'{(error.Length > 0 ? ": " + error : "")}."); continue; }
                if (!byte.TryParse(tokens[0].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var flags))
                { Add(Rules.CaaValueInvalid, r.Name, RecordType.CAA, $"flags '{tokens[0].Text}' is not 0–255."); continue; }
                var critical = (flags & 0x80) != 0;
                if ((flags & 0x7F) != 0)
                    Add(Rules.CaaReservedFlags, r.Name, RecordType.CAA, $"flags {flags} sets reserved bits; use 0, or 128 for critical.");
                var tag = tokens[1].Text;
                var value = CharacterStrings.TryUnescape(tokens[2].Text, EscapeBase.Decimal, out var bytes, out _) ? Encoding.UTF8.GetString(bytes) : tokens[2].Text;
                if (!KnownCaaTags.Contains(tag))
                {
                    if (critical) Add(Rules.CaaUnknownCritical, r.Name, RecordType.CAA, $"tag '{tag}' is unknown and marked critical (128): no CA may issue for {r.Name}. Fix the tag or clear the flag.");
                    else Add(Rules.CaaUnknownTag, r.Name, RecordType.CAA, $"tag '{tag}' is not one CAs know (issue, issuewild, iodef, issuemail, …): a typo has no effect.");
                    continue;
                }
                var problem = tag.ToLowerInvariant() switch
                {
                    "issue" or "issuewild" or "issuemail" or "issuevmc" => IssuerProblem(value),
                    "iodef" => Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme is "mailto" or "http" or "https" ? null : "is not a mailto:, http: or https: URL",
                    _ => null,
                };
                if (problem is not null)
                    Add(Rules.CaaValueInvalid, r.Name, RecordType.CAA, $"{tag} \"{value}\" {problem}.");
            }
        }

        /// <summary>issuer-domain-name *(";" parameter) per RFC 8659 §4.2; an empty domain (";") forbids issuance and is valid.</summary>
        private static string? IssuerProblem(string value)
        {
            var parts = value.Split(';');
            var domain = parts[0].Trim(' ', '\t');
            if (domain.Length > 0)
            {
                if (domain.EndsWith('.')) return $"names the CA with a trailing dot ('{domain}'): CAs compare the name literally, so none matches; write '{domain.TrimEnd('.')}'";
                var labels = domain.Split('.');
                if (labels.Any(l => l.Length == 0 || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || l[0] == '-' || l[^1] == '-'))
                    return $"'{domain}' is not a CA domain name";
            }
            foreach (var p in parts.Skip(1))
            {
                var t = p.Trim(' ', '\t');
                if (t.Length == 0) continue;
                var eq = t.IndexOf('=');
                if (eq <= 0 || !t[..eq].All(char.IsAsciiLetterOrDigit) || t[(eq + 1)..].Any(c => c <= 0x20 || c == 0x7F || c == ';'))
                    return $"parameter '{t}' is not tag=value";
            }
            return null;
        }

        // ---------------------------------------------------------------- SOA and null MX

        public void CheckSoa()
        {
            var soa = At(_origin, RecordType.SOA).FirstOrDefault();
            if (soa is null || !RdataTokenizer.TryTokenize(soa.Data, out var f, out _) || f.Count != 7) return;
            if (!uint.TryParse(f[6].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var minimum)) return;
            var rnameProblem = RnameProblem(f[1].Text);
            var negative = Math.Min(soa.Ttl.Seconds, minimum);
            var fixedRname = rnameProblem is null ? f[1].Text : $"hostmaster.{_origin}";
            var fixedMinimum = negative > MaxNegativeTtl ? ProposedNegativeTtl : minimum;
            var proposed = new ResourceRecord(_origin, RecordType.SOA, soa.Ttl,
                $"{f[0].Text} {fixedRname} {f[2].Text} {f[3].Text} {f[4].Text} {f[5].Text} {fixedMinimum.ToString(CultureInfo.InvariantCulture)}");
            if (rnameProblem is not null)
                Add(Rules.SoaRname, _origin, RecordType.SOA, $"RNAME {f[1].Text} {rnameProblem}. It must name a monitored mailbox, the first '.' standing for '@' (hostmaster.{_origin} is hostmaster@{_origin.ToString().TrimEnd('.')}).", proposed);
            if (negative > MaxNegativeTtl)
                Add(Rules.SoaNegativeTtl, _origin, RecordType.SOA,
                    $"Resolvers cache 'no such name' for min(SOA TTL, MINIMUM) = {negative} s: a name created after a miss stays invisible that long. 1–3 hours work well; Route 53's own SOA also starts at 86400 s and needs the same change after import.",
                    proposed);
        }

        private string? RnameProblem(string rname)
        {
            if (rname.Contains('@')) return "contains '@'";
            if (!DomainName.TryParse(rname, _origin, out var name, out var error)) return $"is not a domain name ({error})";
            if (name.LabelCount < 3) return "has too few labels for local-part.domain.tld";
            var domain = name.Parent();
            if (domain.IsSubdomainOf(_origin))
            {
                var mx = At(domain, RecordType.MX);
                if (mx.Count > 0 && mx.All(r => IsNullMx(r.Data))) return $"is in {domain}, which publishes a null MX: mail to it bounces";
                if (mx.Count == 0 && At(domain, RecordType.A).Count == 0 && At(domain, RecordType.AAAA).Count == 0)
                    return $"is in {domain}, which has no MX and no address: mail to it cannot be delivered";
            }
            return null;
        }

        public void CheckNullMx()
        {
            var mx = At(_origin, RecordType.MX);
            var nulls = mx.Where(r => IsNullMx(r.Data)).ToList();
            if (nulls.Count > 0 && mx.Count > nulls.Count)
                Add(Rules.NullMxInvalid, _origin, RecordType.MX, "A null MX ('0 .') says the zone takes no mail; it must be the only MX. Remove it or the others.");
            foreach (var n in nulls.Where(n => n.Data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0] != "0"))
                Add(Rules.NullMxInvalid, _origin, RecordType.MX, $"The null MX must have preference 0 ('{n.Data}').");
            if (mx.Count == 0 && !_sendsMail)
                Add(Rules.NullMxMissing, _origin, RecordType.MX,
                    "Without an MX, senders fall back to the apex address and queue mail for days. A null MX makes them bounce at once.",
                    Propose(_origin, RecordType.MX, "0 ."));
        }
    }
}
