using System.Text.Json;
using Migrator.Core.Manual;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.Migrations;

/// <summary>What the DNSSEC sequence has done so far, and what the validating resolvers said (the history's evidence).</summary>
public sealed record DnssecEvidence(string KeySigningKey, int? KeyTag, string? DsRecord, IReadOnlyList<string> Steps, IReadOnlyList<DnssecResolverView> Resolvers);

/// <summary>One validating resolver's answer for the zone's DNSKEY set with DO set: secure (AD), insecure (no AD) or bogus (SERVFAIL).</summary>
public sealed record DnssecResolverView(string Resolver, string Verdict, string? Detail = null)
{
    public const string Secure = "secure", Insecure = "insecure", Bogus = "bogus", NoAnswer = "no-answer";
}

/// <summary>
/// DNSSEC signing at Route 53 after a migration (key-signing key from the plan's KMS key, signing enabled, DS at the
/// parent through the delegation changer, validation checked) and the way back, as resumable sequences of operations
/// recorded before they start (keys of <see cref="DnssecProgress"/>, one set per round so signing can be turned on again
/// after it was turned off): each run does the next thing not yet done and returns Pending with the time to come back. Invariant: the DS goes to the parent only after every new name
/// server serves the signed zone and the DNSKEY TTL has passed since; on the way back signing stops only after no
/// parent server shows the DS and the DS TTL (lengthened by the ISP floor) has passed, so the zone is secure or
/// insecure, never bogus, at every point.
/// </summary>
public sealed class DnssecRollout(StepContext c, Route53ChangeScheduler route53, Route53TargetZone target, IDelegationChanger changer,
    IDnsProbe probe, IReadOnlyList<DnsEndpoint> newServers, TimeSpan pollInterval, int round = 1)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MigrationPlanAnswers _a = c.Migration.Answers!;
    private readonly List<string> _steps = [];
    private DomainName Zone => c.Migration.Zone;

    /// <summary>
    /// The key-signing key's name in the hosted zone: stable per migration and round, so a retried create finds it, and a
    /// later round never takes the key an earlier one removed for its own.
    /// </summary>
    public static string KeySigningKeyName(Migration m, int round = 1) => round <= 1 ? $"migrator_{m.Id:N}" : $"migrator_{m.Id:N}_{round}";

    private string KskName => KeySigningKeyName(c.Migration, round);

    private string On(string part) => DnssecProgress.OnKey(round, part);

    private string Off(string part) => DnssecProgress.OffKey(round, part);

    /// <summary>
    /// Turns signing on and publishes the DS: null with the evidence when everything is done (validated where the plan's
    /// resolvers validate), else the outcome to return (Pending with the next time, Blocked with the reason).
    /// </summary>
    public async Task<(StepOutcome? Waiting, DnssecEvidence Evidence)> EnableAsync(CancellationToken ct)
    {
        var name = KskName;
        var arn = _a.DnssecKmsKeyArn ?? throw new InvalidOperationException("the plan names no KMS key for DNSSEC");

        var ksk = await Route53StepAsync(On("ksk"), $"create and activate the key-signing key {name} (KMS key {arn})",
            s => s.KeySigningKeys.Any(k => k.Name == name && k.Status == "ACTIVE"),
            async (s, t) => s.KeySigningKeys.Any(k => k.Name == name)
                ? await route53.CallAsync(x => route53.Client.ActivateKeySigningKeyAsync(target.ZoneId, name, x), t)
                : (await route53.CallAsync(x => route53.Client.CreateKeySigningKeyAsync(target.ZoneId, name, arn, round <= 1 ? $"migrator-ksk-{c.Migration.Id:N}" : $"migrator-ksk-{c.Migration.Id:N}-{round}", active: true, x), t)).Change,
            ct);
        if (ksk is not null) return (ksk, await EvidenceAsync(ct));

        var signing = await Route53StepAsync(On("signing"), $"enable DNSSEC signing of hosted zone {target.ZoneId}",
            s => s.ServeSignature == "SIGNING",
            (_, t) => route53.CallAsync(x => route53.Client.EnableHostedZoneDnssecAsync(target.ZoneId, x), t), ct);
        if (signing is not null) return (signing, await EvidenceAsync(ct));

        var key = await ActiveKeyAsync(ct);
        if (key is null) return (new StepOutcome.Blocked($"{Zone}: signing is on but the key-signing key {name} is not ACTIVE with a public key (GetDNSSEC)"), await EvidenceAsync(ct));

        // The signed zone must be what every new name server serves, and resolvers must have had time to fetch the
        // DNSKEY set, before the parent vouches for it.
        var served = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, On("served"), MigrationOperationKinds.Observation,
            $"every new name server serves the DNSKEY of key tag {key.KeyTag} with signatures", null, c.Now), ct);
        if (served.Status != MigrationOperationStatus.Succeeded)
        {
            long ttl = 0;
            foreach (var server in newServers)
            {
                var r = await probe.QueryAsync(server, Zone, RecordType.DNSKEY, new ProbeOptions(DnssecOk: true), ct);
                var dnskey = r.AnswerSet.FirstOrDefault(x => Compact(x.Data).EndsWith(Compact(key.PublicKey!), StringComparison.Ordinal));
                var signed = r.Answers.Any(x => x.Type == RecordType.RRSIG && x.Name.Equals(Zone)); // the apex's only answer RRSIG covers DNSKEY
                if (dnskey is null || !signed)
                    return (new StepOutcome.Pending($"waiting for the signed zone: {server} serves {(dnskey is null ? $"no DNSKEY of key tag {key.KeyTag}" : "the DNSKEY set without RRSIG")} yet ({r})",
                        c.Now + pollInterval), await EvidenceAsync(ct));
                ttl = Math.Max(ttl, r.AnswerSet.Max(x => x.Ttl.Seconds));
            }
            served.Succeeded(JsonSerializer.Serialize(new ServedResult(c.Now, ttl, newServers.Select(s => s.ToString()).ToList()), Json), c.Now);
            await c.UpdateOperationAsync(served, ct);
        }
        var seen = JsonSerializer.Deserialize<ServedResult>(served.ResultJson!, Json)!;
        var publishAt = seen.ObservedAt + TimeSpan.FromSeconds(seen.DnskeyTtl);
        _steps.Add($"signed zone served since {seen.ObservedAt:u} (DNSKEY TTL {seen.DnskeyTtl} s)");
        if (c.Now < publishAt)
            return (new StepOutcome.Pending($"the signed zone is served since {seen.ObservedAt:u}; the DS goes to the parent at {publishAt:u}, once the DNSKEY TTL ({seen.DnskeyTtl} s) has passed",
                publishAt), await EvidenceAsync(ct));

        var material = new DsKeyMaterial(key.DsRecord!, key.SigningAlgorithmType, key.Flag, key.PublicKey!);
        var ds = await DsStepAsync(On("ds"), $"publish DS {key.DsRecord} for {Zone} at the parent ({changer.Description})", [material], ct);
        if (ds is not null) return (ds, await EvidenceAsync(ct));

        // Validation: every plan resolver that validates answers with AD; SERVFAIL means bogus, which blocks.
        var dsOp = (await c.Operations(ct)).Single(o => o.Key == On("ds"));
        var dsSeen = JsonSerializer.Deserialize<DsResult>(dsOp.ResultJson!, Json)!;
        // The round's last operation: once it succeeded, signing is on (DnssecProgress) and a resumed run stops here.
        var validation = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, On(DnssecProgress.OnDone), MigrationOperationKinds.Observation,
            $"ask the plan's resolvers whether {Zone} validates as secure", null, c.Now), ct);
        if (validation.Status == MigrationOperationStatus.Succeeded)
        {
            var asked = JsonSerializer.Deserialize<List<DnssecResolverView>>(validation.ResultJson ?? "[]", Json)!;
            _steps.Add(asked.Count == 0 ? "no resolver in the plan to validate with" : $"resolvers: {Describe(asked)}");
            return (null, await EvidenceAsync(ct, asked));
        }
        var views = await ResolversAsync(ct);
        var evidence = await EvidenceAsync(ct, views);
        if (views.FirstOrDefault(v => v.Verdict == DnssecResolverView.Bogus) is { } bogus)
            return (new StepOutcome.Blocked($"{Zone} is bogus at resolver {bogus.Resolver} ({bogus.Detail}) after the DS was published: turn DNSSEC off to withdraw the DS", evidence), evidence);
        // A resolver that asked before the DS existed keeps the parent's "no DS" for the parent's negative TTL.
        var patience = dsSeen.ObservedAt + TimeSpan.FromSeconds(Math.Max(5 * Math.Max(dsSeen.DsTtl ?? 0, 1), await ParentNegativeTtlAsync(ct)) + _a.IspTtlFloorSeconds);
        if (views.Any(v => v.Verdict != DnssecResolverView.Secure) && c.Now < patience)
            return (new StepOutcome.Pending($"DS published; waiting for the resolvers to validate {Zone} as secure (until {patience:u}): {Describe(views)}", c.Now + pollInterval, evidence), evidence);
        _steps.Add(views.Count == 0 ? "no resolver in the plan to validate with" : $"resolvers: {Describe(views)}");
        validation.Succeeded(JsonSerializer.Serialize(views, Json), c.Now);
        await c.UpdateOperationAsync(validation, ct);
        return (null, await EvidenceAsync(ct, views));
    }

    /// <summary>
    /// The way back: withdraws the DS, waits until no parent server shows it and its TTL (and the ISP floor) has passed,
    /// then disables signing and removes the key-signing key. Null when done.
    /// </summary>
    public async Task<(StepOutcome? Waiting, DnssecEvidence Evidence)> DisableAsync(CancellationToken ct)
    {
        var name = KskName;
        var views = await ResolversAsync(ct);
        // The longest a cache may keep the DS: what the parent served when it was published, or now, or the delegation TTL.
        var published = (await c.Operations(ct)).FirstOrDefault(o => o.Key == On("ds") && o.ResultJson is not null);
        var dsTtl = published is null ? null : JsonSerializer.Deserialize<DsResult>(published.ResultJson!, Json)!.DsTtl;
        foreach (var p in await ReadParentsAsync(ct)) dsTtl = Math.Max(dsTtl ?? 0, p.Delegation?.DsTtl ?? 0);
        var ds = await DsStepAsync(Off("ds"), $"withdraw every DS of {Zone} at the parent ({changer.Description})", [], ct, dsTtlBefore: dsTtl ?? _a.FinalDelegationTtlSeconds);
        if (ds is not null) return (ds, await EvidenceAsync(ct, views));

        var gone = JsonSerializer.Deserialize<DsResult>((await c.Operations(ct)).Single(o => o.Key == Off("ds")).ResultJson!, Json)!;
        var wait = gone.DsTtlBefore ?? _a.FinalDelegationTtlSeconds;
        var disableAt = gone.ObservedAt + TimeSpan.FromSeconds(wait + _a.IspTtlFloorSeconds);
        _steps.Add($"no parent server shows a DS since {gone.ObservedAt:u}; signing may stop at {disableAt:u} (DS TTL {wait} s + ISP floor {_a.IspTtlFloorSeconds} s)");
        if (views.FirstOrDefault(v => v.Verdict == DnssecResolverView.Bogus) is { } bogus)
            return (new StepOutcome.Blocked($"{Zone} is bogus at resolver {bogus.Resolver} ({bogus.Detail}) while the signatures are still served: look at the parent's DS before going on"), await EvidenceAsync(ct, views));
        if (c.Now < disableAt)
            return (new StepOutcome.Pending($"the DS is gone from the parent since {gone.ObservedAt:u}; signing stops at {disableAt:u}, once cached DS records have expired", disableAt), await EvidenceAsync(ct, views));

        var off = await Route53StepAsync(Off("signing"), $"disable DNSSEC signing of hosted zone {target.ZoneId}",
            s => s.ServeSignature != "SIGNING",
            (_, t) => route53.CallAsync(x => route53.Client.DisableHostedZoneDnssecAsync(target.ZoneId, x), t), ct);
        if (off is not null) return (off, await EvidenceAsync(ct, views));

        var removed = await Route53StepAsync(Off(DnssecProgress.OffDone), $"deactivate and delete the key-signing key {name} (the KMS key stays)",
            s => s.KeySigningKeys.All(k => k.Name != name),
            async (s, t) => s.KeySigningKeys.Single(k => k.Name == name).Status == "ACTIVE"
                ? await route53.CallAsync(x => route53.Client.DeactivateKeySigningKeyAsync(target.ZoneId, name, x), t)
                : await route53.CallAsync(x => route53.Client.DeleteKeySigningKeyAsync(target.ZoneId, name, x), t), ct);
        if (removed is not null) return (removed, await EvidenceAsync(ct, views));
        return (null, await EvidenceAsync(ct, views));
    }

    private sealed record ServedResult(DateTimeOffset ObservedAt, long DnskeyTtl, IReadOnlyList<string> Servers);

    private sealed record DsResult(DateTimeOffset ObservedAt, long? DsTtl, long? DsTtlBefore, IReadOnlyList<ParentServerView> Parents);

    private sealed record DsRequest(IReadOnlyList<DsKeyMaterial> Keys, long? DsTtlBefore);

    private async Task<KeySigningKey?> ActiveKeyAsync(CancellationToken ct)
    {
        var name = KskName;
        var status = await route53.CallAsync(x => route53.Client.GetDnssecAsync(target.ZoneId, x), ct);
        return status.KeySigningKeys.FirstOrDefault(k => k.Name == name && k.Status == "ACTIVE" && k.PublicKey is not null && k.DsRecord is not null);
    }

    /// <summary>
    /// One recorded Route 53 DNSSEC operation: done when <paramref name="isDone"/> holds for GetDNSSEC; else waits for a
    /// submitted change to be INSYNC, else submits the next call. Refusals are recorded and block.
    /// </summary>
    private async Task<StepOutcome?> Route53StepAsync(string key, string description, Func<DnssecStatus, bool> isDone,
        Func<DnssecStatus, CancellationToken, Task<ChangeInfo>> submit, CancellationToken ct)
    {
        var op = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, key, MigrationOperationKinds.Route53Dnssec, description, null, c.Now), ct);
        if (op.Status == MigrationOperationStatus.Succeeded) { _steps.Add($"{description}: done"); return null; }
        if (op.Status == MigrationOperationStatus.Failed) return new StepOutcome.Blocked($"{description} was refused: {op.ResultJson}");
        if (op.Status == MigrationOperationStatus.Submitted && op.ExternalId is { } id && !await target.IsInSyncAsync(id, ct))
            return new StepOutcome.Pending($"{description}: change {id} is PENDING", c.Now + pollInterval);
        var status = await route53.CallAsync(x => route53.Client.GetDnssecAsync(target.ZoneId, x), ct);
        if (isDone(status))
        {
            op.Succeeded(JsonSerializer.Serialize(new { status.ServeSignature, keys = status.KeySigningKeys.Select(k => new { k.Name, k.Status, k.KeyTag }) }, Json), c.Now);
            await c.UpdateOperationAsync(op, ct);
            _steps.Add($"{description}: done");
            return null;
        }
        ChangeInfo info;
        try { info = await submit(status, ct); }
        catch (Route53Exception e) when (!e.Retryable)
        {
            // A retried call whose first answer was lost is refused (KeySigningKeyAlreadyExists, ...) though it applied: look again.
            var after = await route53.CallAsync(x => route53.Client.GetDnssecAsync(target.ZoneId, x), ct);
            if (isDone(after))
            {
                op.Succeeded(JsonSerializer.Serialize(new { after.ServeSignature, keys = after.KeySigningKeys.Select(k => new { k.Name, k.Status, k.KeyTag }), refusedRetry = e.Code }, Json), c.Now);
                await c.UpdateOperationAsync(op, ct);
                _steps.Add($"{description}: done");
                return null;
            }
            op.Failed(JsonSerializer.Serialize(new { e.Code, e.ErrorMessage }, Json), c.Now);
            await c.UpdateOperationAsync(op, ct);
            return new StepOutcome.Blocked($"{description} was refused by Route 53: {e.Code}: {e.ErrorMessage}");
        }
        op.Submitted(info.Id, null, c.Now);
        await c.UpdateOperationAsync(op, ct);
        return new StepOutcome.Pending($"{description}: change {info.Id} submitted", c.Now + pollInterval);
    }

    /// <summary>
    /// One recorded DS change at the parent: requested through the changer until its view (registry, parent primary)
    /// holds the wanted DS set, then done once every parent server shows it (the time and DS TTL are the result).
    /// </summary>
    private async Task<StepOutcome?> DsStepAsync(string key, string description, IReadOnlyList<DsKeyMaterial> keys, CancellationToken ct, long? dsTtlBefore = null)
    {
        var op = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, key, MigrationOperationKinds.DsChange, description,
            JsonSerializer.Serialize(new DsRequest(keys, dsTtlBefore), Json), c.Now), ct);
        if (op.Status == MigrationOperationStatus.Succeeded) { _steps.Add($"{description}: done"); return null; }
        if (op.Status == MigrationOperationStatus.Failed) return new StepOutcome.Blocked($"{description} failed: {op.ResultJson}");
        var want = keys.Select(k => RdataFormat.CanonicalOrSelf(RecordType.DS, k.DsRecord)).ToHashSet(StringComparer.Ordinal);
        if (op.ExternalId is null && changer is ManualDelegationChanger)
        {
            // A resumed step whose request reached the person but was not noted here (a crash in between): ask no second time.
            var asked = (await c.Operations(ct)).Where(o => o.Kind == ManualDelegationChanger.Kind && o.CreatedAt >= op.CreatedAt && o.RequestJson is not null)
                .OrderByDescending(o => o.CreatedAt)
                .FirstOrDefault(o => JsonSerializer.Deserialize<DelegationView>(o.RequestJson!) is { } v && SameDs(v.Ds, want));
            if (asked is not null)
            {
                op.Submitted(asked.Key, null, c.Now);
                await c.UpdateOperationAsync(op, ct);
            }
        }
        if (op.ExternalId is { } id)
        {
            var state = await changer.GetStatusAsync(id, ct);
            if (state == DelegationChangeStatus.Failed)
            {
                op.Failed(JsonSerializer.Serialize(new { operation = id, state = state.ToString() }, Json), c.Now);
                await c.UpdateOperationAsync(op, ct);
                return new StepOutcome.Blocked($"{description}: operation {id} failed at {changer.Description}");
            }
            if (state != DelegationChangeStatus.Succeeded)
                return new StepOutcome.Pending(changer is ManualDelegationChanger manual
                    ? $"{description}: waiting for a person at the registrar (operation {id}): {manual.Instructions(id)}"
                    : $"{description}: operation {id} is {state} ({changer.Description})", c.Now + pollInterval);
        }
        var current = await changer.GetCurrentAsync(Zone, ct);
        if (!SameDs(current.DsRecords, want))
        {
            // The first request, one more registry operation, or a resumed step whose request never went out.
            var requested = await changer.RequestDsChangeAsync(Zone, keys, ct);
            op.Submitted(requested, null, c.Now);
            await c.UpdateOperationAsync(op, ct);
            return new StepOutcome.Pending($"{description}: requested (operation {requested})", c.Now + pollInterval);
        }
        var parents = await ReadParentsAsync(ct);
        var behind = parents.Where(p => p.Delegation is not { } d || !SameDs(d.Ds, want)).ToList();
        if (behind.Count > 0)
            return new StepOutcome.Pending($"{description}: waiting for the parent servers: {string.Join("; ", behind.Select(p => p.Delegation is { } d ? $"{p.Server} shows DS [{string.Join(" | ", d.Ds)}]" : $"{p.Server}: {p.Error}"))}",
                c.Now + pollInterval);
        var dsTtl = parents.Select(p => p.Delegation?.DsTtl).Where(t => t is not null).DefaultIfEmpty().Max();
        op.Succeeded(JsonSerializer.Serialize(new DsResult(c.Now, dsTtl, dsTtlBefore, parents), Json), c.Now);
        await c.UpdateOperationAsync(op, ct);
        _steps.Add($"{description}: every parent server shows it since {c.Now:u}");
        return null;
    }

    /// <summary>The parent zone's negative-caching TTL (RFC 2308: the lesser of its SOA's TTL and MINIMUM); 0 when unknown.</summary>
    private async Task<long> ParentNegativeTtlAsync(CancellationToken ct)
    {
        if (Zone.IsRoot || _a.ParentEndpoints.Count == 0) return 0;
        var r = await probe.QueryAsync(_a.ParentEndpoints[0], Zone.Parent(), RecordType.SOA, ProbeOptions.Default, ct);
        var soa = r.AnswerSet.FirstOrDefault();
        var fields = soa?.Data.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return soa is not null && fields is { Length: 7 } && long.TryParse(fields[6], System.Globalization.CultureInfo.InvariantCulture, out var minimum)
            ? Math.Min(soa.Ttl.Seconds, minimum) : 0;
    }

    private static bool SameDs(IEnumerable<string> have, IReadOnlySet<string> want) =>
        have.Select(ds => RdataFormat.CanonicalOrSelf(RecordType.DS, ds)).ToHashSet(StringComparer.Ordinal).SetEquals(want);

    private async Task<IReadOnlyList<ParentServerView>> ReadParentsAsync(CancellationToken ct)
    {
        var list = new List<ParentServerView>();
        foreach (var s in _a.ParentEndpoints) list.Add(await ParentDelegationReader.ReadAsync(probe, s, Zone, ct));
        return list;
    }

    /// <summary>Asks every plan resolver for the zone's DNSKEY set with DO set and stores the verdicts as a sample.</summary>
    private async Task<IReadOnlyList<DnssecResolverView>> ResolversAsync(CancellationToken ct)
    {
        var views = new List<DnssecResolverView>();
        foreach (var resolver in _a.ResolverEndpoints)
        {
            // The DNSKEY set: validated against the parent's DS itself, and never answered from an answer cached before the DS changed.
            var r = await probe.QueryAsync(resolver, Zone, RecordType.DNSKEY, ProbeOptions.Validating, ct);
            views.Add(r.Error != ProbeErrorKind.None ? new DnssecResolverView(resolver.ToString(), DnssecResolverView.NoAnswer, r.ToString())
                : r.ResponseCode == "SERVFAIL" ? new DnssecResolverView(resolver.ToString(), DnssecResolverView.Bogus, "SERVFAIL with DO set")
                : r.AuthenticData && r.IsNoError ? new DnssecResolverView(resolver.ToString(), DnssecResolverView.Secure)
                : new DnssecResolverView(resolver.ToString(), DnssecResolverView.Insecure, r.ResponseCode));
        }
        if (views.Count > 0)
            await c.AddSampleAsync(new MigrationSample(c.Migration.Id, MigrationSampleKinds.Dnssec, c.Now, views.All(v => v.Verdict != DnssecResolverView.Bogus),
                Describe(views), JsonSerializer.Serialize(views, Json)), ct);
        return views;
    }

    private static string Describe(IReadOnlyList<DnssecResolverView> views) =>
        string.Join(", ", views.Select(v => $"{v.Resolver} {v.Verdict}{(v.Detail is null ? "" : $" ({v.Detail})")}"));

    private async Task<DnssecEvidence> EvidenceAsync(CancellationToken ct, IReadOnlyList<DnssecResolverView>? views = null)
    {
        KeySigningKey? key = null;
        try { key = await ActiveKeyAsync(ct); }
        catch (Route53Exception) { /* evidence only: the step's own calls report Route 53's errors */ }
        return new DnssecEvidence(KskName, key?.KeyTag, key?.DsRecord, _steps.ToList(), views ?? []);
    }

    private static string Compact(string s) => string.Concat(s.Where(ch => !char.IsWhiteSpace(ch)));
}
