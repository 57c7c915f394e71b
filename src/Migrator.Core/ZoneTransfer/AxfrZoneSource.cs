using Migrator.Core.Tsig;
using System.Net;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneTransfer;

/// <summary>Reads the old zone by AXFR from one server. Failures are diagnostics in the result, never exceptions.</summary>
public sealed class AxfrZoneSource(IPEndPoint server, TimeProvider time, TsigKey? tsig = null, TimeSpan? timeout = null) : IZoneSource
{
    public string Description => $"AXFR from {AxfrClient.Format(server)}" + (tsig is null ? "" : $" with TSIG key {tsig.Name}");

    public async Task<ZoneReadResult> ReadAsync(DomainName zone, CancellationToken cancellationToken)
    {
        var result = await AxfrClient.TransferAsync(zone, server, time, tsig, timeout, cancellationToken);
        return result.Error is { } error
            ? new ZoneReadResult([], [new ZoneReadDiagnostic(error.Message)])
            : new ZoneReadResult(result.Records, []);
    }
}
