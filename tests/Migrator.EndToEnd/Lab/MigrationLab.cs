using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Route53;
using Migrator.Core.Tsig;
using Migrator.Core.Zones;
using Migrator.Sandbox.Hosting;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// Runs scheduled steps the way Hangfire would (at their due time, retried on exceptions), on a background loop, so the
/// workflow's timed jobs really fire in the lab.
/// </summary>
public sealed class LabJobRunner : IMigrationJobScheduler, IAsyncDisposable
{
    private readonly List<(Guid Id, MigrationStep Step, DateTimeOffset At)> _due = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public bool RunsInBackground => true;
    public List<string> Errors { get; } = [];

    public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt)
    {
        lock (_due) _due.Add((migrationId, step, runAt));
        return $"{step}@{runAt:O}";
    }

    public void Start(MigrationWorkflow workflow) => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            (Guid Id, MigrationStep Step, DateTimeOffset At)? next = null;
            lock (_due)
            {
                var now = DateTimeOffset.UtcNow;
                var i = _due.FindIndex(d => d.At <= now);
                if (i >= 0) { next = _due[i]; _due.RemoveAt(i); }
            }
            if (next is not { } job)
            {
                try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
                continue;
            }
            try { await workflow.RunStepAsync(job.Id, job.Step, MigrationActor.System, _stop.Token, fromJob: true); }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                lock (Errors) Errors.Add($"{job.Step}: {e.Message}");
                Schedule(job.Id, job.Step, DateTimeOffset.UtcNow.AddSeconds(1)); // the job's retry
            }
            catch (OperationCanceledException) { }
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// The DNS lab (BIND root, TLD lab. with RFC 2136, old provider with RFC 2136 + TSIG, unbound) plus the Route 53
/// emulator as the new provider with its DNS listener on its own loopback address, port 53, its name servers
/// ns-1/ns-2.r53.lab. glued in the TLD; and the migration workflow over a SQLite file with the real step runner.
/// </summary>
public sealed class MigrationLab : IAsyncDisposable, IDbContextFactory<MigratorDbContext>
{
    private readonly string _dbDirectory;
    private readonly bool _ownsDbDirectory;

    private MigrationLab(string? dataDirectory)
    {
        _ownsDbDirectory = dataDirectory is null;
        _dbDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("migrator-migration-lab-").FullName;
    }

    /// <summary>The SQLite database the workflow uses (migrator.db in the data directory, as the web app names it).</summary>
    public string DatabasePath => Path.Combine(_dbDirectory, "migrator.db");

    public DnsLab Lab { get; private set; } = null!;
    public EmulatorHost Emulator { get; private set; } = null!;
    public IPAddress EmulatorIp { get; private set; } = IPAddress.None;
    public DnsEndpoint EmulatorDns => new(EmulatorIp);
    public MigrationWorkflow Workflow { get; private set; } = null!;
    public LabJobRunner Jobs { get; } = new();

    /// <summary>What the real step runner tells open pages (parity sweep progress), for tests to listen to.</summary>
    public InProcessMigrationNotifier Notifier { get; } = new();
    public DnsClientProbe Probe { get; } = new(new DnsProbeSettings(TimeSpan.FromSeconds(2)));

    private MigrationWorkflow _handOff = null!;

