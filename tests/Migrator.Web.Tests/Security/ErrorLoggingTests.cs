using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Hosting;
using Migrator.Web.Tests.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 10 (in process): the trace id an error answer shows is in the log line of that error.</summary>
public sealed class ErrorLoggingTests
{
    private sealed class Collector : ILogEventSink
    {
        public readonly List<LogEvent> Events = [];
        public void Emit(LogEvent logEvent) { lock (Events) Events.Add(logEvent); }
    }

    [Fact]
    public async Task ErrorAnswer_TraceIdAppearsInAnErrorLogLine_WhenTheDatabaseIsGone()
    {
        var collector = new Collector();
        await using var factory = new MigratorWebFactory(MigratorMode.Sandbox);
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(collector)));
        using var viewer = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var account = Migrator.Web.Access.SandboxAccounts.All.Single(a => a.Role == Migrator.Web.Access.MigratorRoles.Viewer);
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostSignInAsync(viewer, account.Email, account.Password)).StatusCode);

        // Break the database under the running app: the next query fails with "no such table".
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "migrator.db")}"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = """DROP TABLE "Migrations";""";
            drop.ExecuteNonQuery();
        }

        var response = await viewer.GetAsync("/api/migrations");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var traceId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        lock (collector.Events)
            Assert.Contains(collector.Events, e => e.Level >= LogEventLevel.Error && e.Exception is not null && e.RenderMessage().Contains(traceId!, StringComparison.Ordinal));
    }
}
