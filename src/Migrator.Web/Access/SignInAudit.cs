using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;

namespace Migrator.Web.Access;

/// <summary>
/// Audit rows written on behalf of anonymous callers (failed sign-ins). What a stranger typed as an e-mail is never
/// stored (it may be a password typed into the wrong field): unknown accounts are recorded as a keyed hash
/// (HMAC-SHA-256 with a key kept in &lt;data&gt;/audit-key, 0600), so repeated attempts with the same text still
/// correlate. At most <see cref="RowsPerMinute"/> such rows a minute are written; the rest are counted into the next row.
/// </summary>
public sealed class SignInAudit(AuditLog audit, IOptions<MigratorOptions> options)
{
    public const int RowsPerMinute = 20;
    public const string KeyFileName = "audit-key";

    private readonly Lazy<byte[]> _key = new(() => LoadOrCreateKey(Path.Combine(options.Value.DataDirectory!, KeyFileName)));
    private readonly FixedWindowRateLimiter _rows = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = RowsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
    });
    private long _suppressed;

    /// <summary>"typed:" and 16 hex digits of HMAC-SHA-256 over the trimmed, lower-cased text.</summary>
    public string KeyedHash(string typed)
    {
        var mac = HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(typed.Trim().ToLowerInvariant()));
        return "typed:" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }

    /// <summary>Records a failed sign-in unless the per-minute budget is spent; true when a row was written.</summary>
    public async Task<bool> RecordFailureAsync(string actor, string target, string reason, CancellationToken cancellationToken)
    {
        using var lease = _rows.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            Interlocked.Increment(ref _suppressed);
            return false;
        }
        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        var details = suppressed > 0 ? $"{reason}; {suppressed} earlier failed sign-in(s) not recorded (rate limit)" : reason;
        await audit.RecordAsync(actor, AuditActions.SignInFailed, target, details, cancellationToken);
        return true;
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var stream = Migrator.Web.Hosting.PrivateFile.CreateNew(path);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim()); // another process created it first
        }
        return key;
    }
}
