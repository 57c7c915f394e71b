using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations;
using Migrator.Core.Probing;
using Migrator.Web.Access;

namespace Migrator.Web.Settings;

/// <summary>
/// What a new plan starts with: the time policy (target TTL, ISP floor, final delegation TTL), DNSSEC timing, the AWS
/// account and the probe resolver set. An Operator can still change each value per plan. Invariant: a value the store
/// returns passed <see cref="Validate"/> when it was saved.
/// </summary>
public sealed record NewPlanDefaults(uint TargetTtlSeconds, uint IspTtlFloorSeconds, uint FinalDelegationTtlSeconds, bool RestoreTtlsAtCompletion,
    DnssecTiming Dnssec, string AwsAccount, IReadOnlyList<string> Resolvers)
{
    public static NewPlanDefaults From(MigrationPlanAnswers a) =>
        new(a.TargetTtlSeconds, a.IspTtlFloorSeconds, a.FinalDelegationTtlSeconds, a.RestoreTtlsAtCompletion, a.Dnssec, a.AwsAccount, a.Resolvers);

    public MigrationPlanAnswers ApplyTo(MigrationPlanAnswers a) => a with
    {
        TargetTtlSeconds = TargetTtlSeconds, IspTtlFloorSeconds = IspTtlFloorSeconds, FinalDelegationTtlSeconds = FinalDelegationTtlSeconds,
        RestoreTtlsAtCompletion = RestoreTtlsAtCompletion, Dnssec = Dnssec, AwsAccount = AwsAccount, Resolvers = Resolvers,
    };

    /// <summary>Every problem in words; empty when the defaults can be saved. The limits are the plan's own (a default must make a valid plan).</summary>
    public IReadOnlyList<string> Validate(IReadOnlyCollection<string> accountNames)
    {
        var errors = new List<string>();
        if (TargetTtlSeconds is < 1 or > 86400) errors.Add("the target TTL must be 1–86400 s");
        if (IspTtlFloorSeconds > 7 * 86400) errors.Add("the ISP TTL floor must be at most a week (604800 s)");
        if (FinalDelegationTtlSeconds is < 1 or > 172800) errors.Add("the final delegation TTL must be 1–172800 s");
        if (string.IsNullOrWhiteSpace(AwsAccount)) errors.Add("an AWS account is required");
        else if (accountNames.Count > 0 && !accountNames.Contains(AwsAccount, StringComparer.OrdinalIgnoreCase))
            errors.Add($"no AWS account is named '{AwsAccount}' (configured: {string.Join(", ", accountNames)})");
        foreach (var r in Resolvers.Where(r => !DnsEndpoint.TryParse(r, out _))) errors.Add($"resolver '{r}' is not IP[:PORT]");
        if (Resolvers.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Resolvers.Count) errors.Add("a resolver is listed twice");
        return errors;
    }

    /// <summary>What changed, in words, for the audit log ("target TTL 300 → 120 s; resolvers 10.0.0.1 → none").</summary>
    public string ChangesFrom(NewPlanDefaults before)
    {
        var changes = new List<string>();
        void Add<T>(string what, T was, T now, string unit = "")
        {
            if (!EqualityComparer<T>.Default.Equals(was, now)) changes.Add($"{what} {was}{unit} → {now}{unit}");
        }
        Add("target TTL", before.TargetTtlSeconds, TargetTtlSeconds, " s");
        Add("ISP TTL floor", before.IspTtlFloorSeconds, IspTtlFloorSeconds, " s");
        Add("final delegation TTL", before.FinalDelegationTtlSeconds, FinalDelegationTtlSeconds, " s");
        Add("restore TTLs at completion", before.RestoreTtlsAtCompletion, RestoreTtlsAtCompletion);
        Add("DNSSEC", before.Dnssec, Dnssec);
        Add("AWS account", before.AwsAccount, AwsAccount);
        Add("probe resolvers", List(before.Resolvers), List(Resolvers));
        return changes.Count == 0 ? "nothing changed" : string.Join("; ", changes);
        static string List(IReadOnlyList<string> r) => r.Count == 0 ? "none" : string.Join(", ", r);
    }
}

/// <summary>The outcome of saving the defaults: saved, or refused with the reasons.</summary>
public sealed record SettingsSaveResult(bool Saved, IReadOnlyList<string> Errors, string Message);

/// <summary>
/// Keeps <see cref="NewPlanDefaults"/> in the data directory (settings/new-plan-defaults.json, written whole and moved
/// into place, so a reader never sees half a file). Only Admins save; every save is audited with what changed.
/// </summary>
public sealed class NewPlanDefaultsStore(IOptions<MigratorOptions> options, AuditLog audit)
{
    private static readonly JsonSerializerOptions Json = new(MigrationPlanAnswers.Json) { WriteIndented = true };
    private readonly SemaphoreSlim _writing = new(1, 1);

    private string FilePath => Path.Combine(options.Value.DataDirectory!, "settings", "new-plan-defaults.json");

    /// <summary>The saved defaults, or a new plan's built-in values when none were saved.</summary>
    public NewPlanDefaults Current
    {
        get
        {
            var path = FilePath;
            if (!File.Exists(path)) return NewPlanDefaults.From(new MigrationPlanAnswers());
            return JsonSerializer.Deserialize<NewPlanDefaults>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} holds no settings; delete it to go back to the built-in defaults");
        }
    }

    /// <summary>A new plan's answers with the saved defaults applied.</summary>
    public MigrationPlanAnswers NewPlan() => Current.ApplyTo(new MigrationPlanAnswers());

    public async Task<SettingsSaveResult> SaveAsync(NewPlanDefaults next, ClaimsPrincipal user, IReadOnlyCollection<string> accountNames, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (!user.IsInRole(MigratorRoles.Admin)) return new(false, ["only Admins change settings"], "Only Admins change settings.");
        var cleaned = next with { AwsAccount = next.AwsAccount.Trim(), Resolvers = next.Resolvers.Select(r => r.Trim()).Where(r => r.Length > 0).ToList() };
        var errors = cleaned.Validate(accountNames);
        if (errors.Count > 0) return new(false, errors, "Not saved: " + string.Join("; ", errors) + ".");
        await _writing.WaitAsync(ct);
        try
        {
            var before = Current;
            var changes = cleaned.ChangesFrom(before);
            var path = FilePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".new";
            await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(cleaned, Json), ct);
            File.Move(temp, path, overwrite: true);
            await audit.RecordAsync(user.Identity?.Name ?? AuditActions.AnonymousActor, AuditActions.SettingsChanged, "settings:new-plan-defaults", changes, ct);
            return new(true, [], $"Saved: {changes}. New plans start with these values; existing plans keep theirs.");
        }
        finally
        {
            _writing.Release();
        }
    }
}
