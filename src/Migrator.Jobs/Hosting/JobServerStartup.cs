using Hangfire.Server;

namespace Migrator.Jobs.Hosting;

/// <summary>
/// When this process's Hangfire server was set up and whether it has announced itself in the job storage yet. Hangfire
/// starts the server once the host has started and announces it on a thread of its own, so for a moment after start-up
/// the app serves requests while no server of this process is registered; readiness tells that moment from a lost
/// server by this.
/// </summary>
public sealed class JobServerStartup(TimeProvider time)
{
    private readonly TaskCompletionSource announced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When the server was set up (this object is created with it).</summary>
    public DateTimeOffset Since { get; } = time.GetUtcNow();

    public bool IsAnnounced => announced.Task.IsCompleted;

    public Task Announced => announced.Task;

    internal void MarkAnnounced() => announced.TrySetResult();
}

/// <summary>
/// A process of the Hangfire server. Hangfire starts its processes only after the server's announcement is stored, so
/// the first run of this one marks that moment; it then idles until the server stops.
/// </summary>
internal sealed class JobServerAnnouncedProcess(JobServerStartup startup) : IBackgroundProcess
{
    public void Execute(BackgroundProcessContext context)
    {
        startup.MarkAnnounced();
        context.StoppingToken.WaitHandle.WaitOne();
    }

    public override string ToString() => "Migrator job server announced";
}
