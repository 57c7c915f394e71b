using System.Diagnostics;
using System.Text.Json.Serialization;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

[JsonConverter(typeof(JsonStringEnumConverter<ParityOutcome>))]
public enum ParityOutcome { Match, Differ, MissingOnOld, MissingOnNew, MissingOnBoth, Error }

/// <summary>How parity compares. Case and order of values are always ignored; TTLs unless <see cref="IgnoreTtl"/>.
/// The canary name is left out unless asked: it differs between old and new by design.</summary>
public sealed record ParityOptions(bool IgnoreTtl = false, bool IncludeApexSoaAndNs = false, bool IncludeDnssec = false, bool IncludeCanary = false)
{
    public static readonly ParityOptions Default = new();
}

/// <summary>What one server said for one RRset: its rcode, values (presentation form, sorted) and TTL, or why it could not.</summary>
public sealed record ParitySide(string? ResponseCode, bool Authoritative, IReadOnlyList<string> Values, uint? Ttl, string? Error)
{
    public bool Present => Error is null && Values.Count > 0;
}

/// <summary>Parity of one RRset. Invariant: <see cref="Outcome"/> is Match only when both sides hold the same values (and TTL unless ignored).</summary>
public sealed record ParityResult([property: JsonIgnore] RecordSetKey Key, ParityOutcome Outcome, ParitySide Old, ParitySide New, string? Detail = null)
{
    [JsonIgnore] public bool IsMatch => Outcome == ParityOutcome.Match;
    public string Name => Key.Name.ToString();
    public string Type => Key.Type.ToString();
}

/// <summary>Every RRset checked, with counts. <see cref="AllMatch"/> is true only when no result is anything but Match.</summary>
public sealed record ParityReport(string Zone, string OldServer, string NewServer, IReadOnlyList<ParityResult> Results, TimeSpan Elapsed)
{
    public int Checked => Results.Count;
    public int Matched => Results.Count(r => r.Outcome == ParityOutcome.Match);
    public int Differing => Results.Count(r => r.Outcome == ParityOutcome.Differ);
    public int Missing => Results.Count(r => r.Outcome is ParityOutcome.MissingOnOld or ParityOutcome.MissingOnNew or ParityOutcome.MissingOnBoth);
    public int Errors => Results.Count(r => r.Outcome == ParityOutcome.Error);
    public bool AllMatch => Results.All(r => r.IsMatch);
    [JsonIgnore] public IEnumerable<ParityResult> Problems => Results.Where(r => !r.IsMatch);
    public double QueriesPerSecond => Elapsed.TotalSeconds > 0 ? Results.Count * 2 / Elapsed.TotalSeconds : 0;
}

/// <summary>How far a parity sweep has come: <see cref="Checked"/> of <see cref="Total"/> RRsets compared (0 ≤ Checked ≤ Total).</summary>
public readonly record struct ParityProgress(int Checked, int Total);

/// <summary>
/// Asks the old and the new servers directly for every RRset of a zone and compares the answers. An RRset that got no
/// usable answer (a timeout, a network error: a lost datagram, a server busy for seconds) is asked once more after the
/// sweep, when such failures are few (at most <see cref="ReaskLimit"/> of the sweep): an unanswered query is no evidence
/// of a difference, and one lost packet must not block a migration step. Many failures mean a server is down; they are
/// reported as they are, without doubling the sweep's time.
/// </summary>
public sealed class ParityChecker(IDnsProbe probe, int maxConcurrency = 64)
{
    /// <summary>The largest share of a sweep's RRsets that is asked again after an error.</summary>
    public const double ReaskLimit = 0.1;

