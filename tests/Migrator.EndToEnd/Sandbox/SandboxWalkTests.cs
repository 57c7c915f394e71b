using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.EndToEnd.Api;
using Xunit.Abstractions;

namespace Migrator.EndToEnd.Sandbox;

/// <summary>One app in sandbox mode with the world's TTLs in single seconds, shared by the walk tests (each walks its own demo zone).</summary>
public sealed class FastSandboxFixture : IAsyncLifetime
{
    public SandboxApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await SandboxApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The "done when" in the running app: shop.example from Drafted to Soaked and back by rollback in the sandbox
/// world, driven through the `migrator` CLI (operator and approver, each logged in) and checked through the REST API and
/// by asking the world's own resolvers; signed.example stopped by the DNSSEC guard; legacy.example up to the manual
/// registrar's step, which waits until a person changes the delegation on the registrar's page.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SandboxWalkTests(FastSandboxFixture fixture, ITestOutputHelper output) : IClassFixture<FastSandboxFixture>, IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CacheTimeout = TimeSpan.FromSeconds(90);

    private readonly DirectoryInfo configHome = Directory.CreateTempSubdirectory("migrator-walk-e2e-");
    private SandboxApp App => fixture.App;
    private string Server => App.BaseAddress.ToString();

    public void Dispose() => configHome.Delete(recursive: true);

