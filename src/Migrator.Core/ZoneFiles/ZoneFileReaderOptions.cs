using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>How a zone file is read. Defaults are the safe ones for untrusted uploads ($INCLUDE refused).</summary>
public sealed record ZoneFileReaderOptions
{
    public static readonly ZoneFileReaderOptions Default = new();

    /// <summary>Follow <c>$INCLUDE</c> (relative paths from the including file's directory). Off for web uploads.</summary>
    public bool AllowInclude { get; init; }

    /// <summary>Nesting limit for <c>$INCLUDE</c> (loops are refused).</summary>
    public int MaxIncludeDepth { get; init; } = 16;

    /// <summary>Stop after this many errors (one more error says so).</summary>
    public int MaxErrors { get; init; } = 1000;

    /// <summary>Largest number of records one <c>$GENERATE</c> may produce.</summary>
    public int MaxGeneratedRecords { get; init; } = 1_000_000;

    /// <summary>TTL used when the file gives none (no $TTL, no explicit TTL, no SOA before). Null: BIND's error.</summary>
    public Ttl? DefaultTtl { get; init; }
}
