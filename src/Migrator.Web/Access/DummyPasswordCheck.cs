using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Migrator.Web.Access;

/// <summary>
/// Verifies a password against a random hash nobody knows, with the same hasher and cost as real accounts, so a
/// sign-in with an unknown e-mail takes as long as one with a known e-mail and a wrong password.
/// </summary>
public sealed class DummyPasswordCheck(IPasswordHasher<IdentityUser> hasher)
{
    private static readonly IdentityUser Nobody = new() { UserName = "nobody" };
    private static string? _hash; // made once per process, with the configured hasher (same cost as real hashes)

    public void Verify(string password)
    {
        var hash = _hash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
