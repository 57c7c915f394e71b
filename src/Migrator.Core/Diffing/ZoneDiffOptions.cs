namespace Migrator.Core.Diffing;

/// <summary>
/// What a diff leaves out. Invariant: an ignored set never appears in a plan and never counts toward the safety thresholds.
/// </summary>
/// <param name="IgnoreApexSoa">Skip the apex SOA: Route 53 writes its own and the serial never matches.</param>
/// <param name="IgnoreApexNs">Skip the apex NS: Route 53 assigns its own four name servers.</param>
/// <param name="IgnoreTtl">Treat sets whose values match as unchanged whatever their TTLs.</param>
public sealed record ZoneDiffOptions(bool IgnoreApexSoa = false, bool IgnoreApexNs = false, bool IgnoreTtl = false)
{
    public static readonly ZoneDiffOptions Default = new();

    /// <summary>The usual options for a Route 53 target: apex SOA and NS belong to Route 53.</summary>
    public static readonly ZoneDiffOptions Route53 = new(IgnoreApexSoa: true, IgnoreApexNs: true);
}

/// <summary>
/// The thresholds of the mass-change guard (octoDNS's defaults). Invariant: percentages are in [0, 1].
/// </summary>
/// <param name="MaxUpdateFraction">Updates above this share of the existing sets make the plan unsafe (strictly above: exactly 30% passes).</param>
/// <param name="MaxDeleteFraction">Deletes above this share of the existing sets make the plan unsafe.</param>
/// <param name="MinExistingSets">Zones with fewer existing sets than this skip the percentage checks.</param>
public sealed record SafetyPolicy(double MaxUpdateFraction = 0.30, double MaxDeleteFraction = 0.30, int MinExistingSets = 10)
{
    public static readonly SafetyPolicy Default = new();
}