    /// <summary>Jobs it is asked to schedule are left to another process (nothing runs here); the step's claim stays in the database.</summary>
    private sealed class HandOffScheduler : IMigrationJobScheduler
    {
        public bool RunsInBackground => true;
        public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt) => "handed-off";
    }

    /// <summary>
    /// Accepts a cutover the way a web process does (role check, compare-and-set claim in the shared database) without
    /// running it here: the claim is left for the web app process, whose start-up resumes claimed steps.
    /// </summary>
    public Task<WorkflowResult> AcceptCutOverForAnotherProcessAsync(Guid id) => _handOff.CutOverAsync(id, Alice);

    /// <summary>How long <see cref="WaitForAsync"/> and <see cref="WaitUntilAsync"/> wait by default (generous: the machine may be loaded).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Called at each cutover sub-step's checkpoint (see <see cref="MigrationStepOptions.CutoverCheckpoint"/>).</summary>
    public Func<CutoverCheckpoint, CancellationToken, Task>? OnCutoverCheckpoint { get; set; }

    /// <summary>A call to the emulator's control API (loopback, with its token), e.g. POST /_emulator/dns-faults; fails unless 2xx.</summary>
    public async Task<string> EmulatorControlAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = Emulator.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(Migrator.Sandbox.Control.ControlApi.TokenHeader, Emulator.ControlToken);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>The old provider's name servers (in the lab's zone file) and the emulator's, as the parent lists them.</summary>
    public static readonly string[] OldNs = ["ns1.old-dns.lab.", "ns2.old-dns.lab."];
    public static readonly string[] NewNs = ["ns-1.r53.lab.", "ns-2.r53.lab."];

    public static readonly MigrationActor Alice = new("alice", MigrationRole.Operator);
    public static readonly MigrationActor Bob = new("bob", MigrationRole.Approver);

    public MigratorDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MigratorDbContext>()
        .UseSqlite(MigratorDbContext.SqliteConnectionString(DatabasePath)).Options);

    /// <param name="extraZones">More zones at the old provider (labels under lab.), see <see cref="DnsLabOptions.ExtraZones"/>.</param>
    /// <param name="dataDirectory">Where migrator.db lives (e.g. a web app's data directory); kept on dispose. Default: a temporary one.</param>
    /// <param name="signTld">The lab TLD is signed and unbound validates below it (see <see cref="DnsLabOptions.SignTld"/>).</param>
    public static async Task<MigrationLab> StartAsync(uint ttl = 2, IReadOnlyList<string>? extraZones = null, string? dataDirectory = null, bool signTld = false)
    {
        var m = new MigrationLab(dataDirectory);
        m.Lab = await DnsLab.StartAsync(new DnsLabOptions { DelegationTtl = ttl, ApexNsTtl = ttl, RecordTtl = ttl, CopyOldRecordsToNew = false, ExtraZones = extraZones ?? [], SignTld = signTld });
        // One address per DNS lab slot, on a /24 of its own: the world lab's resolvers are 127.0.6.11 and up, and two test
        // runs at once use slots 1 and 2, so 127.0.6.{10 + slot} once took a resolver's port 53 from the world lab.
        m.EmulatorIp = IPAddress.Parse($"127.0.7.{10 + m.Lab.Slot}");
        m.Emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Url = "http://127.0.0.1:0",
            DnsEndPoint = new IPEndPoint(m.EmulatorIp, 53),
            InsyncDelay = TimeSpan.FromMilliseconds(500),
            DnskeyTtl = (int)ttl, // Route 53's 3600 s would make the DNSSEC waits an hour
            NameServers = NewNs.Select(n => new NameServerSpec(n, m.EmulatorIp)).ToList(),
            RateLimitPerSecond = 0,
        });
        // The new name servers' addresses live in the TLD (as a registry's glue-less host records would).
        var tld = new DynamicUpdateClient(m.Lab.TldServer, TsigKey.FromBase64("tld-key", m.Lab.TldKeySecret), TimeProvider.System);
        foreach (var ns in NewNs)
        {
            var r = await tld.SendAsync(DnsLab.Tld, [], [new UpdateOperation.ReplaceRecordSet(
                new RecordSet(new RecordSetKey(DomainName.Parse(ns), RecordType.A), new Ttl(300), [m.EmulatorIp.ToString()]))], default);
            if (!r.Applied) throw new InvalidOperationException($"adding {ns} to the lab TLD failed: {r}");
        }

        await using (var db = m.CreateDbContext()) await db.Database.MigrateAsync();
        var accounts = new Route53Accounts([new AwsAccountOptions
        {
            Name = "lab", AccessKey = "sandbox", SecretKey = "sandbox",
            Route53Endpoint = m.Emulator.BaseAddress, DomainsEndpoint = m.Emulator.BaseAddress,
            DnsEndpoint = $"{m.EmulatorIp}:53",
        }], TimeProvider.System, schedulerOptions: _ => new Route53SchedulerOptions { RequestsPerSecond = 100, PollInterval = TimeSpan.FromMilliseconds(200) });
        var keys = new ConfiguredTsigKeyStore([
            new TsigKeyOptions { Name = "old-key", Secret = m.Lab.OldKeySecret },
            new TsigKeyOptions { Name = "tld-key", Secret = m.Lab.TldKeySecret },
        ]);
        var factory = new MigrationAdapterFactory(new FixedRoute53AccountSource(accounts), keys, m.Probe, TimeProvider.System);
        var runner = new MigrationStepRunner(factory, m, new MigrationStepOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(300), SampleInterval = TimeSpan.FromSeconds(2),
            CutoverCheckpoint = (point, ct) => m.OnCutoverCheckpoint?.Invoke(point, ct) ?? Task.CompletedTask,
        }, m.Notifier);
        var workflowOptions = new MigrationWorkflowOptions { DriftCheckInterval = TimeSpan.FromSeconds(2) };
        m.Workflow = new MigrationWorkflow(m, TimeProvider.System, runner, keys, m.Jobs, workflowOptions);
        m._handOff = new MigrationWorkflow(m, TimeProvider.System, runner, keys, new HandOffScheduler(), workflowOptions);
        m.Jobs.Start(m.Workflow);
        return m;
    }

    /// <summary>The lab's plan: AXFR + RFC 2136 at the old provider, RFC 2136 on the TLD for the delegation, TTL 1 s during the move.</summary>
    public MigrationPlanAnswers Answers(ZoneSourceKind source = ZoneSourceKind.Axfr) => new()
    {
        Source = new ZoneSourceChoice(source, source == ZoneSourceKind.Axfr ? Lab.Old.ToString() : null, source == ZoneSourceKind.Axfr ? "old-key" : null),
        Writer = new ZoneWriterChoice(ZoneWriterKind.Rfc2136, Lab.Old.ToString(), "old-key"),
        Delegation = new DelegationChangerChoice(DelegationChangerKind.Rfc2136Parent, "lab.", Lab.TldServer.ToString(), "tld-key", [Lab.TldServer.ToString()]),
        OldServers = [Lab.Old.ToString()],
        AwsAccount = "lab",
        TargetTtlSeconds = 1,
        Updaters = [new AutomatedUpdater("certbot", "web team")],
    };

    /// <summary>Waits (condition, generous timeout) until the migration is in <paramref name="state"/>; fails with its blocker otherwise.</summary>
    public async Task<MigrationStatus> WaitForAsync(Guid id, MigrationState state, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        MigrationStatus? s = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            s = await Workflow.GetStatusAsync(id);
            if (s!.State == state && s.RunningStep is null) return s;
            await Task.Delay(200);
        }
        throw new TimeoutException($"migration not in {state} after the timeout: state {s?.State}, running {s?.RunningStep}, blocker: {s?.Blocker}; job errors: {string.Join(" | ", Jobs.Errors)}");
    }

    /// <summary>Waits until a condition on the status holds (e.g. a blocker is shown).</summary>
    public async Task<MigrationStatus> WaitUntilAsync(Guid id, Func<MigrationStatus, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        MigrationStatus? s = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            s = await Workflow.GetStatusAsync(id);
            if (condition(s!)) return s!;
            await Task.Delay(200);
        }
        throw new TimeoutException($"condition not met: state {s?.State}, running {s?.RunningStep}, blocker: {s?.Blocker}; job errors: {string.Join(" | ", Jobs.Errors)}");
    }

    /// <summary>Waits (condition, the default timeout) until a stored sample of the migration matches.</summary>
    public async Task<MigrationSampleView> WaitForSampleAsync(Guid id, Func<MigrationSampleView, bool> match)
    {
        var deadline = DateTimeOffset.UtcNow + DefaultTimeout;
        while (true)
        {
            var found = (await Workflow.GetSamplesAsync(id)).FirstOrDefault(match);
            if (found is not null) return found;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"no matching sample; job errors: {string.Join(" | ", Jobs.Errors)}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Waits for a periodic drift check begun after <paramref name="since"/> (the checks of one migration run one after
    /// another, so a later one cannot be overtaken by an earlier one) that names every one of <paramref name="names"/>,
    /// then accepts that drift, as an operator does whose next cutover plan applies the change.
    /// </summary>
    public async Task<MigrationSampleView> AcceptDriftAsync(Guid id, DateTimeOffset since, params string[] names)
    {
        var drift = await WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Drift && s.At > since && !s.Ok
            && names.All(n => s.Summary.Contains(n, StringComparison.Ordinal)));
        var accepted = await Workflow.AcceptDriftAsync(id, "the cutover plan applies it", Alice);
        Assert.True(accepted.IsSuccess, accepted.Message);
        return drift;
    }

    /// <summary>Creates, plans, inventories (accepting any lint error with a reason), rehearses and lowers TTLs; returns once Waited.</summary>
    public async Task<Guid> MigrateUntilWaitedAsync(MigrationPlanAnswers? answers = null, string? upload = null, DomainName? zone = null)
    {
        var created = await Workflow.CreateAsync((zone ?? DnsLab.Zone).ToString(), Alice);
        Assert.True(created.IsSuccess, created.Message);
        var id = created.Status!.Id;
        if (upload is not null) Assert.True((await Workflow.UploadZoneAsync(id, upload, Alice)).IsSuccess);
        var planned = await Workflow.PlanAsync(id, answers ?? Answers(), Alice);
        Assert.True(planned.IsSuccess, planned.Message);
        Assert.True((await Workflow.AdvanceAsync(id, Alice)).IsSuccess);
        var inventoried = await WaitForAsync(id, MigrationState.Inventoried);
        foreach (var f in inventoried.Findings.Where(f => f.IsError))
            Assert.True((await Workflow.AcceptFindingAsync(id, f.Key, "lab zone: checked by hand", Alice)).IsSuccess);
        Assert.True((await Workflow.AdvanceAsync(id, Alice)).IsSuccess);
        await WaitForAsync(id, MigrationState.Rehearsed);
        Assert.True((await Workflow.AdvanceAsync(id, Alice)).IsSuccess);
        await WaitForAsync(id, MigrationState.TtlLowered);
        return (await WaitForAsync(id, MigrationState.Waited)).Id;
    }

    public async Task<MigrationStatus> ApproveAsync(Guid id)
    {
        var requested = await Workflow.RequestApprovalAsync(id, Alice);
        Assert.True(requested.IsSuccess, requested.Message);
        var approved = await Workflow.ApproveAsync(id, requested.Status!.PlanHash!, Bob);
        Assert.True(approved.IsSuccess, approved.Message);
        return approved.Status!;
    }

    /// <summary>The NS set a resolver query for the zone returns through unbound.</summary>
    public async Task<IReadOnlySet<string>> ResolverNsAsync()
    {
        var r = await Probe.QueryAsync(Lab.Resolver, DnsLab.Zone, RecordType.NS, ProbeOptions.Recursive);
        return r.AnswerSet.Select(x => x.Data.ToLowerInvariant()).ToHashSet();
    }

    public async Task<IReadOnlySet<string>> ParentNsAsync(DomainName? zone = null)
    {
        var view = await ParentDelegationReader.ReadAsync(Probe, Lab.TldServer, zone ?? DnsLab.Zone, default);
        return view.Delegation?.NsNames.ToHashSet() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        await Jobs.DisposeAsync();
        Probe.Dispose();
        if (Emulator is not null) await Emulator.DisposeAsync();
        if (Lab is not null) await Lab.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsDbDirectory) Directory.Delete(_dbDirectory, recursive: true);
    }
}
