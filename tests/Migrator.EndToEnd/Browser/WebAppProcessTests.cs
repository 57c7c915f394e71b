using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.EndToEnd.Browser;

public sealed partial class WebAppProcessTests
{
    private const string AdminEmail = "admin@sandbox.local";
    private const string AdminPassword = "Admin-sandbox-1";

    [GeneratedRegex("(?:href|src)=\"([^\"]*_content/MudBlazor/[^\"]+)\"")]
    private static partial Regex MudBlazorAsset();

    [Fact]
    public async Task Start_MigratesEmptyDataDirectoryAndServesMudBlazorAssets_InProduction()
    {
        await using var app = await WebAppProcess.StartAsync();

        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "migrator.db")));
        Assert.Contains("database migration(s)", app.Output);
        Assert.Contains($"Migrator dashboard (Sandbox mode) listening at {app.BaseAddress.ToString().TrimEnd('/')}", app.Output);

        using var http = AppClient.Create(app.BaseAddress);
        var signInPage = await http.GetStringAsync("/account/signin");
        var assets = MudBlazorAsset().Matches(signInPage).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, assets.Count); // the stylesheet and the script
        foreach (var asset in assets)
        {
            var response = await http.GetAsync("/" + asset.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 1000, $"{asset} is nearly empty");
        }
    }

    [Fact]
    public async Task ScheduledJob_RunsAfterKillAndRestart_OnSameDataDirectory()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("migrator-e2e-restart-").FullName;
        try
        {
            var cookies = new CookieContainer();
            long requestId;
            DateTimeOffset dueAt;
            await using (var first = await WebAppProcess.StartAsync(dataDirectory))
            {
                Assert.Contains($"{AdminEmail}", first.Output); // demo credentials printed on first start
                using var http = AppClient.Create(first.BaseAddress, cookies);
                await AppClient.SignInAsync(http, AdminEmail, AdminPassword);
                var response = await http.PostAsJsonAsync("/api/admin/heartbeat", new { delaySeconds = 8 });
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                requestId = body.GetProperty("requestEventId").GetInt64();
                dueAt = body.GetProperty("dueAt").GetDateTimeOffset();
                await first.KillAsync();
            }

            // Dead process, job not yet due: it must not have run.
            Assert.Empty(await JobRanEventsAsync(dataDirectory, requestId));

            await using var second = await WebAppProcess.StartAsync(dataDirectory);
            Assert.DoesNotContain("Sandbox demo accounts", second.Output); // printed once, on first start only

            // The cookie from before the crash still works: sign-in keys live in the data directory.
            using var again = AppClient.Create(second.BaseAddress, cookies);
            var deadline = DateTimeOffset.UtcNow.AddMinutes(2); // generous: the audit row ends the wait
            JsonElement[] ran;
            do
            {
                await Task.Delay(500);
                var audit = await again.GetAsync($"/api/audit?action={Uri.EscapeDataString(AuditActions.ScheduledJobRan)}");
                Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
                ran = (await audit.Content.ReadFromJsonAsync<JsonElement[]>())!
                    .Where(e => e.GetProperty("target").GetString() == $"audit:{requestId}").ToArray();
            } while (ran.Length == 0 && DateTimeOffset.UtcNow < deadline);

            var only = Assert.Single(ran);
            // Hangfire keeps a scheduled job's due time in whole Unix seconds, so it may start up to 1 s before the
            // exact instant the API reported; anything earlier would mean the schedule was not honoured.
            Assert.True(only.GetProperty("at").GetDateTimeOffset() >= dueAt.AddSeconds(-1), $"ran at {only.GetProperty("at")} more than 1 s before it was due at {dueAt:O}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<List<AuditEvent>> JobRanEventsAsync(string dataDirectory, long requestId)
    {
        var options = new DbContextOptionsBuilder<MigratorDbContext>()
            .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(dataDirectory, "migrator.db"))).Options;
        await using var db = new MigratorDbContext(options);
        var target = $"audit:{requestId}";
        return await db.AuditEvents.Where(e => e.Action == AuditActions.ScheduledJobRan && e.Target == target).ToListAsync();
    }
}
