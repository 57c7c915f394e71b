namespace Migrator.EndToEnd.Lab;

/// <summary>The default lab shared by a test class: healthy delegation to the old provider; the new provider serves a
/// copy of the old zone except www A (198.51.100.10 instead of 203.0.113.10).</summary>
public sealed class DnsLabFixture : IAsyncLifetime
{
    public const string NewWwwAddress = "198.51.100.10";
    public DnsLab Lab { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Lab = await DnsLab.StartAsync(new DnsLabOptions
        {
            EditNewRecords = r => r.Replace("www      IN A     203.0.113.10", "www      IN A     " + NewWwwAddress, StringComparison.Ordinal),
        });

    public async Task DisposeAsync() => await Lab.DisposeAsync();
}