    private async Task<CliProcess> LoggedInAsync(string name, string email, string password)
    {
        var cli = new CliProcess(Path.Combine(configHome.FullName, name));
        var login = await cli.RunAsync(["login", "--server", Server, "--user", email], password + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
        return cli;
    }

    private static async Task Ok(CliProcess cli, params string[] args)
    {
        var r = await cli.RunAsync(args);
        Assert.True(r.ExitCode == 0, $"migrator {string.Join(' ', args)}: {r}");
    }

    private static string[] Wait(string zone, string state) => ["migration", "wait", zone, "--state", state, "--timeout", "180", "--interval", "0.5"];

    [Fact]
    public async Task ShopExample_WalksFromDraftedToSoakedAndBackByRollback_ThroughTheCli_AndResolversFollow()
    {
        const string zone = "shop.example";
        var clock = Stopwatch.StartNew();
        var resolvers = await App.ResolversAsync();
        Assert.Equal(3, resolvers.Count);
        Assert.Equal(SandboxApp.OldNameServers, await App.DelegationAtTldAsync(zone + "."));
        foreach (var (name, endpoint) in resolvers)
            Assert.True(SandboxApp.OldNameServers.SequenceEqual(await App.NameServersViaAsync(endpoint, zone)), $"{name} before the migration");

        var op = await LoggedInAsync("operator", "operator@sandbox.local", "Operator-sandbox-1");
        var approver = await LoggedInAsync("approver", "approver@sandbox.local", "Approver-sandbox-1");

        await Ok(op, "migration", "create", zone);
        await Ok(op, "migration", "plan", zone, "--sandbox-defaults");
        var planned = await App.StatusAsync(zone);
        Assert.Equal("Planned", planned.GetProperty("state").GetString());
        Assert.Equal("Axfr", planned.GetProperty("plan").GetProperty("source").GetProperty("kind").GetString());

        await Ok(op, "migration", "advance", zone);                        // Inventory: AXFR from the world's old provider
        await Ok(op, Wait(zone, "Inventoried"));
        var inventoried = await App.StatusAsync(zone);
        Assert.True(inventoried.GetProperty("inventoryRecordCount").GetInt32() >= 45, inventoried.ToString());
        // Accept every finding that would block (shop.example has none that are errors; accepting is how legacy.example goes on).
        foreach (var f in inventoried.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("isError").GetBoolean()))
            await SandboxApp.ReadAsync(await App.Operator.PostAsJsonAsync($"/api/migrations/{zone}/findings/accept",
                new { key = f.GetProperty("key").GetString(), reason = "sandbox walk" }), "accept finding");

        await Ok(op, "migration", "advance", zone);                        // Rehearse: hosted zone, import, parity
        await Ok(op, Wait(zone, "Rehearsed"));
        await Ok(op, "migration", "advance", zone);                        // LowerTtls: RFC 2136 at the old provider; the wait follows by itself
        await Ok(op, Wait(zone, "Waited"));
        await Ok(op, "migration", "request-approval", zone);

        var selfApproval = await op.RunAsync("migration", "approve", zone);
        Assert.True(selfApproval.ExitCode == 1, selfApproval.ToString());   // an Operator may not approve at all
        await Ok(approver, "migration", "approve", zone);
        await Ok(op, Wait(zone, "Approved"));
        var beforeCutover = clock.Elapsed;

        await Ok(op, "migration", "advance", zone);                        // CutOver: snapshot, apply, parity, Route 53 Domains → TLD, test
        // CutOver and Verified last only a few seconds with these TTLs: wait for "cut over or later".
        await App.WaitForAsync(zone, s => s.GetProperty("state").GetString() is "CutOver" or "Verified" or "Soaked", StepTimeout, "the cutover");
        Assert.Equal(SandboxApp.Route53NameServers, await App.DelegationAtTldAsync(zone + "."));
        await Ok(op, Wait(zone, "Soaked"));
        var soakedAt = clock.Elapsed;

        foreach (var (name, endpoint) in resolvers)
            await SandboxApp.EventuallyAsync(() => App.NameServersViaAsync(endpoint, zone), ns => ns.SequenceEqual(SandboxApp.Route53NameServers),
                CacheTimeout, $"{name} answering from Route 53");

        var savedSnapshot = await App.Operator.GetStringAsync($"/api/migrations/{zone}/snapshot");
        using (var snapshot = JsonDocument.Parse(savedSnapshot))
            Assert.Equal(SandboxApp.OldNameServers, snapshot.RootElement.GetProperty("registrar").GetProperty("nameServers").EnumerateArray()
                .Select(n => n.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));

        var rollbackStarted = clock.Elapsed;
        await Ok(op, "migration", "rollback", zone, "--reason", "sandbox walk: rolling back after the soak");
        await Ok(op, Wait(zone, "RolledBack"));
        await SandboxApp.EventuallyAsync(() => App.DelegationAtTldAsync(zone + "."), ns => ns.SequenceEqual(SandboxApp.OldNameServers),
            CacheTimeout, "the TLD showing the old delegation");
        var tldBackAt = clock.Elapsed;
        foreach (var (name, endpoint) in resolvers)
            await SandboxApp.EventuallyAsync(() => App.NameServersViaAsync(endpoint, zone), ns => ns.SequenceEqual(SandboxApp.OldNameServers),
                CacheTimeout, $"{name} answering from the old provider again");
        var resolversBackAt = clock.Elapsed;

        // The snapshot is what was saved, byte for byte; the rollback is in the history with its reason, and the
        // scheduled check found the parent showing the saved delegation.
        Assert.Equal(savedSnapshot, await App.Operator.GetStringAsync($"/api/migrations/{zone}/snapshot"));
        var history = await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/migrations/{zone}/history"), "history");
        Assert.Equal(
            ["Plan", "Inventory", "Rehearse", "LowerTtls", "Wait", "Approve", "CutOver", "Verify", "Soak", "RollBack"],
            history.EnumerateArray().Select(h => h.GetProperty("step").GetString()!));
        Assert.Contains("rolling back after the soak", history.EnumerateArray().Last().GetProperty("evidence").ToString());
        await SandboxApp.EventuallyAsync(async () => await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/migrations/{zone}/samples?kind=delegation"), "samples"),
            s => s.EnumerateArray().Any(x => x.GetProperty("summary").GetString()!.Contains("saved delegation again", StringComparison.Ordinal)),
            CacheTimeout, "the rollback check's sample");
        var check = (await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/migrations/{zone}/samples?kind=delegation"), "samples"))
            .EnumerateArray().Last(x => x.GetProperty("summary").GetString()!.Contains("saved delegation again", StringComparison.Ordinal));
        Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString());
        Assert.Contains("every resolver answers from the old servers again", check.GetProperty("summary").GetString());
        // During the soak the resolvers were sampled too, and showed Route 53.
        var soakSamples = await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/migrations/{zone}/samples?kind=propagation"), "samples");
        Assert.Contains(soakSamples.EnumerateArray(), x => x.GetProperty("summary").GetString()!.StartsWith("resolvers: ", StringComparison.Ordinal)
            && !x.GetProperty("summary").GetString()!.Contains(": old", StringComparison.Ordinal));

        output.WriteLine($"world TTLs: records 1 s, delegation 2 s, negative 1 s, ISP floor 4 s");
        output.WriteLine($"Drafted → Approved: {beforeCutover.TotalSeconds:F1} s; → Soaked: {soakedAt.TotalSeconds:F1} s");
        output.WriteLine($"rollback → TLD old: {(tldBackAt - rollbackStarted).TotalSeconds:F1} s; → every resolver old: {(resolversBackAt - rollbackStarted).TotalSeconds:F1} s");
        output.WriteLine($"whole walk: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task SignedExample_IsStoppedBeforeCutover_ByTheDnssecGuard_WithTheReason()
    {
        const string zone = "signed.example";
        await SandboxApp.ReadAsync(await App.Operator.PostAsJsonAsync("/api/migrations", new { zoneName = zone }), "create");
        // The API way to a sandbox plan: the proposed answers, sent back as they are.
        var defaults = await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/sandbox/plan-defaults/{zone}"), "plan defaults");
        await SandboxApp.ReadAsync(await App.Operator.PutAsJsonAsync($"/api/migrations/{zone}/plan", defaults), "plan");
        foreach (var state in new[] { "Inventoried", "Rehearsed" })
        {
            await SandboxApp.ReadAsync(await App.Operator.PostAsync($"/api/migrations/{zone}/advance", null), "advance");
            await App.WaitForStateAsync(zone, state, StepTimeout);
        }
        await SandboxApp.ReadAsync(await App.Operator.PostAsync($"/api/migrations/{zone}/advance", null), "advance to LowerTtls");

        // The wait's end computes the cutover plan; the guard refuses it and the migration stays before any approval.
        var stopped = await App.WaitForAsync(zone, s => s.GetProperty("blocker").GetString()?.Contains("DNSSEC", StringComparison.Ordinal) == true,
            StepTimeout, "the DNSSEC guard's blocker");
        Assert.Equal("TtlLowered", stopped.GetProperty("state").GetString());
        var reason = stopped.GetProperty("blocker").GetString()!;
        Assert.Contains("signed.example.", reason);
        Assert.Contains("DS", reason);
        Assert.Contains("Remove the DS at the registrar", reason);
        output.WriteLine(reason);

        // Nothing moved: the TLD still delegates to the old provider with the DS in place.
        var world = await App.WorldAsync();
        var delegation = world.GetProperty("delegations").EnumerateArray().Single(d => d.GetProperty("zone").GetString() == zone + ".");
        Assert.Equal(SandboxApp.OldNameServers, delegation.GetProperty("nameServersAtTld").EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal));
        Assert.NotEmpty(delegation.GetProperty("dsAtTld").EnumerateArray());

        // Asking again gives the same refusal, not a way round it.
        var again = await App.Operator.PostAsync($"/api/migrations/{zone}/steps/Wait", null);
        var problem = await again.Content.ReadAsStringAsync();
        Assert.True((int)again.StatusCode is 202 or 422, problem);
        await App.WaitForAsync(zone, s => s.GetProperty("state").GetString() == "TtlLowered" && s.GetProperty("runningStep").ValueKind == JsonValueKind.Null
            && s.GetProperty("blocker").GetString()?.Contains("DNSSEC", StringComparison.Ordinal) == true, StepTimeout, "the guard refusing again");
    }

    [Fact]
    public async Task LegacyExample_ReachesTheManualRegistrarStep_AndCutsOverWhenAPersonChangesTheDelegation()
    {
        const string zone = "legacy.example";
        var op = await LoggedInAsync("operator", "operator@sandbox.local", "Operator-sandbox-1");
        var approver = await LoggedInAsync("approver", "approver@sandbox.local", "Approver-sandbox-1");
        await Ok(op, "migration", "create", zone);
        await Ok(op, "migration", "plan", zone, "--sandbox-defaults");
        var planned = await App.StatusAsync(zone);
        Assert.Equal("Manual", planned.GetProperty("plan").GetProperty("delegation").GetProperty("kind").GetString());

        await Ok(op, "migration", "advance", zone);
        await Ok(op, Wait(zone, "Inventoried"));
        var findings = (await App.StatusAsync(zone)).GetProperty("findings").EnumerateArray().ToList();
        var errors = findings.Where(f => f.GetProperty("isError").GetBoolean()).Select(f => f.GetProperty("key").GetString()!).ToList();
        Assert.Contains(errors, k => k.StartsWith("R53002", StringComparison.Ordinal));   // DNAME
        Assert.Contains(errors, k => k.StartsWith("R53001", StringComparison.Ordinal));   // RP, HINFO
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "R53013"); // TTL above the plan's policy
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "R53020"); // SPF type
        var blocked = await op.RunAsync("migration", "advance", zone);
        Assert.True(blocked.ExitCode != 0, blocked.ToString());
        Assert.Contains("lint error", blocked.Stderr);
        foreach (var key in errors)
            await SandboxApp.ReadAsync(await App.Operator.PostAsJsonAsync($"/api/migrations/{zone}/findings/accept",
                new { key, reason = "not served by Route 53; dropped on purpose" }), $"accept {key}");

