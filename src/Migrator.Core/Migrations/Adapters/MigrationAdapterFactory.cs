using System.Net;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Manual;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Route53;
using Migrator.Core.Tsig;
using Migrator.Core.Zones;
using Migrator.Core.ZoneFiles;
using Migrator.Core.ZoneTransfer;

namespace Migrator.Core.Migrations.Adapters;

/// <summary>An <see cref="IZoneSource"/> over zone file text stored on the migration (the Upload source).</summary>
public sealed class UploadedZoneSource(string text, string displayName = "upload") : IZoneSource
{
    public string Description => $"uploaded zone file ({text.Length} characters)";

    public Task<ZoneReadResult> ReadAsync(DomainName zone, CancellationToken cancellationToken) =>
        Task.FromResult(ZoneFileReader.Read(new StringReader(text), displayName, zone));
}

/// <summary>
/// The one place adapters are chosen for a migration, from its plan: zone source, old-zone writer, target zone,
/// delegation changer and probe. TSIG keys come from the key store by name; operations that outlive a request are
/// journalled to the migration's operation table.
/// </summary>
public sealed class MigrationAdapterFactory(IRoute53AccountSource accounts, ITsigKeyStore keys, IDnsProbe probe, TimeProvider time)
{
    public IDnsProbe Probe => probe;

    public TimeProvider Time => time;

    private TsigKey? Key(string? name) => name is null ? null
        : keys.Find(name) ?? throw new InvalidOperationException($"no TSIG key named '{name}' in the key store");

    public IZoneSource Source(Migration m, MigrationPlanAnswers a) => a.Source.Kind switch
    {
        ZoneSourceKind.Upload => new UploadedZoneSource(m.ZoneUpload ?? throw new InvalidOperationException("no zone file was uploaded"), $"{m.ZoneName} upload"),
        _ => new AxfrZoneSource(DnsEndpoint.Parse(a.Source.AxfrServer!).ToIPEndPoint(), time, Key(a.Source.TsigKeyName)),
    };

    /// <summary>A source that reads the old zone from its provider for re-export at cutover: AXFR when planned, else the upload.</summary>
    public IZoneSource ReExportSource(Migration m, MigrationPlanAnswers a) => Source(m, a);

    /// <summary>The old-zone writer; a manual writer keeps its overrides in <paramref name="journal"/> (the migration's operations).</summary>
    public IZoneWriter Writer(MigrationPlanAnswers a, IOperationJournal journal) => a.Writer.Kind switch
    {
        ZoneWriterKind.Rfc2136 => new Rfc2136ZoneWriter(new DynamicUpdateClient(DnsEndpoint.Parse(a.Writer.Server!), Key(a.Writer.TsigKeyName), time)),
        _ => new ManualZoneWriter(probe, a.OldEndpoints, journal),
    };

    public async Task<Route53Account> AccountAsync(MigrationPlanAnswers a) => (await accounts.GetAsync().ConfigureAwait(false)).Get(a.AwsAccount);

    /// <summary>The stable caller reference of a migration's hosted zone: a retried create can never make a second zone.</summary>
    public static string CallerReference(Migration m) => $"migrator-{m.Id:N}";

    /// <summary>The migration's hosted zone: found by id once known, else found or created with the stable caller reference.</summary>
    public async Task<Route53TargetZone> TargetAsync(Migration m, MigrationPlanAnswers a, CancellationToken ct)
    {
        var account = await AccountAsync(a).ConfigureAwait(false);
        if (m.HostedZoneId is { } id) return new Route53TargetZone(account.Scheduler, id, m.Zone);
        return await Route53TargetZone.FindOrCreateAsync(account.Scheduler, m.Zone, CallerReference(m), $"Migrator migration {m.Id}", ct).ConfigureAwait(false);
    }

    public async Task<IDelegationChanger> DelegationAsync(MigrationPlanAnswers a, IOperationJournal journal)
    {
        switch (a.Delegation.Kind)
        {
            case DelegationChangerKind.Rfc2136Parent:
                var client = new DynamicUpdateClient(DnsEndpoint.Parse(a.Delegation.ParentPrimary!), Key(a.Delegation.TsigKeyName), time);
                return new Rfc2136DelegationChanger(client, DomainName.Parse(a.Delegation.ParentZone!), probe, a.ParentEndpoints, journal);
            case DelegationChangerKind.Route53Domains:
                return (await AccountAsync(a).ConfigureAwait(false)).DelegationChanger;
            default:
                return new ManualDelegationChanger(probe, a.ParentEndpoints, journal);
        }
    }

    /// <summary>
    /// Where the new name servers answer. Names with an address in <paramref name="glue"/> use it; otherwise the name is
    /// resolved through the parent servers' referral chain is not attempted — the account's DNS endpoint (the emulator's
    /// listener in sandbox and lab) or the A record the old servers' resolver path gives.
    /// </summary>
    public async Task<IReadOnlyList<DnsEndpoint>> NewServerEndpointsAsync(MigrationPlanAnswers a, IReadOnlyList<DomainName> names, CancellationToken ct)
    {
        var account = await AccountAsync(a).ConfigureAwait(false);
        if (account.Options.DnsEndpoint is { } fixedEndpoint && DnsEndpoint.TryParse(fixedEndpoint, out var ep)) return [ep];
        var result = new List<DnsEndpoint>();
        foreach (var n in names)
        {
            foreach (var server in a.ParentEndpoints)
            {
                var r = await probe.QueryAsync(server, n, RecordType.A, ProbeOptions.Recursive, ct).ConfigureAwait(false);
                var addr = r.AnswerSet.Select(x => IPAddress.Parse(x.Data)).FirstOrDefault();
                if (addr is not null) { result.Add(new DnsEndpoint(addr)); break; }
            }
        }
        return result;
    }
}
