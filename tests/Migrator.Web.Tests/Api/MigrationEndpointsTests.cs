using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;
using Migrator.Web.Access;
using Migrator.Web.Api;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class MigrationEndpointsTests(SandboxApp app)
{
    private static string Zone() => $"api-{Guid.NewGuid():N}"[..20] + ".example";

    private async Task<string> DraftAsync()
    {
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var zone = Zone();
        Assert.Equal(HttpStatusCode.Created, (await op.PostAsJsonAsync("/api/migrations", new { zoneName = zone })).StatusCode);
        return zone;
    }

    public static TheoryData<string, string, string, HttpStatusCode> RoleMatrix => new()
    {
        // Operators' steps: refused to Viewers and Approvers by the same policy as the UI.
        { MigratorRoles.Viewer, "POST", "advance", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "POST", "rollback", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "PUT", "plan", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "PUT", "zone-file", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "POST", "approve", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "POST", "advance", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "POST", "cutover", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "POST", "rollback", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "POST", "request-approval", HttpStatusCode.Forbidden },
        { MigratorRoles.Operator, "POST", "approve", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "PUT", "dnssec", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "PUT", "dnssec", HttpStatusCode.Forbidden },
        { MigratorRoles.Viewer, "POST", "dnssec/turn-off", HttpStatusCode.Forbidden },
        { MigratorRoles.Approver, "POST", "dnssec/turn-off", HttpStatusCode.Forbidden },
        // DNSSEC after completion only; its choice needs a plan (and "signing" in the body).
        { MigratorRoles.Operator, "POST", "dnssec/turn-off", HttpStatusCode.Conflict },
        { MigratorRoles.Operator, "PUT", "dnssec", HttpStatusCode.BadRequest },
        { MigratorRoles.Operator, "POST", "reject", HttpStatusCode.Forbidden },
        // Allowed roles reach the workflow, which answers by state: a Drafted migration cannot advance (plan first) or be approved.
        { MigratorRoles.Operator, "POST", "advance", HttpStatusCode.UnprocessableEntity },
        { MigratorRoles.Admin, "POST", "advance", HttpStatusCode.UnprocessableEntity },
        { MigratorRoles.Approver, "POST", "approve", HttpStatusCode.Conflict },
        { MigratorRoles.Viewer, "GET", "history", HttpStatusCode.OK },
        { MigratorRoles.Viewer, "GET", "operations", HttpStatusCode.OK },
        { MigratorRoles.Viewer, "GET", "samples", HttpStatusCode.OK },
        { MigratorRoles.Viewer, "GET", "", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(RoleMatrix))]
    public async Task MigrationEndpoint_AnswersByRoleAndState(string role, string method, string action, HttpStatusCode expected)
    {
        var zone = await DraftAsync();
        using var client = await SignIn.AsAsync(app, role);
        var request = new HttpRequestMessage(new HttpMethod(method), $"/api/migrations/{zone}" + (action.Length > 0 ? "/" + action : ""));
        if (action == "zone-file") request.Content = new StringContent("$TTL 300\n@ SOA ns hostmaster 1 7200 900 1209600 300\n", System.Text.Encoding.UTF8, "text/plain");
        else if (action == "dnssec" && role == MigratorRoles.Viewer) request.Content = JsonContent.Create(new { signing = "AfterMigration" });
        else if (method != "GET") request.Content = JsonContent.Create(new { reason = "role matrix", planHash = "0000", oldServers = new[] { "127.0.0.1:53" } });
        var response = await client.SendAsync(request);
        Assert.True(expected == response.StatusCode, $"{role} {method} {action}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if ((int)expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Show_ReturnsStatusByZoneOrId_WithNextStepAndWhoTakesIt()
    {
        var zone = await DraftAsync();
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var byZone = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{zone.ToUpperInvariant()}.");
        Assert.Equal(zone + ".", byZone.GetProperty("zoneName").GetString());
        Assert.Equal("Drafted", byZone.GetProperty("state").GetString());
        Assert.Equal("Plan", byZone.GetProperty("nextStep").GetString());
        Assert.Contains("Operator", byZone.GetProperty("nextActor").GetString());
        Assert.Equal(JsonValueKind.Null, byZone.GetProperty("snapshot").ValueKind);

        var byId = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{byZone.GetProperty("id").GetGuid()}");
        Assert.Equal(zone + ".", byId.GetProperty("zoneName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/migrations/{Zone()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/migrations/{zone}/snapshot")).StatusCode);
    }

    [Theory]
    [InlineData("rollback")]
    [InlineData("abandon")]
    [InlineData("reject")]
    public async Task ReasonEndpoints_Return400_WhenReasonMissing(string action)
    {
        var zone = await DraftAsync();
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync($"/api/migrations/{zone}/{action}", new { reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Abandon_OneWinsAndTheOtherGets409_WhenTwoCallersRace()
    {
        var zone = await DraftAsync();
        using var first = await SignIn.AsAsync(app, MigratorRoles.Operator);
        using var second = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var responses = await Task.WhenAll(
            first.PostAsJsonAsync($"/api/migrations/{zone}/abandon", new { reason = "race one" }),
            second.PostAsJsonAsync($"/api/migrations/{zone}/abandon", new { reason = "race two" }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order()); // 200 sorts before 409

        var history = await first.GetFromJsonAsync<JsonElement[]>($"/api/migrations/{zone}/history");
        Assert.Single(history!, h => h.GetProperty("to").GetString() == "Abandoned");
    }

    [Theory]
    [InlineData("0123456789", 10, "0123456789")]
    [InlineData("0123456789A", 10, null)]
    [InlineData("", 10, "")]
    public async Task ReadCapped_StopsAtTheCap(string body, long cap, string? expected)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        Assert.Equal(expected, await MigrationEndpoints.ReadCappedAsync(stream, cap, CancellationToken.None));
    }

    [Fact]
    public async Task UploadZone_IsNotRefusedByTheJsonBodyCap_WhenZoneFileIsOverOneMebibyte()
    {
        var zone = await DraftAsync();
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var text = new System.Text.StringBuilder("$TTL 300\n@ SOA ns hostmaster 1 7200 900 1209600 300\n@ NS ns\n");
        for (var i = 0; text.Length < 2 * 1024 * 1024; i++) text.Append("h").Append(i).Append(" A 192.0.2.1\n");
        var response = await op.PutAsync($"/api/migrations/{zone}/zone-file", new StringContent(text.ToString(), System.Text.Encoding.UTF8, "text/plain"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task UploadZone_Returns400_WhenBodyEmpty()
    {
        var zone = await DraftAsync();
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await op.PutAsync($"/api/migrations/{zone}/zone-file", new StringContent("", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(WorkflowOutcome.Conflict, 409)]
    [InlineData(WorkflowOutcome.Forbidden, 403)]
    [InlineData(WorkflowOutcome.Invalid, 422)]
    [InlineData(WorkflowOutcome.NotFound, 404)]
    public void ToHttp_MapsRefusalsToProblemStatus(WorkflowOutcome outcome, int status)
    {
        var result = MigrationEndpoints.ToHttp(new WorkflowResult(outcome, "because"));
        var problem = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(result.Result);
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal("because", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task Dnssec_StoresTheKmsKeyAndAudits_ForAnOperator_AndRefusesAKeyOutsideUsEast1()
    {
        const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var zone = Zone() + ".";
        var id = await Pages.MigrationSeed.AddAsync(app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<Migrator.Core.Persistence.MigratorDbContext>>(),
            zone, MigrationState.Waited, DateTimeOffset.UtcNow);
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);

        var set = await op.PutAsJsonAsync($"/api/migrations/{zone}/dnssec", new { signing = "AfterMigration", kmsKeyArn = Key });
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var plan = (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plan");
        Assert.Equal((Key, "AfterMigration"), (plan.GetProperty("dnssecKmsKeyArn").GetString(), plan.GetProperty("dnssec").GetString()));

        var bad = await op.PutAsJsonAsync($"/api/migrations/{id}/dnssec", new { signing = "AfterMigration", kmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/x" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("us-east-1", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var audit = await op.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(MigrationAuditActions.DnssecChanged)}");
        var e = Assert.Single(audit!, e => e.GetProperty("target").GetString() == $"migration:{id}");
        Assert.Equal("operator@sandbox.local", e.GetProperty("actor").GetString());

        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var shown = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{id}");
        Assert.Equal(Key, shown.GetProperty("plan").GetProperty("dnssecKmsKeyArn").GetString());
    }

    [Fact]
    public async Task Security_ShowsAdviceOnTheInventoryAndThePlansPolicies_ToAViewer_AndServesEachPolicyAsAFile()
    {
        var zone = Zone() + ".";
        var contexts = app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<Migrator.Core.Persistence.MigratorDbContext>>();
        var origin = DomainName.Parse(zone);
        ResourceRecord R(string owner, RecordType type, string data) => new(owner == "@" ? origin : DomainName.Parse($"{owner}.{zone}"), type, new Ttl(300), data);
        var inventory = new[]
        {
            R("@", RecordType.SOA, $"ns1.oldhost.example. hostmaster.{zone} 1 3600 600 604800 300"),
            R("@", RecordType.NS, "ns1.oldhost.example."),
            R("@", RecordType.MX, $"10 mail.{zone}"),
            R("@", RecordType.TXT, "\"v=spf1 +all\""),
            R("mail", RecordType.A, "192.0.2.25"),
        };
        var id = await Pages.MigrationSeed.AddAsync(contexts, zone, MigrationState.Waited, DateTimeOffset.UtcNow, inventory);
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);

        // Before the rehearsal there is no hosted zone to scope a policy to: said, and a download is a conflict.
        var before = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{id}/security");
        Assert.Contains("hosted zone does not exist yet", before.GetProperty("policiesMissing").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await viewer.GetAsync($"/api/migrations/{id}/access-policies/read-only")).StatusCode);

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var plan = MigrationPlanAnswers.FromJson((await db.Migrations.SingleAsync(m => m.Id == id)).PlanJson!) with
            {
                Updaters = [new AutomatedUpdater("cert-bot", "platform team", ["_acme-challenge"], ["TXT"])],
            };
            await db.Migrations.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.PlanJson, plan.ToJson())
                .SetProperty(m => m.HostedZoneId, "/hostedzone/Z0SECURITY123"));
        }

        var view = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{zone}/security");
        var findings = view.GetProperty("findings").EnumerateArray().ToList();
        var passAll = Assert.Single(findings, f => f.GetProperty("ruleId").GetString() == "SEC004");
        Assert.Equal(("Error", zone), (passAll.GetProperty("severity").GetString(), passAll.GetProperty("owner").GetString()));
        Assert.Contains("RFC 7208", passAll.GetProperty("reference").GetString());
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() is { } rule && f.TryGetProperty("proposed", out var p)
            && p.ValueKind == JsonValueKind.String && p.GetString()!.StartsWith($"_dmarc.{zone}", StringComparison.Ordinal));
        var policies = view.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["read-only", "record-editor", "updater-cert-bot"], policies.Select(p => p.GetProperty("name").GetString()));

        var file = await viewer.GetAsync(policies[2].GetProperty("download").GetString());
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/json", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{zone.TrimEnd('.')}-updater-cert-bot.json", file.Content.Headers.ContentDisposition!.FileNameStar ?? file.Content.Headers.ContentDisposition.FileName);
        var document = JsonDocument.Parse(await file.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains($"_acme-challenge.{zone.TrimEnd('.')}", document.ToString());
        Assert.Contains("arn:aws:route53:::hostedzone/Z0SECURITY123", document.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/migrations/{id}/access-policies/updater-nobody")).StatusCode);
    }

    [Fact]
    public async Task DnssecTurnOff_AnswersConflictAsProblemDetails_WhenSigningIsAlreadyOff()
    {
        const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var zone = Zone() + ".";
        var contexts = app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<Migrator.Core.Persistence.MigratorDbContext>>();
        var id = await Pages.MigrationSeed.AddAsync(contexts, zone, MigrationState.Completed, DateTimeOffset.UtcNow);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            // Signed at completion, then turned off: the way back's last operation (the key-signing key removed) succeeded.
            var plan = MigrationPlanAnswers.FromJson((await db.Migrations.SingleAsync(m => m.Id == id)).PlanJson!) with { DnssecKmsKeyArn = Key };
            await db.Migrations.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.PlanJson, plan.ToJson()));
            foreach (var key in new[] { "dnssec:ksk", "dnssec:signing", "dnssec:ds", "dnssec-off:ds", "dnssec-off:signing", "dnssec-off:ksk" })
            {
                var op = new MigrationOperation(id, key, MigrationOperationKinds.Route53Dnssec, key, null, at);
                op.Succeeded(null, at);
                db.MigrationOperations.Add(op);
            }
            await db.SaveChangesAsync();
        }
        using var client = await SignIn.AsAsync(app, MigratorRoles.Operator);

        var again = await client.PostAsJsonAsync($"/api/migrations/{zone}/dnssec/turn-off", new { reason = "pressed twice" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"DNSSEC is already off for {zone} (since {at:u}): nothing to turn off", problem.GetProperty("detail").GetString());
        var audit = await client.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(MigrationAuditActions.DnssecTurnedOff)}");
        Assert.DoesNotContain(audit!, e => e.GetProperty("target").GetString() == $"migration:{id}");
    }

    [Theory]
    [InlineData("dnssec:validation", "Succeeded", "DNSSEC is already on for")]
    [InlineData("dnssec-off:ds", "Submitted", "DNSSEC is being turned off for")]
    public async Task DnssecSet_AnswersConflict_AfterCompletion_WhenSigningIsOnOrBeingTurnedOff(string lastKey, string lastStatus, string detail)
    {
        const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var zone = Zone() + ".";
        var contexts = app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<Migrator.Core.Persistence.MigratorDbContext>>();
        var id = await Pages.MigrationSeed.AddAsync(contexts, zone, MigrationState.Completed, DateTimeOffset.UtcNow);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var plan = MigrationPlanAnswers.FromJson((await db.Migrations.SingleAsync(m => m.Id == id)).PlanJson!) with { DnssecKmsKeyArn = Key };
            await db.Migrations.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.PlanJson, plan.ToJson()));
            foreach (var key in new[] { "dnssec:ksk", "dnssec:signing", "dnssec:served", "dnssec:ds", "dnssec:validation", lastKey }.Distinct())
            {
                var op = new MigrationOperation(id, key, MigrationOperationKinds.Route53Dnssec, key, null, DateTimeOffset.UtcNow);
                if (key == lastKey && lastStatus == MigrationOperationStatus.Submitted) op.Submitted("op-1", null, DateTimeOffset.UtcNow);
                else op.Succeeded(null, DateTimeOffset.UtcNow);
                db.MigrationOperations.Add(op);
            }
            await db.SaveChangesAsync();
        }
        using var client = await SignIn.AsAsync(app, MigratorRoles.Operator);

        var again = await client.PutAsJsonAsync($"/api/migrations/{zone}/dnssec", new { signing = "AfterMigration", kmsKeyArn = Key });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"{detail} {zone}", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Lifecycle_ListsEveryTransition()
    {
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var table = await viewer.GetFromJsonAsync<JsonElement[]>("/api/migrations/lifecycle");
        Assert.Equal(MigrationLifecycle.Transitions.Count, table!.Length);
        Assert.Contains(table, t => t.GetProperty("step").GetString() == "RollBack" && t.GetProperty("from").GetString() == "Soaked");
    }
}
