using Migrator.Core.Notifications;
using Migrator.Core.Probing;

namespace Migrator.Core.Migrations;

/// <summary>
/// A parity sweep of one migration (old vs every new server) told to open pages as <see cref="MigrationChangeKind.Progress"/>
/// changes. Invariant: the published fractions only grow, and one is published only when the whole percent over all
/// servers moves (at most 101 per sweep, however many record sets), the last at 1.
/// </summary>
public sealed class ParitySweepProgress(IMigrationNotifier notifier, Guid migrationId, string what, int servers)
{
    private readonly Lock gate = new();
    private int lastPercent = -1;

    /// <summary>The progress of the sweep against new server <paramref name="index"/> (0-based) of the <c>servers</c>.</summary>
    public IProgress<ParityProgress> ForServer(int index, string server) => new ServerProgress(this, index, server);

    private void Report(int index, string server, ParityProgress p)
    {
        var fraction = Math.Clamp((index + (p.Total == 0 ? 1.0 : (double)p.Checked / p.Total)) / Math.Max(1, servers), 0, 1);
        var percent = (int)Math.Floor(fraction * 100);
        // Counts arrive from the sweep's worker threads in any order: under the lock an older, smaller count is dropped.
        lock (gate)
        {
            if (percent <= lastPercent) return;
            lastPercent = percent;
            notifier.Publish(new MigrationChange(migrationId, MigrationChangeKind.Progress, Message(index, server, p), fraction));
        }
    }

    private string Message(int index, string server, ParityProgress p) =>
        $"{what}: {p.Checked:N0} of {p.Total:N0} record sets compared with "
        + (servers > 1 ? $"new server {index + 1} of {servers} ({server})" : $"the new server {server}");

    private sealed class ServerProgress(ParitySweepProgress sweep, int index, string server) : IProgress<ParityProgress>
    {
        public void Report(ParityProgress value) => sweep.Report(index, server, value);
    }
}
