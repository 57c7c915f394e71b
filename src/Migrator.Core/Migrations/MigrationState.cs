namespace Migrator.Core.Migrations;

/// <summary>The lifecycle of one zone migration (DESIGN.md); past tense: each names what has already happened.</summary>
public enum MigrationState
{
    Drafted,
    Planned,
    Inventoried,
    Rehearsed,
    TtlLowered,
    Waited,
    Approved,
    CutOver,
    Verified,
    Soaked,
    Completed,
    Decommissioned,
    RolledBack,
    Abandoned,
}
