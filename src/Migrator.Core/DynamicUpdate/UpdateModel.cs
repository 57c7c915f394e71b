using System.Text.Json.Serialization;
using Migrator.Core.Zones;

namespace Migrator.Core.DynamicUpdate;

/// <summary>An RFC 2136 §2.4 prerequisite.</summary>
public abstract record UpdatePrerequisite
{
    private UpdatePrerequisite() { }
    /// <summary>"RRset exists (value dependent)": the set holds exactly these values — the compare of compare-and-set.</summary>
    public sealed record RecordSetEquals(RecordSet Expected) : UpdatePrerequisite;
    /// <summary>"RRset exists (value independent)".</summary>
    public sealed record RecordSetExists(DomainName Name, RecordType Type) : UpdatePrerequisite;
    /// <summary>"RRset does not exist".</summary>
    public sealed record RecordSetAbsent(DomainName Name, RecordType Type) : UpdatePrerequisite;
    public sealed record NameInUse(DomainName Name) : UpdatePrerequisite;
    public sealed record NameNotInUse(DomainName Name) : UpdatePrerequisite;
}

/// <summary>An RFC 2136 §2.5 update operation.</summary>
public abstract record UpdateOperation
{
    private UpdateOperation() { }
    /// <summary>Delete the RRset, then add these values (one message: atomic at the server).</summary>
    public sealed record ReplaceRecordSet(RecordSet Set) : UpdateOperation;
    public sealed record DeleteRecordSet(DomainName Name, RecordType Type) : UpdateOperation;
    public sealed record AddRecord(ResourceRecord Record) : UpdateOperation;
    public sealed record DeleteRecord(ResourceRecord Record) : UpdateOperation;
}

[JsonConverter(typeof(JsonStringEnumConverter<DynamicUpdateStatus>))]
public enum DynamicUpdateStatus
{
    Applied,
    /// <summary>YXDOMAIN, NXDOMAIN, YXRRSET or NXRRSET: a prerequisite did not hold, nothing was changed.</summary>
    PrerequisiteFailed,
    /// <summary>NOTAUTH (the server is not primary for the zone, or TSIG failed: BADSIG, BADKEY, BADTIME).</summary>
    NotAuthorized,
    Refused,
    NotZone,
    ServerFailure,
    Timeout,
    Failed,
}

/// <summary>The server's verdict on one update message. Invariant: the message never contains a TSIG secret.</summary>
public sealed record DynamicUpdateResult(DynamicUpdateStatus Status, string? ResponseCode, string Message)
{
    public bool Applied => Status == DynamicUpdateStatus.Applied;
    public override string ToString() => $"{Status} ({ResponseCode ?? "no response"}): {Message}";
}