        await Ok(op, "migration", "advance", zone);
        await Ok(op, Wait(zone, "Rehearsed"));
        await Ok(op, "migration", "advance", zone);
        await Ok(op, Wait(zone, "Waited"));
        await Ok(op, "migration", "request-approval", zone);
        await Ok(approver, "migration", "approve", zone);
        await Ok(op, "migration", "advance", zone);

        // Cutover reaches (g) and waits for the person at the manual registrar; nothing has changed at the TLD.
        var waiting = await App.WaitForAsync(zone, s => s.GetProperty("cutoverStage").GetString() == "f"
            && s.GetProperty("blocker").GetString()?.Contains("waiting for the parent", StringComparison.Ordinal) == true, StepTimeout, "the manual delegation step");
        Assert.Equal("Approved", waiting.GetProperty("state").GetString());
        Assert.Equal(SandboxApp.OldNameServers, await App.DelegationAtTldAsync(zone + "."));
        var operations = await SandboxApp.ReadAsync(await App.Operator.GetAsync($"/api/migrations/{zone}/operations"), "operations");
        Assert.Contains(operations.EnumerateArray(), o => o.GetProperty("key").GetString() == "cutover:g" && o.GetProperty("status").GetString() == "Submitted");

        // The person types the new name servers on the registrar's page (its API); cutover notices and completes.
        var nameServers = waiting.GetProperty("targetNameServers").EnumerateArray().Select(n => n.GetString()!).ToList();
        await SandboxApp.ReadAsync(await App.Operator.PostAsJsonAsync($"/api/sandbox/registrar/{zone}", new { nameServers }), "manual registrar");
        await App.WaitForAsync(zone, s => s.GetProperty("state").GetString() is "CutOver" or "Verified" or "Soaked", StepTimeout, "the cutover");
        Assert.Equal(SandboxApp.Route53NameServers, await App.DelegationAtTldAsync(zone + "."));
    }
}
