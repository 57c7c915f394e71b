using System.Collections.Concurrent;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;
using Xunit.Abstractions;
using static Migrator.EndToEnd.Lab.MigrationLab;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// DNSSEC after a migration, in the lab: BIND signs the lab root and the TLD lab. (dnssec-policy), the root holds lab.'s
/// DS, and unbound validates from the lab root's key as its trust anchor; the Route 53 emulator signs example.lab once completion turns signing on, and the DS goes
/// into the TLD by RFC 2136. unbound must call the zone secure after the DS is published, and never bogus (SERVFAIL)
/// on the way in or on the way back.
/// </summary>
public sealed class DnssecLabTests(ITestOutputHelper output)
{
    private static readonly DomainName Www = DomainName.Parse("www.example.lab.");

    private sealed record Verdict(DateTimeOffset At, string Name, string Rcode, bool Ad);

    [Fact]
    public async Task Completion_SignsAndPublishesTheDs_SoUnboundValidatesSecure_AndTurningItOffIsNeverBogus_AndOnAgainIsSecure()
    {
        await using var m = await MigrationLab.StartAsync(signTld: true);
        // The chain of trust starts at the lab root: unbound trusts its key only.
        Assert.StartsWith(". 3600 IN DNSKEY 257 3 13 ", m.Lab.RootTrustAnchor);
        var before = await m.Probe.QueryAsync(m.Lab.Resolver, DnsLab.Tld, RecordType.SOA, ProbeOptions.Validating);
        Assert.True(before.IsNoError && before.AuthenticData, $"unbound does not validate the signed lab TLD: {before}, AD={before.AuthenticData}");

        var answers = m.Answers() with
        {
            DnssecKmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/lab-dnssec",
            Resolvers = [m.Lab.Resolver.ToString()],
            FinalDelegationTtlSeconds = 2,
        };
        var id = await m.MigrateUntilWaitedAsync(answers);
        await m.ApproveAsync(id);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.Soaked, TimeSpan.FromMinutes(3));
        Assert.Equal(Verdict0(await AskAsync(m, Www)), ("NOERROR", false)); // insecure: no DS yet

