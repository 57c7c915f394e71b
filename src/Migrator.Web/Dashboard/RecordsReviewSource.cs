using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;

namespace Migrator.Web.Dashboard;

/// <summary>
/// The records review of a migration as the page loads it: the status, the review built from it, or the reason the stored
/// records cannot be read (then <see cref="Review"/> is null).
/// </summary>
public sealed record RecordsReviewLoad(MigrationStatus Status, RecordsReview? Review, string? Error);

/// <summary>
/// Builds <see cref="RecordsReview"/>s and keeps the last few: a review is a pure function of the migration's row (whose
/// Version grows with every write) and of whether its snapshot exists (saved once), so while both are unchanged a
/// narrow query replaces reading, parsing and diffing 10,000 records again — on every open of the page, on the
/// circuit's render after the prerender, and on every live change of an unrelated part of the row's neighbours.
/// Invariant: an entry is returned only for the exact (Version, snapshot) it was built from.
/// </summary>
public sealed class RecordsReviewSource(MigrationWorkflow workflow, IDbContextFactory<MigratorDbContext> contexts)
{
    /// <summary>Enough for the migrations a team reviews at once; a 10,000-record review holds about 7 MiB.</summary>
    public const int Kept = 8;

    private sealed record Entry(long Version, bool HasSnapshot, RecordsReviewLoad Load)
    {
        public long LastUsed { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private long _uses;

    /// <summary>How many loads were built rather than reused (for tests and the benchmark).</summary>
    public int Builds { get; private set; }

    /// <summary>Null when there is no migration with this id.</summary>
    public async Task<RecordsReviewLoad?> LoadAsync(Guid id, CancellationToken ct = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var head = await db.Migrations.AsNoTracking().Where(m => m.Id == id)
                .Select(m => new { m.Version, HasSnapshot = db.DelegationSnapshots.Any(s => s.MigrationId == id) })
                .SingleOrDefaultAsync(ct);
            if (head is null)
            {
                lock (_gate) _entries.Remove(id);
                return null;
            }
            lock (_gate)
            {
                if (_entries.TryGetValue(id, out var kept) && kept.Version == head.Version && kept.HasSnapshot == head.HasSnapshot)
                {
                    kept.LastUsed = ++_uses;
                    return kept.Load;
                }
            }
        }

        var status = await workflow.GetStatusAsync(id, ct);
        if (status is null) return null;
        RecordsReviewLoad load;
        try
        {
            var inventory = await workflow.GetInventoryAsync(id, ct) ?? [];
            var plan = await workflow.GetCutoverPlanAsync(id, ct);
            load = new RecordsReviewLoad(status, RecordsReview.Build(status, inventory, plan), null);
        }
        catch (FormatException e)
        {
            // Not kept: the next load reads the row again (an Operator may have re-run the step meanwhile).
            return new RecordsReviewLoad(status, null,
                $"The stored records or cutover plan of {status.Zone} cannot be read ({e.Message}). Run the Inventory step again, or request approval again to store a new plan.");
        }

        // Keyed by the status's own version: a write between the reads above only makes the next load rebuild.
        lock (_gate)
        {
            Builds++;
            _entries[id] = new Entry(status.Version, status.Snapshot is not null, load) { LastUsed = ++_uses };
            while (_entries.Count > Kept) _entries.Remove(_entries.MinBy(e => e.Value.LastUsed).Key);
        }
        return load;
    }
}
