using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>A process dying at a chosen point: not a network error, so nothing retries it.</summary>
public sealed class SimulatedCrash(string where) : Exception($"simulated crash {where}");

/// <summary>
/// The parent zone's servers as the manual delegation changer sees them: a referral with the NS set and the DS set a
/// person published at the registrar (<see cref="Ds"/>); every other question goes to the real probe.
/// </summary>
public sealed class ParentStandIn(IDnsProbe inner, DnsEndpoint parent, DomainName zone) : IDnsProbe
{
    public IReadOnlyList<string> Ds { get; set; } = [];
    public uint DsTtl { get; init; } = 60;

    /// <summary>Thrown (once) by the next question to the parent.</summary>
    public Exception? CrashNext { get; set; }

    public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (server != parent) return inner.QueryAsync(server, name, type, options, cancellationToken);
        if (CrashNext is { } crash) { CrashNext = null; throw crash; }
        List<ResourceRecord> answers = [], authorities = [];
        if (name.Equals(zone) && type == RecordType.NS)
            authorities.AddRange(DnssecBench.NewNs.Select(ns => new ResourceRecord(zone, RecordType.NS, new Ttl(300), ns)));
        else if (name.Equals(zone) && type == RecordType.DS)
            answers.AddRange(Ds.Select(ds => new ResourceRecord(zone, RecordType.DS, new Ttl(DsTtl), ds)));
        else if (name.Equals(zone.Parent()) && type == RecordType.SOA)
            answers.Add(new ResourceRecord(name, RecordType.SOA, new Ttl(60), $"ns.{name} hostmaster.{name} 1 3600 600 86400 60"));
        return Task.FromResult(new ProbeResult(server, name, type, ProbeErrorKind.None, "NOERROR", answers.Count > 0, false, answers, authorities, [], TimeSpan.Zero));
    }
}

/// <summary>Lets requests through, and after the one <see cref="CrashAfter"/> picks has been answered, dies (once).</summary>
public sealed class CrashingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public Func<HttpRequestMessage, bool>? CrashAfter { get; set; }

    /// <summary>What dies: by default the process (<see cref="SimulatedCrash"/>); an <see cref="IOException"/> is a lost answer, which the scheduler retries.</summary>
    public Func<string, Exception> Death { get; set; } = where => new SimulatedCrash(where);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (CrashAfter is { } when && when(request)) { CrashAfter = null; throw Death($"after {request.Method} {request.RequestUri!.AbsolutePath} was answered {(int)response.StatusCode}"); }
        return response;
    }
}

/// <summary>
/// DNSSEC after completion against the Route 53 emulator in-process (its DNS listener signs), the real step runner and
/// workflow on the harness's SQLite file and fake clock, and a manual registrar whose parent servers
/// (<see cref="ParentStandIn"/>) show what the test, as the person at the registrar, published.
/// </summary>
public sealed class DnssecBench : IAsyncLifetime
{
    public const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    public static readonly string[] NewNs = ["ns-1.r53.lab.", "ns-2.r53.lab."];
    private static readonly IPAddress Address = IPAddress.Parse("127.0.3.41");

    public WorkflowHarness H { get; } = new();
    public EmulatorHost Emulator { get; private set; } = null!;
    public ParentStandIn Parent { get; private set; } = null!;
    public CrashingHandler Http { get; } = new();
    public MigrationWorkflow Workflow { get; private set; } = null!;
    private Route53Accounts _accounts = null!;

