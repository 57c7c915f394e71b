using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Migrator.Core.ApiTokens;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations;

namespace Migrator.Core.Persistence;

/// <summary>
/// Migrations, API tokens and the audit log. The accounts (ASP.NET Identity) live in the same database but belong to the
/// web app's own context, with its own migrations history table.
/// Invariant: an <see cref="AuditEvent"/> once saved is never updated or deleted through this context
/// (and the schema's triggers refuse it for raw SQL too).
/// </summary>
public sealed class MigratorDbContext(DbContextOptions<MigratorDbContext> options) : DbContext(options)
{
    public DbSet<Migration> Migrations => Set<Migration>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<MigrationHistoryEntry> MigrationHistory => Set<MigrationHistoryEntry>();
    public DbSet<MigrationOperation> MigrationOperations => Set<MigrationOperation>();
    public DbSet<MigrationSample> MigrationSamples => Set<MigrationSample>();
    public DbSet<DelegationSnapshotRecord> DelegationSnapshots => Set<DelegationSnapshotRecord>();
    public DbSet<MigrationTimer> MigrationTimers => Set<MigrationTimer>();

    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, ForeignKeys = true }.ToString();

    /// <summary>
    /// Points a context at the Migrator database. Every context on that database calls this, each with its own
    /// <paramref name="migrationsHistoryTable"/> (null: EF Core's default, which this context uses).
    /// </summary>
    public static DbContextOptionsBuilder UseMigratorDatabase(DbContextOptionsBuilder db, MigratorOptions options, string? migrationsHistoryTable = null)
    {
        Directory.CreateDirectory(options.DataDirectory!);
        return db.UseSqlite(SqliteConnectionString(options.DatabasePath), sqlite =>
        {
            if (migrationsHistoryTable is not null) sqlite.MigrationsHistoryTable(migrationsHistoryTable);
        });
    }

    /// <summary>Type mappings shared by every context on the Migrator database, so a column means the same in each.</summary>
    public static void ApplyStoreConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset columns stored as text; UTC ticks sort correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    /// <summary>
    /// Switches a SQLite database to write-ahead logging (kept in the file): one sync per commit instead of a rollback
    /// journal's several, and readers never wait for the writer. Timers, samples and claims are many small commits.
    /// </summary>
    public static async Task UseWriteAheadLogAsync(MigratorDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Migration>(m =>
        {
            m.HasKey(x => x.Id);
            m.Property(x => x.ZoneName).HasMaxLength(255).IsRequired();
            m.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
            m.Property(x => x.CreatedBy).HasMaxLength(256).IsRequired();
            m.HasIndex(x => x.ZoneName);
            m.Property(x => x.Version).IsConcurrencyToken();
            m.Property(x => x.RunningStep).HasMaxLength(32);
            m.Property(x => x.RunningBy).HasMaxLength(256);
            m.Property(x => x.CutoverStage).HasMaxLength(16);
            m.Property(x => x.PlanHash).HasMaxLength(64);
            m.Property(x => x.ApprovedPlanHash).HasMaxLength(64);
            m.Property(x => x.InventoryHash).HasMaxLength(64);
            m.Property(x => x.HostedZoneId).HasMaxLength(64);
            m.Property(x => x.ApprovedBy).HasMaxLength(256);
            m.Property(x => x.ApprovalRequestedBy).HasMaxLength(256);
            m.HasIndex(x => x.State);
        });

        builder.Entity<MigrationHistoryEntry>(h =>
        {
            h.HasKey(x => x.Id);
            h.Property(x => x.Id).ValueGeneratedOnAdd();
            h.Property(x => x.Step).HasMaxLength(32).IsRequired();
            h.Property(x => x.From).HasMaxLength(32).IsRequired();
            h.Property(x => x.To).HasMaxLength(32).IsRequired();
            h.Property(x => x.Actor).HasMaxLength(256).IsRequired();
            h.HasOne<Migration>().WithMany().HasForeignKey(x => x.MigrationId).OnDelete(DeleteBehavior.Cascade);
            h.HasIndex(x => new { x.MigrationId, x.Id });
        });

        builder.Entity<MigrationOperation>(o =>
        {
            o.HasKey(x => x.Id);
            o.Property(x => x.Key).HasMaxLength(128).IsRequired();
            o.Property(x => x.Kind).HasMaxLength(64).IsRequired();
            o.Property(x => x.Status).HasMaxLength(16).IsRequired();
            o.Property(x => x.Description).HasMaxLength(1000).IsRequired();
            o.Property(x => x.ExternalId).HasMaxLength(256);
            o.Property(x => x.ConfirmedBy).HasMaxLength(1000);
            o.HasOne<Migration>().WithMany().HasForeignKey(x => x.MigrationId).OnDelete(DeleteBehavior.Cascade);
            o.HasIndex(x => new { x.MigrationId, x.Key }).IsUnique();
        });

        builder.Entity<MigrationSample>(s =>
        {
            s.HasKey(x => x.Id);
            s.Property(x => x.Id).ValueGeneratedOnAdd();
            s.Property(x => x.Kind).HasMaxLength(32).IsRequired();
            s.Property(x => x.Summary).HasMaxLength(1000).IsRequired();
            s.HasOne<Migration>().WithMany().HasForeignKey(x => x.MigrationId).OnDelete(DeleteBehavior.Cascade);
            s.HasIndex(x => new { x.MigrationId, x.Kind, x.Id });
        });

        builder.Entity<MigrationTimer>(t =>
        {
            t.HasKey(x => x.Id);
            t.Property(x => x.Id).ValueGeneratedOnAdd();
            t.Property(x => x.Step).HasMaxLength(32).IsRequired();
            t.Property(x => x.LeasedBy).HasMaxLength(128);
            t.Property(x => x.LastError).HasMaxLength(1000);
            t.HasOne<Migration>().WithMany().HasForeignKey(x => x.MigrationId).OnDelete(DeleteBehavior.Cascade);
            t.HasIndex(x => new { x.MigrationId, x.Step }).IsUnique();
            t.HasIndex(x => x.DueAt);
        });

        builder.Entity<DelegationSnapshotRecord>(d =>
        {
            d.HasKey(x => x.MigrationId);
            d.Property(x => x.Sha256).HasMaxLength(64).IsRequired();
            d.HasOne<Migration>().WithMany().HasForeignKey(x => x.MigrationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEvent>(a =>
        {
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).ValueGeneratedOnAdd();
            a.Property(x => x.Actor).HasMaxLength(256).IsRequired();
            a.Property(x => x.Action).HasMaxLength(64).IsRequired();
            a.Property(x => x.Target).HasMaxLength(512);
            a.Property(x => x.Details).HasMaxLength(4000);
            a.HasIndex(x => x.At);
            a.Property(x => x.Hash).HasMaxLength(64);
            a.HasIndex(x => x.Sequence).IsUnique();
        });

        builder.Entity<ApiToken>(t =>
        {
            t.HasKey(x => x.Id);
            t.Property(x => x.UserId).HasMaxLength(450).IsRequired();
            t.Property(x => x.Name).HasMaxLength(ApiToken.MaxNameLength).IsRequired();
            t.Property(x => x.SecretHash).HasMaxLength(64).IsFixedLength().IsRequired();
            t.Property(x => x.Hint).HasMaxLength(4).IsRequired();
            t.Property(x => x.SecurityStamp).HasMaxLength(256).IsRequired();
            t.Property(x => x.RevokedBy).HasMaxLength(256);
            t.HasIndex(x => x.SecretHash).IsUnique();
            t.HasIndex(x => x.UserId);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        ApplyStoreConventions(configurationBuilder);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditRewrites();
        var added = ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added && e.Entity.Sequence is null).Select(e => e.Entity).ToList();
        if (added.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        // The chain's head is read and extended in one write transaction (SQLite: BEGIN IMMEDIATE), so two writers never share a head.
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await AuditChain.SealAddedAsync(this, added, cancellationToken);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return saved;
        }
        catch
        {
            // A failed save leaves the events unsaved; they are sealed again (with a fresh head) on the next attempt.
            foreach (var e in added) e.Unseal();
            throw;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private void RefuseAuditRewrites()
    {
        var rewritten = ChangeTracker.Entries<AuditEvent>()
            .FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (rewritten is not null)
            throw new InvalidOperationException(
                $"The audit log is append-only: audit event {rewritten.Entity.Id} cannot be {(rewritten.State == EntityState.Deleted ? "deleted" : "modified")}.");
    }
}
