using System.Net;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

/// <summary>The C# client against the emulator: the operations and error cases the JS SDK conformance suite covers.</summary>
public class Route53ClientEmulatorTests(ClientEmulatorFixture emulator) : IClassFixture<ClientEmulatorFixture>
{
    private readonly Route53Client _client = emulator.Client();
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    private Task<HostedZoneDetail> CreateAsync(string name, string? reference = null) =>
        _client.CreateHostedZoneAsync(new CreateHostedZoneRequest(DomainName.Parse(name), reference ?? Unique("ref")), Ct);

    /// <summary>The change as GetChange reports it once the emulator's (fake) clock has passed its INSYNC delay.</summary>
    private async Task<ChangeInfo> InSync(ChangeInfo info)
    {
        Assert.Equal(ChangeStatus.Pending, (await _client.GetChangeAsync(info.Id, Ct)).Status);
        emulator.Time.Advance(emulator.Host.Emulator.Options.InsyncDelay);
        return await _client.GetChangeAsync(info.Id, Ct);
    }

    [Fact]
    public async Task CreateHostedZone_ReturnsPendingChangeAndFourNameServers_ForNewZone()
    {
        var name = Unique("z") + ".Example.COM.";
        var d = await CreateAsync(name);
        Assert.Matches("^Z[A-Z0-9]{13,21}$", d.Zone.Id);
        Assert.Equal(DomainName.Parse(name), d.Zone.Name);
        Assert.Equal(name.ToLowerInvariant(), d.Zone.Name.ToString()); // Route 53 lowercases
        Assert.Equal(2, d.Zone.ResourceRecordSetCount);
        Assert.Equal(ChangeStatus.Pending, d.ChangeInfo!.Status);
        Assert.Equal(4, d.NameServers.Count);
        Assert.Equal(ChangeStatus.InSync, (await InSync(d.ChangeInfo)).Status);
        var got = await _client.GetHostedZoneAsync("/hostedzone/" + d.Zone.Id, Ct);
        Assert.Equal(d.NameServers, got.NameServers);
    }

    [Fact]
    public async Task CreateHostedZone_ThrowsHostedZoneAlreadyExists409_WhenCallerReferenceIsReused()
    {
        var reference = Unique("ref");
        await CreateAsync(Unique("z") + ".com", reference);
        var e = await Assert.ThrowsAsync<Route53Exception>(() => CreateAsync(Unique("z") + ".com", reference));
        Assert.Equal(("HostedZoneAlreadyExists", HttpStatusCode.Conflict, false), (e.Code, e.StatusCode, e.Retryable));
        Assert.Equal("A hosted zone has already been created with the specified caller reference.", e.ErrorMessage);
        Assert.NotNull(e.RequestId);
    }

    [Fact]
    public async Task GetHostedZone_ThrowsNoSuchHostedZone404_WhenIdIsUnknown()
    {
        var e = await Assert.ThrowsAsync<Route53Exception>(() => _client.GetHostedZoneAsync("ZNOTTHERE12345", Ct));
        Assert.Equal(("NoSuchHostedZone", HttpStatusCode.NotFound), (e.Code, e.StatusCode));
        Assert.Contains("ZNOTTHERE12345", e.ErrorMessage);
    }

    [Fact]
    public async Task FindHostedZonesByName_ReturnsEveryDuplicateAndNothingElse_WhenSeekPassesOtherNames()
    {
        var tld = Unique("seek");
        await CreateAsync($"a-b.{tld}.net");
        var a1 = await CreateAsync($"a.{tld}.net");
        var a2 = await CreateAsync($"a.{tld}.net");
        await CreateAsync($"b.{tld}.net");
        var found = await _client.FindHostedZonesByNameAsync(DomainName.Parse($"A.{tld}.NET."), Ct);
        Assert.Equal(new[] { a1.Zone.Id, a2.Zone.Id }.Order(), found.Select(z => z.Id).Order());
        Assert.Empty(await _client.FindHostedZonesByNameAsync(DomainName.Parse($"aa.{tld}.net."), Ct));
        // The raw call is a seek: asking for a missing name starts at the next one.
        var page = await _client.ListHostedZonesByNameAsync(DomainName.Parse($"aa.{tld}.net."), null, 1, Ct);
        Assert.Equal(DomainName.Parse($"b.{tld}.net."), page.HostedZones[0].Name);
    }