        // From here on unbound is asked all the time: secure or insecure are fine, SERVFAIL (bogus) never.
        var verdicts = new ConcurrentQueue<Verdict>();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var name in new[] { DnsLab.Zone, Www }) // the apex's DNSKEY set, and an A record cached for its TTL
                {
                    var r = await AskAsync(m, name);
                    verdicts.Enqueue(new Verdict(DateTimeOffset.UtcNow, name.ToString(), r.ResponseCode ?? r.Error.ToString(), r.AuthenticData));
                }
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        Assert.True((await m.Workflow.TickUpdaterAsync(id, "certbot", Alice)).IsSuccess);
        await m.Workflow.AdvanceAsync(id, Alice);
        var completed = await m.WaitForAsync(id, MigrationState.Completed, TimeSpan.FromMinutes(4));
        Assert.Null(completed.Blocker);

        var parent = await ParentDelegationReader.ReadAsync(m.Probe, m.Lab.TldServer, DnsLab.Zone, default);
        var ds = Assert.Single(parent.Delegation!.Ds);
        var operations = await m.Workflow.GetOperationsAsync(id);
        Assert.All(operations.Where(o => o.Key.StartsWith("dnssec:", StringComparison.Ordinal)), o => Assert.Equal(MigrationOperationStatus.Succeeded, o.Status));
        Assert.Equal(["dnssec:ds", "dnssec:ksk", "dnssec:served", "dnssec:signing", "dnssec:validation"],
            operations.Where(o => o.Key.StartsWith("dnssec:", StringComparison.Ordinal)).Select(o => o.Key).Order(StringComparer.Ordinal));
        var evidence = (await m.Workflow.GetHistoryAsync(id))[^1].Evidence.GetProperty("dnssec");
        Assert.Equal(RdataFormat.CanonicalOrSelf(RecordType.DS, ds), RdataFormat.CanonicalOrSelf(RecordType.DS, evidence.GetProperty("dsRecord").GetString()!));
        Assert.Contains(evidence.GetProperty("resolvers").EnumerateArray(), v => v.GetProperty("verdict").GetString() == DnssecResolverView.Secure);
        var secure = await AskAsync(m, Www);
        Assert.True(secure.IsNoError && secure.AuthenticData, $"unbound does not validate {Www} as secure after the DS was published: {secure}");
        output.WriteLine($"DS {ds}; {Www} secure through unbound");

        // The way back: DS withdrawn first, its TTL waited out, then signing off.
        var off = await m.Workflow.TurnOffDnssecAsync(id, "lab drill: the way back", Alice);
        Assert.True(off.Outcome is WorkflowOutcome.Accepted or WorkflowOutcome.Succeeded, off.Message);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        IReadOnlyList<MigrationHistoryView> history = [];
        while (DateTimeOffset.UtcNow < deadline && !(history = await m.Workflow.GetHistoryAsync(id)).Any(h => h.Step == nameof(MigrationStep.TurnOffDnssec)))
            await Task.Delay(200);
        var status = await m.Workflow.GetStatusAsync(id);
        Assert.True(history.Any(h => h.Step == nameof(MigrationStep.TurnOffDnssec)),
            $"DNSSEC was not turned off within 3 min: blocker {status!.Blocker}; job errors: {string.Join(" | ", m.Jobs.Errors)}");
        var offAt = DateTimeOffset.UtcNow;

        // Caches that still held the DS or the signed answers must have expired without a bogus answer: keep asking a while.
        while (DateTimeOffset.UtcNow < offAt.AddSeconds(6)) await Task.Delay(200);
        await stop.CancelAsync();
        await sampler;

        var all = verdicts.ToList();
        output.WriteLine($"{all.Count} answers from unbound: {all.Count(v => v.Ad)} secure, {all.Count(v => !v.Ad && v.Rcode == "NOERROR")} insecure");
        Assert.DoesNotContain(all, v => v.Rcode != "NOERROR");
        Assert.Contains(all, v => v.Ad);
        Assert.Empty((await ParentDelegationReader.ReadAsync(m.Probe, m.Lab.TldServer, DnsLab.Zone, default)).Delegation!.Ds);
        Assert.Equal(Verdict0(await AskAsync(m, Www)), ("NOERROR", false));
        Assert.Equal(MigrationState.Completed, status!.State);
        Assert.Null(status.Blocker);
        var offOps = (await m.Workflow.GetOperationsAsync(id)).Where(o => o.Key.StartsWith("dnssec-off:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dnssec-off:ds", "dnssec-off:ksk", "dnssec-off:signing"], offOps.Select(o => o.Key).Order(StringComparer.Ordinal));
        // DS gone at the parent strictly before signing stopped.
        Assert.True(offOps.Single(o => o.Key == "dnssec-off:ds").UpdatedAt < offOps.Single(o => o.Key == "dnssec-off:signing").CreatedAt);

        // On again, the plan unchanged: a second round with operations (and a key-signing key) of its own; secure again.
        var again = await m.Workflow.SetDnssecAsync(id, DnssecTiming.AfterMigration, answers.DnssecKmsKeyArn, Alice);
        Assert.True(again.Outcome is WorkflowOutcome.Accepted or WorkflowOutcome.Succeeded, again.Message);
        var on = await m.WaitUntilAsync(id, s => s.Dnssec is { Round: 2, Phase: DnssecPhase.On } && s.RunningStep is null, TimeSpan.FromMinutes(3));
        Assert.Null(on.Blocker);
        Assert.Single((await ParentDelegationReader.ReadAsync(m.Probe, m.Lab.TldServer, DnsLab.Zone, default)).Delegation!.Ds);
        var secureAgain = await AskAsync(m, Www);
        Assert.True(secureAgain.IsNoError && secureAgain.AuthenticData, $"unbound does not validate {Www} as secure after DNSSEC was turned on again: {secureAgain}");
        Assert.Equal(["dnssec#2:ds", "dnssec#2:ksk", "dnssec#2:served", "dnssec#2:signing", "dnssec#2:validation"],
            (await m.Workflow.GetOperationsAsync(id)).Where(o => o.Key.StartsWith("dnssec#2:", StringComparison.Ordinal)).Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    private static Task<ProbeResult> AskAsync(MigrationLab m, DomainName name) =>
        m.Probe.QueryAsync(m.Lab.Resolver, name, name.Equals(DnsLab.Zone) ? RecordType.DNSKEY : RecordType.A, ProbeOptions.Validating);

    private static (string?, bool) Verdict0(ProbeResult r) => (r.ResponseCode, r.AuthenticData);
}
