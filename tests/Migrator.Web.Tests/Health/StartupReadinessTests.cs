using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Hosting;
using Migrator.Jobs.Hosting;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Health;

/// <summary>
/// Hangfire announces the server of this process on its own thread after the host has started it. A loaded run got
/// 503 on the first /healthz ("no Hangfire server runs in this process"); until the announcement the server now counts
/// as starting (Hangfire starts it only once the host has started, so start-up cannot wait for it).
/// </summary>
public sealed class StartupReadinessTests
{
    [Fact]
    public async Task FirstHealthz_IsReady_WhenTheJobServerAnnouncesItselfLate()
    {
        await using var app = new SlowAnnounceApp(TimeSpan.FromSeconds(3));
        using var client = app.CreateClient();

        var response = await client.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(app.Storage is { DelayedAnnouncements: 1 },
            $"the announcement was not delayed; GetConnection ran on threads: {string.Join(", ", app.Storage?.Threads ?? [])}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"first /healthz: {(int)response.StatusCode} {body}");
        var server = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("hangfire-server");
        Assert.Equal("Healthy", server.GetProperty("status").GetString());
        Assert.Contains("is starting", server.GetProperty("description").GetString());

        // Once Hangfire has announced the server (the app's own process marks it), the check names its heartbeat.
        await app.Service<JobServerStartup>().Announced.WaitAsync(TimeSpan.FromSeconds(120));
        var after = JsonDocument.Parse(await client.GetStringAsync("/healthz/ready")).RootElement.GetProperty("checks").GetProperty("hangfire-server");
        Assert.Equal("Healthy", after.GetProperty("status").GetString());
        Assert.Contains("heartbeat", after.GetProperty("description").GetString());
    }

    private sealed class SlowAnnounceApp(TimeSpan delay) : MigratorWebFactory(MigratorMode.Sandbox)
    {
        public SlowAnnounceStorage? Storage { get; private set; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
            {
                var original = services.Last(d => d.ServiceType == typeof(JobStorage));
                services.Remove(original);
                services.AddSingleton<JobStorage>(sp => Storage = new SlowAnnounceStorage((JobStorage)original.ImplementationFactory!(sp), delay));
            });
        }
    }

    /// <summary>The app's storage, except that the server's first connection (its announcement) waits.</summary>
    private sealed class SlowAnnounceStorage(JobStorage inner, TimeSpan delay) : JobStorage
    {
        private int delayed;

        public int DelayedAnnouncements => delayed;
        public ConcurrentBag<string> Threads { get; } = [];

        public override IStorageConnection GetConnection()
        {
            var thread = Thread.CurrentThread.Name ?? $"#{Environment.CurrentManagedThreadId}";
            Threads.Add(thread);
            if (thread.StartsWith("BackgroundServerProcess", StringComparison.Ordinal) && Interlocked.CompareExchange(ref delayed, 1, 0) == 0)
                Thread.Sleep(delay); // the slow machine: the announcing thread, not the test, waits
            return inner.GetConnection();
        }

        public override IMonitoringApi GetMonitoringApi() => inner.GetMonitoringApi();
        public override IStorageConnection GetReadOnlyConnection() => inner.GetReadOnlyConnection();
        public override bool LinearizableReads => inner.LinearizableReads;
        public override bool HasFeature(string featureId) => inner.HasFeature(featureId);
#pragma warning disable CS0618 // storages still hand their components (e.g. expiration) this way
        [Obsolete("Hangfire marks it obsolete; the SQLite storage still uses it")]
        public override IEnumerable<IServerComponent> GetComponents() => inner.GetComponents();
#pragma warning restore CS0618
        public override IEnumerable<IStateHandler> GetStateHandlers() => inner.GetStateHandlers();
    }
}
