using System.Security.Cryptography;
using System.Text;

namespace Migrator.Core.ApiTokens;

/// <summary>
/// A personal API token: a 256-bit random secret shown once to its owner, stored only as its SHA-256.
/// Invariant: <see cref="SecretHash"/> is 64 lower-case hex digits, <see cref="ExpiresAt"/> is after <see cref="CreatedAt"/>,
/// and once revoked a token stays revoked.
/// </summary>
public sealed class ApiToken
{
    /// <summary>Every secret starts with this, so leaked tokens are recognisable (secret scanners, logs, grep).</summary>
    public const string Prefix = "mgr_";

    public const int MaxNameLength = 100;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    private ApiToken(Guid id, string userId, string name, string secretHash, string hint, string securityStamp, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        Id = id;
        UserId = userId;
        Name = name;
        SecretHash = secretHash;
        Hint = hint;
        SecurityStamp = securityStamp;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    /// <summary>The Identity user the token acts for, with that user's roles at the time of each call.</summary>
    public string UserId { get; private set; }

    public string Name { get; private set; }
    public string SecretHash { get; private set; }

    /// <summary>The secret's last four characters, so an owner can tell tokens apart without the secret.</summary>
    public string Hint { get; private set; }

    /// <summary>The user's security stamp when the token was made: a changed stamp (new password, forced sign-out) voids the token.</summary>
    public string SecurityStamp { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Makes a token and its secret; the secret exists only in the returned string, never in the entity.</summary>
    public static (ApiToken Token, string Secret) Issue(string userId, string name, string securityStamp, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(securityStamp);
        if (name.Length > MaxNameLength) throw new ArgumentException($"a token name has at most {MaxNameLength} characters", nameof(name));
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"a token lives more than 0 and at most {MaxLifetime.TotalDays:F0} days");

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var created = now.ToUniversalTime();
        var token = new ApiToken(Guid.NewGuid(), userId, name.Trim(), HashOf(secret), secret[^4..], securityStamp, created, created + lifetime);
        return (token, secret);
    }

    /// <summary>SHA-256 of the whole secret (prefix included) as lower-case hex; the only form of a secret that is stored.</summary>
    public static string HashOf(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Cheap shape check before any database look-up: prefix plus 43 base64url characters.</summary>
    public static bool LooksLikeSecret(string? text) =>
        text is { Length: 47 } && text.StartsWith(Prefix, StringComparison.Ordinal)
        && text.AsSpan(Prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    public void Revoke(string actor, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (IsRevoked) return;
        RevokedAt = now.ToUniversalTime();
        RevokedBy = actor;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
