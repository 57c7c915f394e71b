using Migrator.Core.Route53;

namespace Migrator.Web.Route53;

/// <summary>A hosted zone as the dashboard lists it, per configured AWS account.</summary>
public sealed record HostedZoneRow(string Account, string Id, string Name, long RecordSetCount, bool PrivateZone, string? Comment);

/// <summary>What the dashboard shows of the Route 53 side: hosted zones per account and, in sandbox, the emulator's addresses.</summary>
public sealed record Route53Overview(IReadOnlyList<HostedZoneRow> Zones, IReadOnlyList<string> Errors, string? EmulatorEndpoint, string? EmulatorDns);

/// <summary>Reads hosted zones of every configured account (all pages of ListHostedZonesByName).</summary>
public sealed class HostedZoneDirectory(Route53AccountProvider provider, ILogger<HostedZoneDirectory> logger)
{
    public async Task<Route53Overview> GetOverviewAsync(CancellationToken ct)
    {
        var accounts = await provider.GetAsync();
        var rows = new List<HostedZoneRow>();
        var errors = new List<string>();
        foreach (var name in accounts.Names.OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                var client = accounts.Get(name).Client;
                string? nextName = null, nextId = null;
                do
                {
                    var page = await client.ListHostedZonesByNameAsync(nextName is null ? null : Route53Names.Parse(nextName), nextId, 100, ct);
                    rows.AddRange(page.HostedZones.Select(z => new HostedZoneRow(name, z.Id, z.Name.ToString(), z.ResourceRecordSetCount, z.PrivateZone, z.Comment)));
                    (nextName, nextId) = page.IsTruncated ? (page.NextDnsName, page.NextHostedZoneId) : (null, null);
                } while (nextName is not null);
            }
            catch (Exception e) when (e is Route53Exception or HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // The message never carries credentials: the client's exceptions hold codes and AWS's messages only.
                logger.LogWarning("Listing hosted zones of account {Account} failed: {Error}", name, e.Message);
                errors.Add($"{name}: {e.Message}");
            }
        }
        string? endpoint = null, dns = null;
        if (provider.Emulator is { } started)
        {
            var host = await started;
            endpoint = host.BaseAddress.ToString();
            dns = host.DnsEndPoint?.ToString();
        }
        return new Route53Overview(rows, errors, endpoint, dns);
    }
}
