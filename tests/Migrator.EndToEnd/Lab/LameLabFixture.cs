namespace Migrator.EndToEnd.Lab;

/// <summary>A lab whose parent lists a third name server, ns1.lame-dns.lab, that is not authoritative for example.lab
/// (its address is the root server's) — a lame server and a parent/child NS mismatch at once.</summary>
public sealed class LameLabFixture : IAsyncLifetime
{
    public DnsLab Lab { get; private set; } = null!;
    public async Task InitializeAsync() => Lab = await DnsLab.StartAsync(new DnsLabOptions { LameServerAtParent = true, DelegationTtl = 3600 });
    public async Task DisposeAsync() => await Lab.DisposeAsync();
}
