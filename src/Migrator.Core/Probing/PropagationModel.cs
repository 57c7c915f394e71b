namespace Migrator.Core.Probing;

/// <summary>
/// Expected share of caches that see a change, after the article's half-life table: <c>1 − 0.5^(t/T)</c>, plus an
/// "ISP floor" population (a share of resolvers that keep answers at least <see cref="IspFloorTtl"/>, 24 h by default).
/// Invariant: TTL &gt; 0, 0 ≤ floor share ≤ 1; ExpectedShare is 0 at t ≤ 0, non-decreasing and below 1.
/// </summary>
public sealed record PropagationModel
{
    /// <summary>5 half-lives: 96.875% of caches (DESIGN "Waited", the article's "wait at least 5 periods").</summary>
    public const int HalfLivesBeforeCutover = 5;

    public TimeSpan Ttl { get; }
    public double IspFloorShare { get; }
    public TimeSpan IspFloorTtl { get; }

    public PropagationModel(TimeSpan ttl, double ispFloorShare = 0, TimeSpan? ispFloorTtl = null)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "TTL must be positive");
        if (double.IsNaN(ispFloorShare) || ispFloorShare is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(ispFloorShare), ispFloorShare, "share must be within 0–1");
        var floor = ispFloorTtl ?? TimeSpan.FromHours(24);
        if (floor <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ispFloorTtl), floor, "floor TTL must be positive");
        Ttl = ttl;
        IspFloorShare = ispFloorShare;
        IspFloorTtl = floor;
    }

    public static PropagationModel FromSeconds(uint ttlSeconds, double ispFloorShare = 0) =>
        new(TimeSpan.FromSeconds(ttlSeconds), ispFloorShare);

    /// <summary>The TTL the floor population actually applies: the larger of the record's TTL and the floor.</summary>
    public TimeSpan FloorPopulationTtl => Ttl > IspFloorTtl ? Ttl : IspFloorTtl;

    /// <summary>Share (0–1) of caches expected to see the change <paramref name="sinceChange"/> after it.</summary>
    public double ExpectedShare(TimeSpan sinceChange)
    {
        if (sinceChange <= TimeSpan.Zero) return 0;
        var honest = HalfLife(sinceChange, Ttl);
        var floor = HalfLife(sinceChange, FloorPopulationTtl);
        return (1 - IspFloorShare) * honest + IspFloorShare * floor;
    }

    private static double HalfLife(TimeSpan t, TimeSpan ttl) => 1 - Math.Pow(0.5, t / ttl);

    /// <summary>
    /// The wait before cutover: 5 × TTL (96.875%), lengthened to 5 × the floor TTL when a floor population is configured.
    /// </summary>
    public TimeSpan WaitBeforeCutover() =>
        (IspFloorShare > 0 ? FloorPopulationTtl : Ttl) * HalfLivesBeforeCutover;

    /// <summary>Earliest time at which <see cref="ExpectedShare"/> reaches <paramref name="share"/> (bisection to 1 ms).</summary>
    public TimeSpan TimeToReach(double share)
    {
        if (share is <= 0 or >= 1 || double.IsNaN(share)) throw new ArgumentOutOfRangeException(nameof(share), share, "share must be within (0, 1)");
        double lo = 0, hi = FloorPopulationTtl.TotalMilliseconds;
        while (ExpectedShare(TimeSpan.FromMilliseconds(hi)) < share) hi *= 2;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (ExpectedShare(TimeSpan.FromMilliseconds(mid)) >= share) hi = mid; else lo = mid;
        }
        return TimeSpan.FromMilliseconds(Math.Ceiling(hi));
    }
}
