using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;

namespace Migrator.Core.Migrations.Adapters;

/// <summary>
/// The <see cref="IOperationJournal"/> of one migration: adapters' operations as rows of the migration's operation
/// table (key = the adapter's operation id), written before the operation starts.
/// </summary>
public sealed class MigrationOperationJournal(IDbContextFactory<MigratorDbContext> contexts, Guid migrationId, TimeProvider time) : IOperationJournal
{
    public async Task RecordAsync(string operationId, string kind, string description, string requestJson, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.MigrationOperations.AnyAsync(o => o.MigrationId == migrationId && o.Key == operationId, cancellationToken)) return;
        db.MigrationOperations.Add(new MigrationOperation(migrationId, operationId, kind, description, requestJson, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task CompleteAsync(string operationId, bool succeeded, string? resultJson, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var op = await db.MigrationOperations.SingleAsync(o => o.MigrationId == migrationId && o.Key == operationId, cancellationToken);
        if (succeeded) op.Submitted(null, resultJson, time.GetUtcNow()); else op.Failed(resultJson, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task ConfirmAsync(string operationId, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var op = await db.MigrationOperations.SingleAsync(o => o.MigrationId == migrationId && o.Key == operationId, cancellationToken);
        op.Confirm(actor, reason, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<JournalEntry?> FindAsync(string operationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var op = await db.MigrationOperations.AsNoTracking().SingleOrDefaultAsync(o => o.MigrationId == migrationId && o.Key == operationId, cancellationToken);
        if (op is null) return null;
        // "Submitted" here means the adapter sent it and it was accepted (the journal's Succeeded); the step decides when it is done.
        var status = op.Status switch
        {
            MigrationOperationStatus.Submitted => "Succeeded",
            _ => op.Status,
        };
        return new JournalEntry(op.Key, op.Kind, op.RequestJson ?? "{}", status, op.ResultJson, op.ConfirmedBy, op.ConfirmedBy is null ? null : op.UpdatedAt);
    }
}