    [Fact]
    public async Task ChangeResourceRecordSets_AppliesAndListsDecodedNames_WhenBatchIsValid()
    {
        var zone = await CreateAsync(Unique("rr") + ".com");
        var origin = zone.Zone.Name;
        var batch = new ChangeBatch([
            new(ChangeAction.Create, Route53TargetZone.ToRoute53(new RecordSet(new(origin.Prepend("*"), RecordType.TXT), new Ttl(60), ["\"wild card\" \"caf\\195\\169\""]))),
            new(ChangeAction.Create, new Route53RecordSet(origin.Prepend("WWW"), RecordType.A, 300, ["192.0.2.1", "192.0.2.2"])),
            new(ChangeAction.Upsert, new Route53RecordSet(origin.Prepend("mail"), RecordType.MX, 300, ["10 mx.example.net."])),
        ], "first batch");
        var info = await _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, batch, Ct);
        Assert.Equal("first batch", info.Comment);
        Assert.Equal(ChangeStatus.InSync, (await InSync(info)).Status);

        var sets = new List<Route53RecordSet>();
        await foreach (var s in _client.ListResourceRecordSetsAsync(zone.Zone.Id, Ct)) sets.Add(s);
        Assert.Equal(5, sets.Count);
        var wildcard = Assert.Single(sets, s => s.Type == RecordType.TXT);
        Assert.True(wildcard.Name.IsWildcard);
        Assert.Equal("\"wild card\" \"caf\\195\\169\"", Route53TargetZone.ToCanonical(wildcard).Values.Single());
        Assert.Contains(sets, s => s.Name == origin.Prepend("www") && s.Values.Order().SequenceEqual(["192.0.2.1", "192.0.2.2"]));
    }

    [Fact]
    public async Task ChangeResourceRecordSets_ThrowsEveryProblemOnce_WhenBatchIsInvalid()
    {
        var zone = await CreateAsync(Unique("bad") + ".com");
        var www = zone.Zone.Name.Prepend("www");
        await InSync(await _client.ChangeResourceRecordSetsAsync(zone.Zone.Id,
            new ChangeBatch([new(ChangeAction.Create, new Route53RecordSet(www, RecordType.A, 300, ["192.0.2.1"]))]), Ct));
        var e = await Assert.ThrowsAsync<Route53Exception>(() => _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, new ChangeBatch([
            new(ChangeAction.Create, new Route53RecordSet(www, RecordType.A, 300, ["192.0.2.9"])),
            new(ChangeAction.Delete, new Route53RecordSet(zone.Zone.Name.Prepend("x"), RecordType.CNAME, 300, ["y.example.com."])),
        ]), Ct));
        Assert.Equal(("InvalidChangeBatch", HttpStatusCode.BadRequest, false), (e.Code, e.StatusCode, e.Retryable));
        Assert.Equal([
            $"Tried to create resource record set [name='{www}', type='A'] but it already exists",
            $"Tried to delete resource record set [name='{zone.Zone.Name.Prepend("x")}', type='CNAME'] but it was not found"], e.Messages);

        var mismatch = await Assert.ThrowsAsync<Route53Exception>(() => _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, new ChangeBatch([
            new(ChangeAction.Delete, new Route53RecordSet(www, RecordType.A, 60, ["192.0.2.1"]))]), Ct));
        Assert.Equal($"Tried to delete resource record set [name='{www}', type='A'] but the values provided do not match the current values", Assert.Single(mismatch.Messages));
    }

    [Fact]
    public async Task ChangeResourceRecordSets_ThrowsInvalidChangeBatch_WhenBatchExceedsRecordLimit()
    {
        var zone = await CreateAsync(Unique("lim") + ".com");
        var changes = Enumerable.Range(0, 501).Select(i => new Route53Change(ChangeAction.Upsert,
            new Route53RecordSet(zone.Zone.Name.Prepend($"h{i}"), RecordType.A, 60, ["192.0.2.1"]))).ToList();
        var e = await Assert.ThrowsAsync<Route53Exception>(() => _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, new ChangeBatch(changes), Ct));
        Assert.Equal("InvalidChangeBatch", e.Code);
        // the packer never sends such a batch: the same changes go as two
        Assert.Equal(2, ChangeBatchPacker.Pack(changes).Batches.Count);
    }

    [Fact]
    public async Task DeleteHostedZone_ThrowsHostedZoneNotEmpty_UntilOnlyApexRemains()
    {
        var zone = await CreateAsync(Unique("del") + ".com");
        var set = new Route53RecordSet(zone.Zone.Name.Prepend("a"), RecordType.A, 60, ["192.0.2.1"]);
        await InSync(await _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, new ChangeBatch([new(ChangeAction.Create, set)]), Ct));
        var e = await Assert.ThrowsAsync<Route53Exception>(() => _client.DeleteHostedZoneAsync(zone.Zone.Id, Ct));
        Assert.Equal("HostedZoneNotEmpty", e.Code);
        await InSync(await _client.ChangeResourceRecordSetsAsync(zone.Zone.Id, new ChangeBatch([new(ChangeAction.Delete, set)]), Ct));
        var deleted = await _client.DeleteHostedZoneAsync(zone.Zone.Id, Ct);
        Assert.False(string.IsNullOrEmpty(deleted.Id));
        Assert.Equal("NoSuchHostedZone", (await Assert.ThrowsAsync<Route53Exception>(() => _client.GetHostedZoneAsync(zone.Zone.Id, Ct))).Code);
    }

    [Fact]
    public async Task GetChange_ThrowsNoSuchChange404_WhenIdIsUnknown()
    {
        var e = await Assert.ThrowsAsync<Route53Exception>(() => _client.GetChangeAsync("/change/CNOSUCHCHANGE", Ct));
        Assert.Equal(("NoSuchChange", HttpStatusCode.NotFound), (e.Code, e.StatusCode));
    }

    [Fact]
    public async Task QueryLoggingConfig_CreatesListsAndDeletes_OnePerZone()
    {
        var zone = await CreateAsync(Unique("qlc") + ".com");
        var arn = $"arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/{zone.Zone.Name.ToString().TrimEnd('.')}";
        // as at AWS: the log group must exist and let Route 53 write (see CloudWatchLogs/QueryLoggingEmulatorTests)
        emulator.Host.Emulator.Logs.CreateLogGroup($"/aws/route53/{zone.Zone.Name.ToString().TrimEnd('.')}");
        emulator.Host.Emulator.Logs.PutResourcePolicy("route53", Migrator.Core.CloudWatchLogs.QueryLoggingSetup.ResourcePolicyDocument("111122223333"));
        var config = await _client.CreateQueryLoggingConfigAsync(zone.Zone.Id, arn, Ct);
        Assert.Equal((zone.Zone.Id, arn), (config.HostedZoneId, config.CloudWatchLogsLogGroupArn));
        var again = await Assert.ThrowsAsync<Route53Exception>(() => _client.CreateQueryLoggingConfigAsync(zone.Zone.Id, arn, Ct));
        Assert.Equal(("QueryLoggingConfigAlreadyExists", HttpStatusCode.Conflict), (again.Code, again.StatusCode));
        Assert.Equal(config.Id, Assert.Single(await _client.ListQueryLoggingConfigsAsync(zone.Zone.Id, Ct)).Id);
        await _client.DeleteQueryLoggingConfigAsync(config.Id, Ct);
        Assert.Empty(await _client.ListQueryLoggingConfigsAsync(zone.Zone.Id, Ct));
    }

    [Fact]
    public async Task GetDnssec_ReportsNotSigning_ForNewZone()
    {
        var zone = await CreateAsync(Unique("sec") + ".com");
        var status = await _client.GetDnssecAsync(zone.Zone.Id, Ct);
        Assert.Equal("NOT_SIGNING", status.ServeSignature);
        Assert.Empty(status.KeySigningKeys);
    }

    [Fact]
    public async Task DnssecSigning_RunsThereAndBack_WithOurClientAgainstTheEmulator()
    {
        var zone = await CreateAsync(Unique("signs") + ".com");
        // Each call is a change: the next waits until it is INSYNC, as one change at a time per zone requires.
        var (created, key) = await _client.CreateKeySigningKeyAsync(zone.Zone.Id, "ksk_client", "arn:aws:kms:us-east-1:111122223333:key/client-1", Unique("ref"), active: true, Ct);
        await InSync(created);
        Assert.Equal((257, 13, "ACTIVE"), (key.Flag, key.SigningAlgorithmType, key.Status));
        Assert.StartsWith($"{key.KeyTag} 13 2 ", key.DsRecord);
        await InSync(await _client.EnableHostedZoneDnssecAsync(zone.Zone.Id, Ct));
        var on = await _client.GetDnssecAsync(zone.Zone.Id, Ct);
        Assert.Equal("SIGNING", on.ServeSignature);
        Assert.Equal(key.DsRecord, Assert.Single(on.KeySigningKeys).DsRecord);

        var inUse = await Assert.ThrowsAsync<Route53Exception>(() => _client.DeactivateKeySigningKeyAsync(zone.Zone.Id, "ksk_client", Ct));
        Assert.Equal("KeySigningKeyInUse", inUse.Code);
        await InSync(await _client.DisableHostedZoneDnssecAsync(zone.Zone.Id, Ct));
        await InSync(await _client.DeactivateKeySigningKeyAsync(zone.Zone.Id, "ksk_client", Ct));
        await InSync(await _client.DeleteKeySigningKeyAsync(zone.Zone.Id, "ksk_client", Ct));
        var off = await _client.GetDnssecAsync(zone.Zone.Id, Ct);
        Assert.Equal("NOT_SIGNING", off.ServeSignature);
        Assert.Empty(off.KeySigningKeys);
    }

    [Fact]
    public async Task AnyCall_ThrowsSignatureDoesNotMatch403_WhenSecretIsWrong()
    {
        var e = await Assert.ThrowsAsync<Route53Exception>(() => emulator.Client("not-the-secret").GetHostedZoneAsync("Z1", Ct));
        Assert.Equal(("SignatureDoesNotMatch", HttpStatusCode.Forbidden, false), (e.Code, e.StatusCode, e.Retryable));
        Assert.DoesNotContain("not-the-secret", e.Message);
    }

    [Fact]
    public async Task DelegationChanger_UpdatesNameServers_ThroughRoute53Domains()
    {
        var domains = emulator.Domains();
        var changer = new Route53DomainsDelegationChanger(domains, new Route53ChangeScheduler(_client, TimeProvider.System, Route53ChangeSchedulerTests.Fast), "emulator", TimeProvider.System);
        var zone = DomainName.Parse("migrate-me.com.");
        var before = await changer.GetCurrentAsync(zone, Ct);
        Assert.Equal([DomainName.Parse("ns1.old-provider.net."), DomainName.Parse("ns2.old-provider.net.")], before.NameServers.Select(n => n.Name));

        var target = new Delegation(zone, [new(DomainName.Parse("ns-1.awsdns-00.com."), []), new(DomainName.Parse("ns-600.awsdns-11.net."), [])], []);
        var op = await changer.RequestChangeAsync(target, Ct);
        var dup = await Assert.ThrowsAsync<Route53Exception>(() => changer.RequestChangeAsync(target, Ct));
        Assert.Equal("DuplicateRequest", dup.Code);
        Assert.True(await changer.GetStatusAsync(op, Ct) is DelegationChangeStatus.Submitted or DelegationChangeStatus.InProgress);
        emulator.Time.Advance(emulator.Host.Emulator.Options.DomainOperationDelay);
        Assert.Equal(DelegationChangeStatus.Succeeded, await changer.GetStatusAsync(op, Ct));
        Assert.Equal(target.NameServers.Select(n => n.Name), (await changer.GetCurrentAsync(zone, Ct)).NameServers.Select(n => n.Name));

        var unknown = await Assert.ThrowsAsync<Route53Exception>(() => domains.GetDomainDetailAsync("not-mine-at-all.com", Ct));
        Assert.Equal(("InvalidInput", HttpStatusCode.BadRequest), (unknown.Code, unknown.StatusCode));
        Assert.Equal("Domain not-mine-at-all.com not found in 111122223333 account.", unknown.ErrorMessage);
        var listed = new List<DomainSummary>();
        await foreach (var d in domains.ListAllDomainsAsync(Ct)) listed.Add(d);
        Assert.Contains(listed, d => d.DomainName == "migrate-me.com");
    }
}
