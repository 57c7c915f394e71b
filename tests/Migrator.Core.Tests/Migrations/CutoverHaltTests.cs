using Migrator.Core.Migrations;

namespace Migrator.Core.Tests.Migrations;

/// <summary>The crash drill's halt points: after a sub-step's outside effect, or just before it (":before").</summary>
public sealed class CutoverHaltTests : IDisposable
{
    private readonly string _markers = Directory.CreateTempSubdirectory("migrator-halt-tests-").FullName;

    public void Dispose() => Directory.Delete(_markers, recursive: true);

    private static CutoverCheckpoint Point(string zone, char subStep, bool before) => new(Guid.Empty, zone, subStep, "what", before);

    [Fact]
    public async Task AtCheckpointAsync_HaltsOnlyAtTheNamedPoint_AndMarksIt()
    {
        var halt = CutoverHalt.Parse("a.lab.=e; B.lab = e:before", _markers)!;

        // Not the named point: returns at once, no marker.
        await halt.AtCheckpointAsync(Point("a.lab.", 'e', before: true), default);
        await halt.AtCheckpointAsync(Point("b.lab.", 'e', before: false), default);
        await halt.AtCheckpointAsync(Point("c.lab.", 'e', before: false), default);
        Assert.Empty(Directory.GetFiles(_markers));

        // The named points: a marker, then the halt (a drill kills the process here; the test cancels it).
        foreach (var (zone, before) in new[] { ("a.lab.", false), ("b.lab.", true) })
        {
            using var cancel = new CancellationTokenSource();
            var halted = halt.AtCheckpointAsync(Point(zone, 'e', before), cancel.Token);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(CutoverHalt.MarkerFile(_markers, zone, 'e', before)) && DateTime.UtcNow < deadline && !halted.IsCompleted) await Task.Delay(10);
            Assert.True(File.Exists(CutoverHalt.MarkerFile(_markers, zone, 'e', before)));
            Assert.False(halted.IsCompleted);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => halted);
        }
        Assert.NotEqual(CutoverHalt.MarkerFile(_markers, "b.lab.", 'e', true), CutoverHalt.MarkerFile(_markers, "b.lab.", 'e'));
    }

    [Theory]
    [InlineData("a.lab.=x")]
    [InlineData("a.lab.=e:after")]
    [InlineData("a.lab.=:before")]
    [InlineData("=e")]
    public void Parse_Refuses_ABrokenSpec(string spec) =>
        Assert.Throws<InvalidOperationException>(() => CutoverHalt.Parse(spec, _markers));
}