    public async Task InitializeAsync()
    {
        await H.InitializeAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Emulator = await EmulatorHost.StartAsync(new EmulatorOptions
                {
                    Url = $"http://{Address}:0",
                    DnsEndPoint = new IPEndPoint(Address, FreePort.UdpAndTcp(Address)),
                    VerifySignatures = false, InsyncDelay = TimeSpan.Zero, TimeProvider = H.Time, RateLimitPerSecond = 0, DnskeyTtl = 60,
                    NameServers = NewNs.Select(n => new NameServerSpec(n, Address)).ToList(),
                });
                break;
            }
            // The free port is found before the listener binds it; another process may take it in between.
            catch (InvalidOperationException e) when (attempt < 20 && e.InnerException is System.Net.Sockets.SocketException
                { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }) { }
        }
        _accounts = new Route53Accounts([new AwsAccountOptions
        {
            Name = "sandbox", AccessKey = "sandbox", SecretKey = "sandbox",
            Route53Endpoint = Emulator.BaseAddress, DomainsEndpoint = Emulator.BaseAddress, DnsEndpoint = Emulator.Emulator.Options.DnsEndPoint!.ToString(),
        }], TimeProvider.System, new HttpClient(Http), _ => new Route53SchedulerOptions { RequestsPerSecond = 1000, PollInterval = TimeSpan.FromMilliseconds(10) });
        Parent = new ParentStandIn(new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromSeconds(2))), DnsEndpoint.Parse(Answers.Delegation.ParentServers![0]), DomainName.Parse("example.lab."));
        var factory = new MigrationAdapterFactory(new FixedRoute53AccountSource(_accounts), new ConfiguredTsigKeyStore(Array.Empty<TsigKeyOptions>()), Parent, H.Time);
        var runner = new MigrationStepRunner(factory, H, new MigrationStepOptions { PollInterval = TimeSpan.FromSeconds(5) });
        Workflow = new MigrationWorkflow(H, H.Time, runner, new ConfiguredTsigKeyStore(Array.Empty<TsigKeyOptions>()), H.Jobs);
    }

    public async Task DisposeAsync()
    {
        _accounts.Dispose();
        await Emulator.DisposeAsync();
        await H.DisposeAsync();
    }

    /// <summary>A migration completed without signing (the plan said later and named no key), its hosted zone not yet made.</summary>
    public Task<Guid> CompletedUnsignedAsync() => H.MigrationInAsync(MigrationState.Completed);

    /// <summary>
    /// Polls <paramref name="step"/> as its timed job would, the clock moved 10 s between polls, until it stops waiting;
    /// <paramref name="person"/> acts between polls (e.g. publishes what the registrar was asked for).
    /// </summary>
    public async Task<WorkflowResult> DriveAsync(Guid id, MigrationStep step, Func<Task>? person = null, int maxPolls = 200, Func<WorkflowResult, bool>? until = null)
    {
        for (var i = 0; i < maxPolls; i++)
        {
            var r = await Workflow.RunStepAsync(id, step, MigrationActor.System, fromJob: true);
            if (r.Outcome != WorkflowOutcome.Accepted || until?.Invoke(r) == true) return r;
            if (person is not null) await person();
            H.Time.Advance(TimeSpan.FromSeconds(10));
        }
        var status = await Workflow.GetStatusAsync(id);
        throw new Xunit.Sdk.XunitException($"{step} still waits after {maxPolls} polls: {status!.Blocker}");
    }

    /// <summary>The person at the registrar: publishes the DS set the latest manual request asks for.</summary>
    public async Task PublishAsRequestedAsync()
    {
        var asked = (await ManualRequestsAsync()).LastOrDefault();
        if (asked is not null) Parent.Ds = JsonSerializer.Deserialize<DelegationView>(asked.RequestJson!)!.Ds;
    }

    public async Task<IReadOnlyList<MigrationOperation>> ManualRequestsAsync()
    {
        await using var db = H.CreateDbContext();
        return (await db.MigrationOperations.AsNoTracking().Where(o => o.Kind == MigrationOperationKinds.ManualConfirmation).ToListAsync()).OrderBy(o => o.CreatedAt).ToList();
    }

    public async Task<IReadOnlyList<MigrationOperation>> OperationsAsync(Guid id)
    {
        await using var db = H.CreateDbContext();
        return await db.MigrationOperations.AsNoTracking().Where(o => o.MigrationId == id).ToListAsync();
    }

    public async Task<DnssecStatus> Route53DnssecAsync(Guid id)
    {
        var zone = await TargetZoneAsync(id);
        return await _accounts.Get("sandbox").Client.GetDnssecAsync(zone.ZoneId, default);
    }

    /// <summary>The migration's hosted zone at the emulator (made now when the migration never made it).</summary>
    public async Task<Route53TargetZone> TargetZoneAsync(Guid id)
    {
        await using var db = H.CreateDbContext();
        var m = await db.Migrations.AsNoTracking().SingleAsync(x => x.Id == id);
        return await Route53TargetZone.FindOrCreateAsync(_accounts.Get("sandbox").Scheduler, m.Zone, MigrationAdapterFactory.CallerReference(m), "found, never made", default);
    }

    /// <summary>How often the emulator answered <paramref name="operation"/> with success.</summary>
    public long Calls(string operation) =>
        Emulator.Emulator.Stats.Snapshot().TryGetValue(operation, out var byOutcome) ? byOutcome.GetValueOrDefault("ok") : 0;
}
