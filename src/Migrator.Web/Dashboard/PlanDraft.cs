using System.Globalization;
using Migrator.Core.Migrations;

namespace Migrator.Web.Dashboard;

/// <summary>One automated updater as typed into the form (both fields may still be empty while editing).</summary>
public sealed class UpdaterRow
{
    public string Name { get; set; } = "";
    public string Owner { get; set; } = "";

    /// <summary>Record names it changes (relative to the zone or absolute), separated by commas: they limit its IAM policy.</summary>
    public string Records { get; set; } = "";

    /// <summary>Record types it changes, separated by commas.</summary>
    public string Types { get; set; } = "";
}

/// <summary>
/// The plan form's editable state: the runbook's questions and the adapters chosen, as a person types them. Built from
/// stored or default <see cref="MigrationPlanAnswers"/> and turned back into answers by <see cref="ToAnswers"/>; the
/// workflow validates the result (the form does not keep a second set of rules). Lists are typed one item per line
/// or separated by commas. The window is entered in the viewer's time zone and stored in UTC.
/// </summary>
public sealed class PlanDraft
{
    public const string WindowFormat = "yyyy-MM-ddTHH:mm";

    public bool QueryLogging { get; set; }
    public string? LogGroup { get; set; }
    public int RetentionDays { get; set; } = 365;
    public string Readers { get; set; } = "";
    public string? KmsKey { get; set; }
    public DnssecTiming Dnssec { get; set; } = DnssecTiming.AfterMigration;
    /// <summary>The KMS key Route 53's key-signing key is made from (see <see cref="MigrationPlanAnswers.DnssecKmsKeyArn"/>).</summary>
    public string? DnssecKmsKeyArn { get; set; }
    public List<UpdaterRow> Updaters { get; } = [];
    public string ConsoleAccess { get; set; } = "";

    public ZoneSourceKind SourceKind { get; set; } = ZoneSourceKind.Upload;
    public string? AxfrServer { get; set; }
    public string? SourceKey { get; set; }
    public ZoneWriterKind WriterKind { get; set; } = ZoneWriterKind.Manual;
    public string? WriterServer { get; set; }
    public string? WriterKey { get; set; }
    public DelegationChangerKind DelegationKind { get; set; } = DelegationChangerKind.Manual;
    public string? ParentZone { get; set; }
    public string? ParentPrimary { get; set; }
    public string? DelegationKey { get; set; }
    public string ParentServers { get; set; } = "";
    public string? RegistrarContact { get; set; }
    public string OldServers { get; set; } = "";
    /// <summary>Recursive resolvers propagation is measured with (IP[:port]).</summary>
    public string Resolvers { get; set; } = "";

    public string AwsAccount { get; set; } = "sandbox";
    public int TargetTtlSeconds { get; set; } = 300;
    public int IspTtlFloorSeconds { get; set; }
    public int FinalDelegationTtlSeconds { get; set; } = 86400;
    public bool RestoreTtlsAtCompletion { get; set; } = true;

    public bool HasWindow { get; set; }
    /// <summary>Local date and time in <see cref="WindowFormat"/> (what an HTML datetime-local input holds).</summary>
    public string? WindowOpens { get; set; }
    public string? WindowCloses { get; set; }

    public static PlanDraft From(MigrationPlanAnswers a, TimeZoneInfo? viewer)
    {
        var d = new PlanDraft
        {
            QueryLogging = a.QueryLogging.Enabled,
            LogGroup = a.QueryLogging.LogGroup,
            RetentionDays = a.QueryLogging.RetentionDays,
            Readers = Join(a.QueryLogging.Readers ?? []),
            KmsKey = a.QueryLogging.KmsKey,
            Dnssec = a.Dnssec,
            DnssecKmsKeyArn = a.DnssecKmsKeyArn,
            ConsoleAccess = Join(a.ConsoleAccess),
            SourceKind = a.Source.Kind,
            AxfrServer = a.Source.AxfrServer,
            SourceKey = a.Source.TsigKeyName,
            WriterKind = a.Writer.Kind,
            WriterServer = a.Writer.Server,
            WriterKey = a.Writer.TsigKeyName,
            DelegationKind = a.Delegation.Kind,
            ParentZone = a.Delegation.ParentZone,
            ParentPrimary = a.Delegation.ParentPrimary,
            DelegationKey = a.Delegation.TsigKeyName,
            ParentServers = Join(a.Delegation.ParentServers ?? []),
            RegistrarContact = a.Delegation.RegistrarContact,
            OldServers = Join(a.OldServers),
            Resolvers = Join(a.Resolvers),
            AwsAccount = a.AwsAccount,
            TargetTtlSeconds = (int)a.TargetTtlSeconds,
            IspTtlFloorSeconds = (int)a.IspTtlFloorSeconds,
            FinalDelegationTtlSeconds = (int)a.FinalDelegationTtlSeconds,
            RestoreTtlsAtCompletion = a.RestoreTtlsAtCompletion,
            HasWindow = a.Window is not null,
            WindowOpens = a.Window is { } w ? ToLocal(w.Opens, viewer) : null,
            WindowCloses = a.Window is { } w2 ? ToLocal(w2.Closes, viewer) : null,
        };
        d.Updaters.AddRange(a.Updaters.Select(u => new UpdaterRow
        {
            Name = u.Name, Owner = u.Owner, Records = string.Join(", ", u.Records ?? []), Types = string.Join(", ", u.Types ?? []),
        }));
        return d;
    }

