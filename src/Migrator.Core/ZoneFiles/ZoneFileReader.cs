using System.Text;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>
/// Reads RFC 1035 §5 master files with BIND 9's rules ($ORIGIN, $TTL, $INCLUDE, $GENERATE, inherited owner/TTL,
/// class IN only). Streams: only the current logical line is held. Every error is reported with file, line and
/// column; reading resumes at the next line.
/// </summary>
public static class ZoneFileReader
{
    /// <summary>Streams records and diagnostics of the file at <paramref name="path"/>.</summary>
    public static IEnumerable<ZoneFileEntry> ReadEntries(string path, DomainName origin, ZoneFileReaderOptions? options = null) =>
        new ZoneFileParser(origin, options ?? ZoneFileReaderOptions.Default).ReadFile(path);

    /// <summary>Streams records and diagnostics from text (an upload); <paramref name="displayName"/> is used in positions.</summary>
    public static IEnumerable<ZoneFileEntry> ReadEntries(TextReader reader, string displayName, DomainName origin, ZoneFileReaderOptions? options = null) =>
        new ZoneFileParser(origin, options ?? ZoneFileReaderOptions.Default).ReadText(reader, displayName, baseDirectory: null);

    /// <summary>Reads the whole zone as BIND loads it (RRset TTLs unified, exact duplicates dropped), with every diagnostic.</summary>
    public static ZoneReadResult Read(string path, DomainName origin, ZoneFileReaderOptions? options = null) =>
        ZoneAssembler.Assemble(ReadEntries(path, origin, options), origin, path, ZoneAssembler.ExpectedRecords(LengthOf(path)));

    private static long LengthOf(string path)
    {
        try { return new FileInfo(path).Length; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { return 0; }
    }

    public static ZoneReadResult Read(TextReader reader, string displayName, DomainName origin, ZoneFileReaderOptions? options = null) =>
        ZoneAssembler.Assemble(ReadEntries(reader, displayName, origin, options), origin, displayName);

    /// <summary>Applies BIND's load rules to streamed entries (e.g. ones whose file names were rewritten).</summary>
    public static ZoneReadResult Assemble(IEnumerable<ZoneFileEntry> entries, DomainName origin) =>
        ZoneAssembler.Assemble(entries, origin, "zone");

    /// <summary>As <see cref="Assemble(IEnumerable{ZoneFileEntry}, DomainName)"/>; <paramref name="fileName"/> names an empty zone's error.</summary>
    public static ZoneReadResult Assemble(IEnumerable<ZoneFileEntry> entries, DomainName origin, string fileName) =>
        ZoneAssembler.Assemble(entries, origin, fileName);

    /// <summary>Reads from a stream (UTF-8 or Latin-1 bytes are taken as they are); the stream is left open.</summary>
    public static ZoneReadResult Read(Stream stream, string displayName, DomainName origin, ZoneFileReaderOptions? options = null)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 65536, leaveOpen: true);
        return Read(reader, displayName, origin, options);
    }
}
