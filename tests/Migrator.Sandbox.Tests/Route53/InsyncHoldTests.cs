using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Tests.Route53;

/// <summary>The INSYNC hold (a test fault): one zone's changes stay PENDING and unserved while other zones' changes go INSYNC.</summary>
public sealed class InsyncHoldTests
{
    private static RecordSetData A(string name, string ip) => new() { Name = R53Name.Parse(name), Type = "A", Ttl = 60, Values = [ip] };

    [Fact]
    public void HoldInsync_KeepsOnlyTheHeldZonesChangesPending_UntilReleased()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        using var state = new Route53State(new EmulatorOptions { TimeProvider = time, InsyncDelay = TimeSpan.FromSeconds(1) });
        var held = state.CreateHostedZone("held.example", "r1", null, false, null, null).Value.Zone;
        var free = state.CreateHostedZone("free.example", "r2", null, false, null, null).Value.Zone;
        time.Advance(TimeSpan.FromSeconds(1));

        state.HoldInsync(held.Id);
        var first = state.ChangeRecordSets(held.Id, null, [new RecordChange("CREATE", A("www.held.example", "192.0.2.1"))]).Value!;
        var second = state.ChangeRecordSets(free.Id, null, [new RecordChange("CREATE", A("www.free.example", "192.0.2.2"))]).Value!;
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("PENDING", state.GetChange(first.Id).Value!.Status);
        Assert.Equal("INSYNC", state.GetChange(second.Id).Value!.Status); // submitted after the held one, not held up by it
        Assert.DoesNotContain(state.Served[held.Id].Records.Sets.Values, s => s.Name.Equals(R53Name.Parse("www.held.example")));
        Assert.Contains(state.Served[free.Id].Records.Sets.Values, s => s.Name.Equals(R53Name.Parse("www.free.example")));

        state.ReleaseInsync(held.Id);
        Assert.Equal("INSYNC", state.GetChange(first.Id).Value!.Status);
        Assert.Contains(state.Served[held.Id].Records.Sets.Values, s => s.Name.Equals(R53Name.Parse("www.held.example")));
    }
}
