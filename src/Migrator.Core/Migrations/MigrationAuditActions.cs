namespace Migrator.Core.Migrations;

/// <summary>Audit action names of the migration workflow; stable strings because people search for them.</summary>
public static class MigrationAuditActions
{
    public const string Transition = "migration transition";
    public const string PlanChanged = "migration plan changed";
    public const string ZoneUploaded = "migration zone uploaded";
    public const string FindingAccepted = "migration finding accepted";
    public const string UpdaterTicked = "migration updater ticked";
    public const string ManualStepConfirmed = "migration manual step confirmed";
    public const string ApprovalRequested = "migration approval requested";
    public const string Rejected = "migration approval rejected";
    public const string ApprovalWithdrawn = "migration approval request withdrawn";
    public const string DriftAccepted = "migration drift accepted";
    public const string SnapshotSaved = "migration delegation snapshot saved";
    public const string SnapshotRetired = "migration delegation snapshot retired";
    public const string StepBlocked = "migration step blocked";
    public const string DnssecTurnedOff = "migration dnssec turned off";
    public const string DnssecTurnedOn = "migration dnssec turned on";
    public const string DnssecChanged = "migration dnssec changed";
    public const string AdviceProposed = "migration security records proposed";
    public const string AdviceApproved = "migration security records approved";
    public const string AdviceApplied = "migration security records applied";
}
