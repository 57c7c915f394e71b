namespace Migrator.Core.Auditing;

/// <summary>The action names written to the audit log; stable strings because people search for them.</summary>
public static class AuditActions
{
    public const string SignInSucceeded = "sign-in succeeded";
    public const string SignInFailed = "sign-in failed";
    public const string SignedOut = "signed out";
    public const string UserCreated = "user created";
    public const string FirstAdministratorCreated = "first administrator created";
    public const string MigrationDrafted = "migration drafted";
    public const string HeartbeatScheduled = "heartbeat scheduled";
    public const string ScheduledJobRan = "scheduled job ran";
    public const string ApiTokenCreated = "api token created";
    public const string ApiTokenRevoked = "api token revoked";
    public const string ApiTokenRefused = "api token refused";
    public const string ApiTokenCall = "api token call";
    public const string UserDisabled = "user disabled";
    public const string UserEnabled = "user enabled";
    public const string SessionsEnded = "sessions ended";
    public const string RoleChanged = "role changed";
    public const string SettingsChanged = "settings changed";

    /// <summary>The actor for events no person caused (startup, background jobs).</summary>
    public const string SystemActor = "system";

    /// <summary>The actor for failed sign-ins whose typed e-mail matches no account (the text itself is never stored).</summary>
    public const string AnonymousActor = "(anonymous)";
}
