using System.Collections.Concurrent;
using System.Security.Claims;
using Migrator.Core.Route53;
using Migrator.Web.Access;

namespace Migrator.Web.Route53;

/// <summary>A hosted zone as the dashboard lists it, per configured AWS account.</summary>
public sealed record HostedZoneRow(string Account, string Id, string Name, long RecordSetCount, bool PrivateZone, string? Comment);

/// <summary>What the dashboard shows of the Route 53 side: hosted zones per account and, in sandbox and to Admins only, the emulator's addresses.</summary>
public sealed record Route53Overview(IReadOnlyList<HostedZoneRow> Zones, IReadOnlyList<string> Errors, string? EmulatorEndpoint, string? EmulatorDns);

/// <summary>
/// One account's hosted-zone list, fetched at most once per <see cref="Ttl"/> however many pages and API callers ask
/// (concurrent callers share one fetch), and fetched through the account's scheduler at read priority, so viewers can
/// never spend the account's Route 53 rate that cutovers and rollbacks need.
/// </summary>
public sealed class HostedZoneCache(TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    private sealed record Entry(Task<IReadOnlyList<HostedZoneRow>> Fetch, DateTimeOffset FetchedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public Task<IReadOnlyList<HostedZoneRow>> GetAsync(string account, Route53ChangeScheduler scheduler)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(account, out var entry)
                && (!entry.Fetch.IsCompleted || (entry.Fetch.IsCompletedSuccessfully && now - entry.FetchedAt < Ttl)))
                return entry.Fetch;
            var fetch = FetchAsync(account, scheduler);
            _entries[account] = new Entry(fetch, now);
            return fetch;
        }
    }

    /// <summary>Forgets the cached lists (after Migrator itself creates or deletes a hosted zone).</summary>
    public void Invalidate()
    {
        lock (_gate) _entries.Clear();
    }

    private static async Task<IReadOnlyList<HostedZoneRow>> FetchAsync(string account, Route53ChangeScheduler scheduler)
    {
        await Task.Yield();
        var rows = new List<HostedZoneRow>();
        string? nextName = null, nextId = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // shared by callers: not any one caller's token
        do
        {
            var (name, id) = (nextName, nextId);
            var page = await scheduler.ReadAsync(c => scheduler.Client.ListHostedZonesByNameAsync(name is null ? null : Route53Names.Parse(name), id, 100, c), timeout.Token);
            rows.AddRange(page.HostedZones.Select(z => new HostedZoneRow(account, z.Id, z.Name.ToString(), z.ResourceRecordSetCount, z.PrivateZone, z.Comment)));
            (nextName, nextId) = page.IsTruncated ? (page.NextDnsName, page.NextHostedZoneId) : (null, null);
        } while (nextName is not null);
        return rows;
    }
}

/// <summary>Reads hosted zones of every configured account (all pages of ListHostedZonesByName), through <see cref="HostedZoneCache"/>.</summary>
public sealed class HostedZoneDirectory(Route53AccountProvider provider, HostedZoneCache cache, ILogger<HostedZoneDirectory> logger)
{
    /// <summary>Zones of every account; no emulator addresses (for callers of any role).</summary>
    public Task<Route53Overview> GetOverviewAsync(CancellationToken ct) => GetOverviewAsync(includeEmulator: false, ct);

    /// <summary>Zones of every account; the emulator's addresses only when <paramref name="viewer"/> is an Admin.</summary>
    public Task<Route53Overview> GetOverviewAsync(ClaimsPrincipal viewer, CancellationToken ct) =>
        GetOverviewAsync(viewer.IsInRole(MigratorRoles.Admin), ct);

    private async Task<Route53Overview> GetOverviewAsync(bool includeEmulator, CancellationToken ct)
    {
        var accounts = await provider.GetAsync();
        var rows = new List<HostedZoneRow>();
        var errors = new List<string>();
        foreach (var name in accounts.Names.OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                rows.AddRange(await cache.GetAsync(name, accounts.Get(name).Scheduler).WaitAsync(ct));
            }
            catch (Exception e) when (e is Route53Exception or HttpRequestException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The message never carries credentials: the client's exceptions hold codes and AWS's messages only.
                logger.LogWarning("Listing hosted zones of account {Account} failed: {Error}", name, e.Message);
                errors.Add($"{name}: {e.Message}");
            }
        }
        string? endpoint = null, dns = null;
        if (includeEmulator && provider.Emulator is { } started)
        {
            var host = await started;
            endpoint = host.BaseAddress.ToString();
            dns = host.DnsEndPoint?.ToString();
        }
        return new Route53Overview(rows, errors, endpoint, dns);
    }
}
