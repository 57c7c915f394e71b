namespace Migrator.Core.Notifications;

/// <summary>What changed: a migration's state or progress, or something that every list shows (a new migration, an audit event).</summary>
public enum MigrationChangeKind { StateChanged, Progress, Created, Audit }

/// <summary>
/// One change worth showing at once on open pages. <see cref="MigrationId"/> is null for changes not tied to one
/// migration; <see cref="Progress"/> is a fraction in [0, 1] when the change reports long work (import batches, sweeps).
/// </summary>
public sealed record MigrationChange(Guid? MigrationId, MigrationChangeKind Kind, string? Message = null, double? Progress = null);

/// <summary>
/// Fan-out of migration changes to whoever is listening (open dashboard pages). Publishing never blocks on a
/// listener and never throws because of one. In-process now; a PostgreSQL LISTEN/NOTIFY implementation can carry
/// the same changes across processes later.
/// </summary>
public interface IMigrationNotifier
{
    void Publish(MigrationChange change);

    /// <summary>Calls <paramref name="listener"/> for every change published until the returned handle is disposed.</summary>
    IDisposable Subscribe(Func<MigrationChange, Task> listener);
}

/// <summary>The in-process notifier: a copy-on-write list of listeners, each called without awaiting the others.</summary>
public sealed class InProcessMigrationNotifier : IMigrationNotifier
{
    private readonly Lock gate = new();
    private Func<MigrationChange, Task>[] listeners = [];

    public int ListenerCount => Volatile.Read(ref listeners).Length;

    public void Publish(MigrationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var listener in Volatile.Read(ref listeners))
            _ = Deliver(listener, change);
    }

    private static async Task Deliver(Func<MigrationChange, Task> listener, MigrationChange change)
    {
        // A page that is closing (disposed circuit) must not take the publisher or other pages down with it.
        try { await listener(change); }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException) { }
    }

    public IDisposable Subscribe(Func<MigrationChange, Task> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (gate) listeners = [.. listeners, listener];
        return new Subscription(this, listener);
    }

    private void Unsubscribe(Func<MigrationChange, Task> listener)
    {
        lock (gate) listeners = listeners.Where(l => l != listener).ToArray();
    }

    private sealed class Subscription(InProcessMigrationNotifier owner, Func<MigrationChange, Task> listener) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Unsubscribe(listener);
        }
    }
}
