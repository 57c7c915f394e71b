using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>A place in a zone file. Invariant: Line and Column are 1-based when known, 0 when not.</summary>
public readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>One item streamed by <see cref="ZoneFileReader"/>: a record or a diagnostic, in file order.</summary>
public abstract record ZoneFileEntry(SourcePosition Position);

/// <summary>
/// A record as read, with where its owner (or its first token when the owner is inherited) stands.
/// Its TTL already follows BIND's rule for consecutive lines of one owner (the first TTL of the RRset wins).
/// </summary>
public sealed record ZoneFileRecordEntry(ResourceRecord Record, SourcePosition Position) : ZoneFileEntry(Position);

/// <summary>An error or warning with its position (also present in <see cref="Diagnostic"/>).</summary>
public sealed record ZoneFileDiagnosticEntry(ZoneReadDiagnostic Diagnostic, SourcePosition Position) : ZoneFileEntry(Position);