    public void AddUpdater() => Updaters.Add(new UpdaterRow());

    public void RemoveUpdater(UpdaterRow row) => Updaters.Remove(row);

    /// <summary>
    /// The answers this form holds, or the problems that stop it from being read at all (a window that is not a date).
    /// Everything else (missing servers, an updater without an owner) is for <see cref="MigrationPlanAnswers.Validate"/>.
    /// Blank updater rows are dropped: an added-but-unused row is not an updater.
    /// </summary>
    public (MigrationPlanAnswers? Answers, IReadOnlyList<string> Problems) ToAnswers(TimeZoneInfo? viewer)
    {
        var problems = new List<string>();
        CutoverWindow? window = null;
        if (HasWindow)
        {
            var opens = FromLocal(WindowOpens, viewer);
            var closes = FromLocal(WindowCloses, viewer);
            if (opens is null) problems.Add("the window's opening time is not a date and time");
            if (closes is null) problems.Add("the window's closing time is not a date and time");
            if (opens is { } o && closes is { } c) window = new CutoverWindow(o, c);
        }
        if (TargetTtlSeconds < 0 || IspTtlFloorSeconds < 0 || FinalDelegationTtlSeconds < 0) problems.Add("TTLs cannot be negative");
        if (problems.Count > 0) return (null, problems);

        var answers = new MigrationPlanAnswers
        {
            QueryLogging = new QueryLoggingAnswer(QueryLogging, Blank(LogGroup), RetentionDays, OrNull(Split(Readers)), Blank(KmsKey)),
            Dnssec = Dnssec,
            DnssecKmsKeyArn = Blank(DnssecKmsKeyArn),
            Updaters = Updaters.Where(u => !string.IsNullOrWhiteSpace(u.Name) || !string.IsNullOrWhiteSpace(u.Owner))
                .Select(u => new AutomatedUpdater(u.Name.Trim(), u.Owner.Trim(), OrNull(Split(u.Records)), OrNull(Split(u.Types)))).ToList(),
            ConsoleAccess = Split(ConsoleAccess),
            Source = new ZoneSourceChoice(SourceKind, SourceKind == ZoneSourceKind.Axfr ? Blank(AxfrServer) : null, SourceKind == ZoneSourceKind.Axfr ? Blank(SourceKey) : null),
            Writer = new ZoneWriterChoice(WriterKind, WriterKind == ZoneWriterKind.Rfc2136 ? Blank(WriterServer) : null, WriterKind == ZoneWriterKind.Rfc2136 ? Blank(WriterKey) : null),
            Delegation = new DelegationChangerChoice(DelegationKind,
                Blank(ParentZone),
                DelegationKind == DelegationChangerKind.Rfc2136Parent ? Blank(ParentPrimary) : null,
                DelegationKind == DelegationChangerKind.Rfc2136Parent ? Blank(DelegationKey) : null,
                OrNull(Split(ParentServers)),
                DelegationKind == DelegationChangerKind.Manual ? Blank(RegistrarContact) : null),
            OldServers = Split(OldServers),
            Resolvers = Split(Resolvers),
            AwsAccount = AwsAccount.Trim(),
            TargetTtlSeconds = (uint)TargetTtlSeconds,
            IspTtlFloorSeconds = (uint)IspTtlFloorSeconds,
            FinalDelegationTtlSeconds = (uint)FinalDelegationTtlSeconds,
            RestoreTtlsAtCompletion = RestoreTtlsAtCompletion,
            Window = window,
        };
        return (answers, []);
    }

    /// <summary>"a, b\nc" → [a, b, c]; blanks and surrounding spaces dropped, order kept, duplicates removed.</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split([',', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static IReadOnlyList<string>? OrNull(IReadOnlyList<string> items) => items.Count == 0 ? null : items;

    private static string Join(IEnumerable<string> items) => string.Join(", ", items);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static string ToLocal(DateTimeOffset at, TimeZoneInfo? viewer) =>
        (viewer is null ? at.ToUniversalTime() : TimeZoneInfo.ConvertTime(at, viewer)).ToString(WindowFormat, CultureInfo.InvariantCulture);

    /// <summary>A datetime-local value read in the viewer's zone (UTC when unknown); null when it is not one.</summary>
    public static DateTimeOffset? FromLocal(string? text, TimeZoneInfo? viewer)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateTime.TryParseExact(text.Trim(), [WindowFormat, WindowFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var zone = viewer ?? TimeZoneInfo.Utc;
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddHours(1); // inside a spring-forward gap: the first valid minute after it
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified)).ToUniversalTime();
    }
}
