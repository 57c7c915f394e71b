using Migrator.Core.Diffing;
using Migrator.Core.Migrations;
using Migrator.Core.Route53;

namespace Migrator.Web.Settings;

/// <summary>
/// An AWS account as the Settings page shows it. Invariant: holds no key material — only where the credentials come
/// from, so a configured access key, secret key or session token can never reach a page through this type.
/// </summary>
public sealed record AwsAccountView(string Name, string Credentials, string Region, string Route53Endpoint, string DomainsEndpoint, string? DnsEndpoint,
    double RequestsPerSecond)
{
    public static AwsAccountView From(AwsAccountOptions o) => new(o.Name, CredentialsOf(o), o.Region, o.EffectiveRoute53Endpoint.ToString(),
        o.EffectiveDomainsEndpoint.ToString(), o.DnsEndpoint, o.RequestsPerSecond);

    private static string CredentialsOf(AwsAccountOptions o) => o switch
    {
        { AccessKey: not null, SecretKey: not null } => "an access key in the configuration (never shown)",
        { Profile: { } profile, ProfilesLocation: { } file } => $"profile \"{profile}\" from {file}",
        { Profile: { } profile } => $"profile \"{profile}\" (shared AWS config and credentials files; SSO works)",
        _ => "the AWS default chain: environment, shared profile, SSO, instance role",
    };
}

/// <summary>One default a new plan starts with, what it means, and where it comes from.</summary>
public sealed record PlanDefault(string Setting, string Value, string Meaning);

/// <summary>The values the Settings page lists: what a new plan starts with and the safety check's limits (read-only; plans change them per migration).</summary>
public static class InstallationSettings
{
    public static IReadOnlyList<PlanDefault> PlanDefaults(MigrationPlanAnswers answers) =>
    [
        new("Target TTL", $"{answers.TargetTtlSeconds} s", "Records and the NS set carry at most this TTL while migrating, so a rollback takes effect as fast."),
        new("ISP TTL floor", answers.IspTtlFloorSeconds == 0 ? "none" : $"{answers.IspTtlFloorSeconds} s",
            "The longest TTL some ISP caches keep whatever the record says; it lengthens the wait before cutover and the soak."),
        new("Final delegation TTL", $"{answers.FinalDelegationTtlSeconds} s", "Asked for at completion where the registrar allows it (24 h, as the runbook suggests)."),
        new("Restore record TTLs at completion", answers.RestoreTtlsAtCompletion ? "yes" : "no", "Otherwise the records keep the target TTL."),
        new("DNSSEC", answers.Dnssec.ToString(), "When Route 53 starts signing: after the migration unless the plan says otherwise."),
        new("AWS account", answers.AwsAccount, "The account whose Route 53 the new hosted zone is created in."),
    ];

    public static IReadOnlyList<PlanDefault> SafetyLimits(SafetyPolicy policy) =>
    [
        new("Updates", $"at most {policy.MaxUpdateFraction:P0} of the existing record sets", "More makes a plan unsafe: cutover refuses it."),
        new("Deletes", $"at most {policy.MaxDeleteFraction:P0} of the existing record sets", "More makes a plan unsafe: cutover refuses it."),
        new("Small zones", $"fewer than {policy.MinExistingSets} sets skip the percentages", "A handful of changes is not a mass change."),
        new("Apex NS and SOA", "never changed by a record plan", "Who answers for the zone changes only through the delegation step."),
    ];
}
