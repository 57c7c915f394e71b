using Migrator.Core.Zones;

namespace Migrator.Core.Ports;

/// <summary>Reads the current (old) zone: a BIND zone file, AXFR, or a live scan.</summary>
public interface IZoneSource
{
    /// <summary>Human-readable description for audit and UI ("AXFR from 192.0.2.1:53", "upload db.example.com").</summary>
    string Description { get; }

    /// <summary>All records of the zone. Expected failures (syntax errors, refused transfers) are in the result, not thrown.</summary>
    Task<ZoneReadResult> ReadAsync(DomainName zone, CancellationToken cancellationToken);
}

/// <summary>A problem found while reading a zone, with its position when there is one.</summary>
public sealed record ZoneReadDiagnostic(string Message, string? File = null, int Line = 0, int Column = 0, bool IsError = true)
{
    public override string ToString() =>
        File is null ? Message : Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>Records read and every diagnostic; <see cref="Succeeded"/> is false when any diagnostic is an error.</summary>
public sealed record ZoneReadResult(IReadOnlyList<ResourceRecord> Records, IReadOnlyList<ZoneReadDiagnostic> Diagnostics)
{
    public bool Succeeded => Diagnostics.All(d => !d.IsError);
}

/// <summary>Changes the old provider's zone (lower TTLs, canary, dual-write): RFC 2136 or manual.</summary>
public interface IZoneWriter
{
    string Description { get; }

    /// <summary>Replaces each given RRset (delete the set, add the new values) atomically where the adapter can.</summary>
    Task<ZoneWriteResult> ReplaceRecordSetsAsync(DomainName zone, IReadOnlyList<RecordSet> sets, CancellationToken cancellationToken);
}

public sealed record ZoneWriteResult(bool Applied, string Message);
