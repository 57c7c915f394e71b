using Migrator.Core.Manual;
using Migrator.Core.Migrations;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Migrations;

/// <summary>A manual writer's overrides live in the migration's operation table: a restarted process still honours them.</summary>
public sealed class ManualZoneWriterPersistenceTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    /// <summary>An old server that never shows the desired change (it does not answer).</summary>
    private sealed class SilentProbe : IDnsProbe
    {
        public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(ProbeResult.Failed(server, name, type, ProbeErrorKind.Timeout, TimeSpan.FromSeconds(2), "timed out"));
    }

    private static readonly DnsEndpoint Old = DnsEndpoint.Parse("127.0.0.12");

    private static RecordSet Set(string value) =>
        new(new RecordSetKey(DomainName.Parse("www.example.lab."), RecordType.A), new Ttl(300), [value]);

    [Fact]
    public async Task Override_SurvivesARestart_WhenJournalledToTheMigration()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var before = new ManualZoneWriter(new SilentProbe(), [Old], new MigrationOperationJournal(_h, id, _h.Time));
        Assert.False((await before.VerifyAsync([Set("192.0.2.1")], default)).Done);
        var confirmedAt = _h.Time.GetUtcNow();
        await before.OverrideAsync([Set("192.0.2.1")], new ManualOverride("alice", "the console shows it; the provider's DNS lags", confirmedAt), default);

        // A new process, an hour later: new writer, new journal, same database.
        _h.Time.Advance(TimeSpan.FromHours(1));
        var after = new ManualZoneWriter(new SilentProbe(), [Old], new MigrationOperationJournal(_h, id, _h.Time));
        var check = await after.VerifyAsync([Set("192.0.2.1")], default);

        Assert.True(check.Done, check.Message);
        Assert.False(check.VerifiedByDns);
        Assert.Equal("alice", check.Override!.Actor);
        Assert.Contains("provider's DNS lags", check.Override.Reason);
        Assert.Equal(confirmedAt, check.Override.At); // when alice confirmed, not when it was read
        var ops = await _h.Workflow().GetOperationsAsync(id);
        Assert.Contains(ops, o => o.Key == ManualZoneWriter.OperationId(Set("192.0.2.1")) && o.ConfirmedBy!.StartsWith("alice: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Override_DoesNotCoverADifferentDesiredSet_WhenTheValuesChanged()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var journal = new MigrationOperationJournal(_h, id, _h.Time);
        await new ManualZoneWriter(new SilentProbe(), [Old], journal)
            .OverrideAsync([Set("192.0.2.1")], new ManualOverride("alice", "checked in the console", _h.Time.GetUtcNow()), default);

        var check = await new ManualZoneWriter(new SilentProbe(), [Old], new MigrationOperationJournal(_h, id, _h.Time)).VerifyAsync([Set("192.0.2.2")], default);

        Assert.False(check.Done);
        Assert.Contains("www.example.lab. A", check.Message);
    }
}
