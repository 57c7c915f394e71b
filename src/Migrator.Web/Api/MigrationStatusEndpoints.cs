using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Core.Zones;

namespace Migrator.Web.Api;

/// <summary>
/// What `migrator migration show` prints and scripts read.
/// <paramref name="NextStep"/>: the step that moves the migration on; <paramref name="NextActor"/>: the role (or person) who must take it;
/// <paramref name="DueAt"/>: when a timed step is due; <paramref name="PlanHash"/>: the hash of the cutover plan an approver signs;
/// <paramref name="Snapshot"/>: the delegation saved before cutover, as stored.
/// </summary>
public sealed record MigrationStatusResponse(
    Guid Id, string ZoneName, MigrationState State, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? NextStep, string? NextActor, DateTimeOffset? DueAt, string? PlanHash, JsonElement? Snapshot)
{
    public static MigrationStatusResponse From(Migration m) =>
        new(m.Id, m.ZoneName, m.State, m.CreatedBy, m.CreatedAt, m.UpdatedAt, null, null, null, null, null);
}

/// <summary>Finds a migration by id or by zone name (the zone's open migration, else its latest) for every /api/migrations/{key} route.</summary>
public sealed class MigrationKeys(IDbContextFactory<MigratorDbContext> contexts)
{
    public async Task<Migration?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (Guid.TryParse(key, out var id))
            return await db.Migrations.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

        var text = key.Trim();
        if (!DomainName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var zone, out _)) return null;
        var name = zone.ToLowerString();
        var all = await db.Migrations.AsNoTracking().Where(m => m.ZoneName == name).ToListAsync(cancellationToken);
        return all.Where(m => !m.IsFinal).OrderByDescending(m => m.CreatedAt).FirstOrDefault()
               ?? all.OrderByDescending(m => m.CreatedAt).FirstOrDefault();
    }

    public static ProblemHttpResult NotFound(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such migration", detail: $"No migration has the id or zone '{key}'.");
}

public static class MigrationStatusEndpoints
{
    internal static async Task<Results<Ok<MigrationStatusResponse>, ProblemHttpResult>> ShowAsync(string key, MigrationKeys keys, CancellationToken ct) =>
        await keys.FindAsync(key, ct) is { } m ? TypedResults.Ok(MigrationStatusResponse.From(m)) : MigrationKeys.NotFound(key);
}