    /// <param name="progress">Told once with 0 checked, then after every RRset compared (from the sweep's worker threads, counts in any order).</param>
    public async Task<ParityReport> CheckAsync(DomainName zone, IEnumerable<RecordSet> sets, DnsEndpoint oldServer, DnsEndpoint newServer,
        ParityOptions? options = null, IProgress<ParityProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= ParityOptions.Default;
        var keys = ParityComparer.SelectKeys(zone, sets, options);
        var results = new ParityResult[keys.Count];
        var oldAnswers = new ProbeResult?[keys.Count];
        var newAnswers = new ProbeResult?[keys.Count];
        var arrived = new int[keys.Count];
        var done = 0;
        progress?.Report(new ParityProgress(0, keys.Count));
        var sw = Stopwatch.StartNew();
        await SweepAsync(Enumerable.Range(0, keys.Count).ToArray(), maxConcurrency, i => progress?.Report(new ParityProgress(Interlocked.Increment(ref done), keys.Count)))
            .ConfigureAwait(false);
        var failed = Enumerable.Range(0, keys.Count).Where(i => results[i].Outcome == ParityOutcome.Error).ToArray();
        if (failed.Length > 0 && failed.Length <= Math.Max(1, (int)(keys.Count * ReaskLimit)))
        {
            // Again, a few at a time: what failed under the sweep's full concurrency gets a quieter second chance.
            await SweepAsync(failed, Math.Clamp(maxConcurrency / 4, 1, 4), null).ConfigureAwait(false);
        }
        sw.Stop();
        return new ParityReport(zone.ToString(), oldServer.ToString(), newServer.ToString(), results, sw.Elapsed);

        // The given RRsets, at most `width` at a time per server: each server is asked by its own fixed set of workers
        // (one task per worker, not per RRset), in the same order, so one server's slow moment does not hold back the
        // other's queries; an RRset is compared as soon as its second answer is in. The first failure stops the others.
        async Task SweepAsync(int[] indexes, int width, Action<int>? compared)
        {
            foreach (var i in indexes) { arrived[i] = 0; oldAnswers[i] = null; newAnswers[i] = null; }
            int nextOld = -1, nextNew = -1;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var perServer = Math.Clamp(width, 1, Math.Max(1, indexes.Length));
            var workers = new Task[perServer * 2];
            for (var w = 0; w < perServer; w++)
            {
                workers[2 * w] = WorkerAsync(oldServer, oldAnswers, () => Interlocked.Increment(ref nextOld));
                workers[2 * w + 1] = WorkerAsync(newServer, newAnswers, () => Interlocked.Increment(ref nextNew));
            }
            try { await Task.WhenAll(workers).ConfigureAwait(false); }
            catch when (cancellationToken.IsCancellationRequested) { cancellationToken.ThrowIfCancellationRequested(); throw; }

            async Task WorkerAsync(DnsEndpoint server, ProbeResult?[] answers, Func<int> take)
            {
                try
                {
                    int k;
                    while ((k = take()) < indexes.Length && !stop.IsCancellationRequested)
                    {
                        var i = indexes[k];
                        answers[i] = await probe.QueryAsync(server, keys[i].Name, keys[i].Type, ProbeOptions.Bulk, stop.Token).ConfigureAwait(false);
                        if (Interlocked.Increment(ref arrived[i]) != 2) continue;
                        results[i] = ParityComparer.Compare(keys[i], oldAnswers[i]!, newAnswers[i]!, options);
                        oldAnswers[i] = newAnswers[i] = null;
                        compared?.Invoke(i);
                    }
                    stop.Token.ThrowIfCancellationRequested();
                }
                catch
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
    }
}

/// <summary>The comparison rules of parity, free of I/O.</summary>
public static class ParityComparer
{
    private static readonly HashSet<RecordType> DnssecTypes =
        [RecordType.RRSIG, RecordType.NSEC, RecordType.NSEC3, RecordType.NSEC3PARAM, RecordType.DNSKEY, RecordType.CDS, RecordType.CDNSKEY];

    /// <summary>The RRsets to ask for: distinct (name, type) in canonical order, apex SOA/NS and DNSSEC types left out unless asked.</summary>
    public static IReadOnlyList<RecordSetKey> SelectKeys(DomainName zone, IEnumerable<RecordSet> sets, ParityOptions options)
    {
        var canary = Canary.NameFor(zone);
        return sets.Select(s => new RecordSetKey(s.Name, s.Type))
            .Where(k => k.Name.IsSubdomainOf(zone))
            .Where(k => options.IncludeApexSoaAndNs || !(k.Name.Equals(zone) && (k.Type == RecordType.SOA || k.Type == RecordType.NS)))
            .Where(k => options.IncludeDnssec || !DnssecTypes.Contains(k.Type))
            .Where(k => options.IncludeCanary || !k.Name.Equals(canary))
            .Distinct()
            .Order()
            .ToList();
    }

    public static ParityResult Compare(RecordSetKey key, ProbeResult oldResult, ProbeResult newResult, ParityOptions options)
    {
        // the common case in bulk runs: one identical record on both sides
        if (SingleRecord(key, oldResult) is { } a && SingleRecord(key, newResult) is { } b
            && string.Equals(a.Data, b.Data, StringComparison.Ordinal) && (options.IgnoreTtl || a.Ttl == b.Ttl))
        {
            var oldSide = new ParitySide(oldResult.ResponseCode, oldResult.Authoritative, [a.Data], a.Ttl.Seconds, null);
            // both sides alike (the common case): one immutable side object serves as both
            var newSide = a.Ttl == b.Ttl && oldResult.Authoritative == newResult.Authoritative
                ? oldSide : new ParitySide(newResult.ResponseCode, newResult.Authoritative, [b.Data], b.Ttl.Seconds, null);
            return new ParityResult(key, ParityOutcome.Match, oldSide, newSide);
        }
        var o = Side(key, oldResult);
        var n = Side(key, newResult);
        if (o.Error is not null || n.Error is not null)
            return new ParityResult(key, ParityOutcome.Error, o, n,
                string.Join("; ", new[] { o.Error is null ? null : "old: " + o.Error, n.Error is null ? null : "new: " + n.Error }.Where(e => e is not null)));
        if (!o.Present && !n.Present) return new ParityResult(key, ParityOutcome.MissingOnBoth, o, n, "neither server has this RRset");
        if (!o.Present) return new ParityResult(key, ParityOutcome.MissingOnOld, o, n, $"old answered {o.ResponseCode} with no records");
        if (!n.Present) return new ParityResult(key, ParityOutcome.MissingOnNew, o, n, $"new answered {n.ResponseCode} with no records");

        var oldValues = o.Values.Select(v => Normalize(key.Type, v)).ToHashSet(StringComparer.Ordinal);
        var newValues = n.Values.Select(v => Normalize(key.Type, v)).ToHashSet(StringComparer.Ordinal);
        if (!oldValues.SetEquals(newValues))
        {
            var onlyOld = o.Values.Where(v => !newValues.Contains(Normalize(key.Type, v)));
            var onlyNew = n.Values.Where(v => !oldValues.Contains(Normalize(key.Type, v)));
            return new ParityResult(key, ParityOutcome.Differ, o, n,
                $"only old: [{string.Join(", ", onlyOld)}]; only new: [{string.Join(", ", onlyNew)}]");
        }
        if (!options.IgnoreTtl && o.Ttl != n.Ttl)
            return new ParityResult(key, ParityOutcome.Differ, o, n, $"TTL {o.Ttl} on old, {n.Ttl} on new");
        return new ParityResult(key, ParityOutcome.Match, o, n);
    }

    private static ResourceRecord? SingleRecord(RecordSetKey key, ProbeResult r) =>
        r.Error == ProbeErrorKind.None && r.Authoritative && r.ResponseCode == "NOERROR" && r.Answers.Count == 1
        && r.Answers[0].Type == key.Type && r.Answers[0].Name.Equals(key.Name) ? r.Answers[0] : null;

    /// <summary>
    /// What one response says about the RRset: the answer records of that name and type, or for a referral (a delegation
    /// or glue below a zone cut) the matching records of the authority and additional sections.
    /// </summary>
    public static ParitySide Side(RecordSetKey key, ProbeResult r)
    {
        if (r.Error is not ProbeErrorKind.None) return new ParitySide(r.ResponseCode, false, [], null, r.ErrorMessage ?? r.Error.ToString());
        if (r.ResponseCode is not ("NOERROR" or "NXDOMAIN"))
            return new ParitySide(r.ResponseCode, r.Authoritative, [], null, $"rcode {r.ResponseCode}");
        var records = r.Answers.Where(a => a.Type == key.Type && a.Name.Equals(key.Name)).ToList();
        if (records.Count == 0 && r.IsReferral)
            records = r.Authorities.Concat(r.Additionals).Where(a => a.Type == key.Type && a.Name.Equals(key.Name)).ToList();
        if (records.Count == 0 && !r.Authoritative && !r.IsReferral)
            return new ParitySide(r.ResponseCode, false, [], null, "answer without the AA bit: the server is not authoritative for the zone");
        var values = records.Select(a => a.Data).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new ParitySide(r.ResponseCode, r.Authoritative, values, records.Count > 0 ? records.Min(a => a.Ttl.Seconds) : null, null);
    }

    /// <summary>
    /// Comparison form of a value: domain names are case-insensitive (RFC 4343), character-strings are not, so only types
    /// whose RDATA holds no character-string are lower-cased; runs of white space collapse to one space.
    /// </summary>
    public static string Normalize(RecordType type, string value)
    {
        var collapsed = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return HasCharacterStrings(type) ? collapsed : collapsed.ToLowerInvariant();
    }

    private static bool HasCharacterStrings(RecordType type) =>
        type == RecordType.TXT || type == RecordType.SPF || type == RecordType.CAA || type == RecordType.HINFO
        || type == RecordType.NAPTR || type.Mnemonic is null;
}
