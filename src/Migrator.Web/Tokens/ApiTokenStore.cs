using Microsoft.EntityFrameworkCore;
using Migrator.Core.ApiTokens;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Web.Tokens;

/// <summary>What an owner sees of a token: never the secret, only its last four characters.</summary>
public sealed record ApiTokenSummary(Guid Id, string Name, string Hint, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, bool Active)
{
    public static ApiTokenSummary From(ApiToken t, DateTimeOffset now) =>
        new(t.Id, t.Name, "…" + t.Hint, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, !t.IsRevoked && !t.IsExpired(now));
}

/// <summary>The token as created: the only moment the secret is ever shown.</summary>
public sealed record ApiTokenCreated(Guid Id, string Name, string Token, string Hint, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Creates, lists and revokes personal API tokens; each change is saved with its audit event.</summary>
public sealed class ApiTokenStore(IDbContextFactory<MigratorDbContext> contexts, TimeProvider time)
{
    /// <summary>How stale <see cref="ApiToken.LastUsedAt"/> may get before a call writes it again (one write per minute, not per call).</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<ApiTokenCreated> CreateAsync(string userId, string actor, string name, string securityStamp, TimeSpan lifetime, string how,
        CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (token, secret) = ApiToken.Issue(userId, name, securityStamp, now, lifetime);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiTokens.Add(token);
        db.AuditEvents.Add(AuditEvent.Create(now, actor, AuditActions.ApiTokenCreated, TargetOf(token.Id),
            $"'{token.Name}' …{token.Hint}, expires {token.ExpiresAt:O}, {how}"));
        await db.SaveChangesAsync(cancellationToken);
        return new ApiTokenCreated(token.Id, token.Name, secret, "…" + token.Hint, token.CreatedAt, token.ExpiresAt);
    }

    /// <summary>The user's tokens, newest first, revoked and expired ones included (marked inactive).</summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return tokens.OrderByDescending(t => t.CreatedAt).Select(t => ApiTokenSummary.From(t, now)).ToList();
    }

    /// <summary>Revokes one of the user's own tokens; false when the user has no such token. Revoking twice is not an error.</summary>
    public async Task<bool> RevokeAsync(string userId, Guid tokenId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, cancellationToken);
        if (token is null) return false;
        if (token.IsRevoked) return true;
        var now = time.GetUtcNow();
        token.Revoke(actor, now);
        db.AuditEvents.Add(AuditEvent.Create(now, actor, AuditActions.ApiTokenRevoked, TargetOf(token.Id), $"'{token.Name}' …{token.Hint}"));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<ApiToken?> FindBySecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        var hash = ApiToken.HashOf(secret);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
    }

    /// <summary>Audits one call made with a token and, at most once a minute per token, records when it was last used.</summary>
    public async Task RecordCallAsync(Guid tokenId, string actor, string call, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditEvents.Add(AuditEvent.Create(now, actor, AuditActions.ApiTokenCall, TargetOf(tokenId), call));
        await db.SaveChangesAsync(cancellationToken);
        var stale = now - LastUsedResolution;
        await db.ApiTokens.Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt < stale))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
    }

    public static string TargetOf(Guid tokenId) => $"token:{tokenId}";
}
