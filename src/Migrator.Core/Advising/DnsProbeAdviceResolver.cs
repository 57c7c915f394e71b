using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Advising;

/// <summary>
/// Answers the advisor's lookups by asking one recursive resolver (recursion desired). A timeout, SERVFAIL or refusal
/// is "unknown" (null), never "absent", so the advisor says it could not check rather than reporting a false finding.
/// </summary>
public sealed class DnsProbeAdviceResolver(IDnsProbe probe, DnsEndpoint resolver) : IAdviceResolver
{
    public async Task<IReadOnlyList<string>?> TxtAsync(DomainName name, CancellationToken ct)
    {
        var result = await probe.QueryAsync(resolver, name, RecordType.TXT, ProbeOptions.Recursive, ct).ConfigureAwait(false);
        if (result.Error != ProbeErrorKind.None || !(result.IsNoError || result.IsNxDomain)) return null;
        // the answer may reach the TXT through a CNAME chain: take every TXT in the answer section
        return result.Answers.Where(r => r.Type == RecordType.TXT).Select(r => SecurityRecordsAdvisor.TxtText(r.Data)).ToList();
    }
}
