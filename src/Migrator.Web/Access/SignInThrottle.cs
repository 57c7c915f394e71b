using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;

namespace Migrator.Web.Access;

/// <summary>
/// Failed sign-ins are counted per (account, client address): after <see cref="FreeFailures"/> failures that pair
/// waits, 30 s then doubling up to 15 min. A stranger therefore locks only his own address out of an account, never
/// the on-call engineer signing in from elsewhere. Across addresses each account also has a failure budget
/// (<see cref="AccountFailuresPerHour"/>) that slows distributed guessing; only failures spend it.
/// Kept in memory: it is a brake on guessing, not an invariant, so a restart or a second process merely resets it.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;
    public const int AccountFailuresPerHour = 200;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    private sealed class Pair
    {
        public int Failures;
        public DateTimeOffset BlockedUntil;
        public DateTimeOffset LastFailure;
    }

    private readonly ConcurrentDictionary<(string Account, string Address), Pair> _pairs = new();

    private readonly PartitionedRateLimiter<string> _accountFailures = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetSlidingWindowLimiter(account, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = AccountFailuresPerHour, Window = TimeSpan.FromHours(1), SegmentsPerWindow = 12, QueueLimit = 0,
        }));

    /// <summary>When the pair may try again; null when it may try now.</summary>
    public DateTimeOffset? BlockedUntil(string account, IPAddress? address)
    {
        var now = time.GetUtcNow();
        if (_pairs.TryGetValue(Key(account, address), out var pair))
            lock (pair)
                if (pair.BlockedUntil > now) return pair.BlockedUntil;
        return null;
    }

    private readonly ConcurrentDictionary<(string Account, string Address), DateTimeOffset> _knownGood = new();

    /// <summary>
    /// False when the account has spent its hourly failure budget and this address never signed in to it successfully
    /// (checked before the password): a distributed guesser is stopped, the account's usual address still gets in.
    /// </summary>
    public bool AccountHasBudget(string account, IPAddress? address)
    {
        using var probe = _accountFailures.AttemptAcquire(Normalize(account), permitCount: 0);
        return probe.IsAcquired || _knownGood.ContainsKey(Key(account, address));
    }

    public void RecordFailure(string account, IPAddress? address)
    {
        var now = time.GetUtcNow();
        using (_accountFailures.AttemptAcquire(Normalize(account))) { }
        var pair = _pairs.GetOrAdd(Key(account, address), _ => new Pair());
        lock (pair)
        {
            if (now - pair.LastFailure > MaxDelay * 2) pair.Failures = 0;
            pair.Failures++;
            pair.LastFailure = now;
            if (pair.Failures >= FreeFailures)
            {
                var doublings = Math.Min(pair.Failures - FreeFailures, 10);
                var delay = TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks << doublings, MaxDelay.Ticks));
                pair.BlockedUntil = now + delay;
            }
        }
        if (_pairs.Count > 100_000) Prune(now);
    }

    public void RecordSuccess(string account, IPAddress? address)
    {
        _pairs.TryRemove(Key(account, address), out _);
        if (_knownGood.Count < 100_000) _knownGood[Key(account, address)] = time.GetUtcNow();
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, pair) in _pairs)
            if (now - pair.LastFailure > MaxDelay * 2) _pairs.TryRemove(key, out _);
    }

    private static (string, string) Key(string account, IPAddress? address) => (Normalize(account), address?.ToString() ?? "-");

    private static string Normalize(string account) => account.Trim().TrimEnd('.').ToUpperInvariant();
}
