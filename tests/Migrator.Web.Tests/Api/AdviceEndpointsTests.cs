using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

/// <summary>
/// POST …/advice/propose, …/advice/approve and …/advice/apply: the same role policies and ProblemDetails mapping as the
/// cutover's endpoints, four eyes on the plan's hash, against the sandbox's Route 53 emulator.
/// </summary>
[Collection(SandboxAppCollection.Name)]
public sealed class AdviceEndpointsTests(SandboxApp app)
{
    private async Task<Guid> CompletedAsync()
    {
        var zone = $"adv-{Guid.NewGuid():N}"[..20] + ".example.";
        return await Pages.MigrationSeed.AddAsync(app.Service<IDbContextFactory<MigratorDbContext>>(), zone, MigrationState.Completed, DateTimeOffset.UtcNow);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        Assert.Equal(expected, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.MediaType);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Advice_ProposedByOne_ApprovedByAnother_IsApplied_AndTheProposerCannotApproveIt()
    {
        var id = await CompletedAsync();
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);
        using var approver = await SignIn.AsAsync(app, MigratorRoles.Approver);
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);

        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/migrations/{id}/advice")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.PostAsJsonAsync($"/api/migrations/{id}/advice/propose", new { })).StatusCode);
        await ProblemAsync(await op.PostAsJsonAsync($"/api/migrations/{id}/advice/propose", new { ruleIds = new[] { "SEC999" } }), HttpStatusCode.UnprocessableEntity);

        // An Admin may propose and approve, but never both for one plan.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/migrations/{id}/advice/propose", null)).StatusCode);
        var plan = await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{id}/advice");
        Assert.Equal("AwaitingApproval", plan.GetProperty("phase").GetString());
        var hash = plan.GetProperty("hash").GetString()!;
        Assert.Contains(plan.GetProperty("proposals").EnumerateArray(), p => p.GetProperty("name").GetString()!.StartsWith("_dmarc.", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync($"/api/migrations/{id}/advice/approve", new { planHash = hash })).StatusCode);
        var own = await ProblemAsync(await admin.PostAsJsonAsync($"/api/migrations/{id}/advice/approve", new { planHash = hash }), HttpStatusCode.Forbidden);
        Assert.Contains("four eyes", own.GetProperty("detail").GetString());
        await ProblemAsync(await approver.PostAsJsonAsync($"/api/migrations/{id}/advice/approve", new { planHash = new string('0', 64) }), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.BadRequest, (await approver.PostAsJsonAsync($"/api/migrations/{id}/advice/approve", new { })).StatusCode);
        await ProblemAsync(await op.PostAsync($"/api/migrations/{id}/advice/apply", null), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(HttpStatusCode.OK, (await approver.PostAsJsonAsync($"/api/migrations/{id}/advice/approve", new { planHash = hash })).StatusCode);
        Assert.Equal("Approved", (await viewer.GetFromJsonAsync<JsonElement>($"/api/migrations/{id}/advice")).GetProperty("phase").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.PostAsync($"/api/migrations/{id}/advice/apply", null)).StatusCode);
        var applied = await op.PostAsync($"/api/migrations/{id}/advice/apply", null);
        Assert.True(applied.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await applied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Advice_IsAConflict_BeforeCompletion_AndNotAGenericStep()
    {
        var zone = $"adv-{Guid.NewGuid():N}"[..20] + ".example.";
        var id = await Pages.MigrationSeed.AddAsync(app.Service<IDbContextFactory<MigratorDbContext>>(), zone, MigrationState.Soaked, DateTimeOffset.UtcNow);
        using var op = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var early = await ProblemAsync(await op.PostAsync($"/api/migrations/{id}/advice/propose", null), HttpStatusCode.Conflict);
        Assert.Contains("after completion", early.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostAsync($"/api/migrations/{id}/steps/ApplyAdvice", null)).StatusCode);
    }
}
