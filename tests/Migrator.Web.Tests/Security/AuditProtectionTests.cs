using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 5: no typed text in the log, anonymous writes rate-limited, the chain checked and exported by the Admin API.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AuditProtectionTests
{
    [Fact]
    public async Task FailedSignIn_RecordsKeyedHashNotTheText_WhenEmailMatchesNoAccount()
    {
        const string typed = "Hunter2-Password-Typed-In-Email-Field";
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var client = app.CreateBrowserLikeClient();
        await SignIn.PostSignInAsync(client, typed, "irrelevant");
        await SignIn.PostSignInAsync(client, typed.ToUpperInvariant(), "irrelevant");

        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var all = await viewer.GetStringAsync("/api/audit?take=1000");
        Assert.DoesNotContain(typed, all, StringComparison.OrdinalIgnoreCase);
        var failures = (await viewer.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(AuditActions.SignInFailed)}"))!;
        var targets = failures.Where(f => f.GetProperty("actor").GetString() == AuditActions.AnonymousActor).Select(f => f.GetProperty("target").GetString()!).ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, t => Assert.Matches("^typed:[0-9a-f]{16}$", t));
        Assert.Equal(targets[0], targets[1]); // the same text (any case) correlates
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(app.DataDirectory, SignInAudit.KeyFileName)));
    }

    [Fact]
    public async Task FailedSignIns_WriteAtMostTheRateLimitOfRows_When50ArriveQuickly()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        for (var i = 0; i < 50; i++)
        {
            using var client = TestClientAddress.From(app, $"127.0.1.{i + 1}");
            await SignIn.PostSignInAsync(client, $"stranger{i}@example.test", "Wrong-password-1");
        }
        var rows = await app.Service<AuditLog>().LatestAsync(1000, AuditActions.SignInFailed);
        Assert.InRange(rows.Count, 1, SignInAudit.RowsPerMinute);
    }

    [Fact]
    public async Task AdminAuditVerify_ReportsTheChangedRow_WhenARowIsEditedBehindTheAppsBack()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var intact = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit/verify");
        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.True(intact.GetProperty("rowsChecked").GetInt64() >= 5);

        var export = await admin.GetStringAsync("/api/admin/audit/export");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 5);
        var second = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(2, second.GetProperty("sequence").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", second.GetProperty("hash").GetString());

        var victim = second.GetProperty("id").GetInt64();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "migrator.db")}"))
        {
            await connection.OpenAsync();
            using var tamper = connection.CreateCommand();
            tamper.CommandText = $"""DROP TRIGGER "AuditEvents_NoUpdate"; UPDATE "AuditEvents" SET "Details" = 'nothing happened' WHERE "Id" = {victim};""";
            await tamper.ExecuteNonQueryAsync();
        }
        var broken = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit/verify");
        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal("Changed", broken.GetProperty("breakKind").GetString());
        Assert.Equal(victim, broken.GetProperty("rowId").GetInt64());

        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/admin/audit/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/admin/audit/export")).StatusCode);
    }
}
