using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Migrator.Core.Ports;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.ZoneFiles;

/// <summary>
/// The master-file state machine: directives, owner/TTL/class inheritance and BIND's TTL rules.
/// One instance reads one zone (the top file and its includes).
/// </summary>
internal sealed class ZoneFileParser(DomainName zoneOrigin, ZoneFileReaderOptions options)
{
    private DomainName? _owner;          // last owner written or inherited (absolute)
    private Ttl _ttl;                    // TTL of the last record
    private bool _ttlKnown;
    private Ttl _defaultTtl;             // from $TTL (or SOA minimum when nothing else was known)
    private bool _defaultTtlKnown;
    private bool _warned1035;
    private bool _originJustChanged;     // BIND warns when the next record inherits its owner across a new $ORIGIN
    private int _errors;
    private bool _stopped;

    // BIND's master loader keeps a list of RRsets for the current owner; a later record of the same set takes the
    // TTL of the first one (with a warning). The list is reset when the owner changes (case-sensitively, as BIND does).
    private DomainName? _chunkOwner;
    private readonly Dictionary<int, Ttl> _chunkTtls = new(); // type, and for RRSIG the covered type in the high bits
    private readonly TokenSlice _slice = new();

    /// <summary>Positions name the file as <paramref name="path"/> was given; includes are relative to its directory.</summary>
    public IEnumerable<ZoneFileEntry> ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        return ReadFileCore(full, Path.GetDirectoryName(full), path, zoneOrigin, depth: 0, includeStack: [full]);
    }

    private IEnumerable<ZoneFileEntry> ReadFileCore(string fullPath, string? baseDir, string display, DomainName origin, int depth, List<string> includeStack)
    {
        StreamReader? reader = null;
        string? openError = null;
        try
        {
            reader = new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
                new FileStreamOptions { Access = FileAccess.Read, BufferSize = 65536, Options = FileOptions.SequentialScan });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            openError = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot open: {ex.Message}";
        }
        if (reader is null)
        {
            yield return Error(new SourcePosition(display, 1, 1), openError!);
            yield break;
        }
        using (reader)
        {
            foreach (var e in ReadCore(reader, display, baseDir, origin, depth, includeStack)) yield return e;
        }
    }

    public IEnumerable<ZoneFileEntry> ReadText(TextReader reader, string display, string? baseDirectory) =>
        ReadCore(reader, display, baseDirectory, zoneOrigin, 0, []);

    private IEnumerable<ZoneFileEntry> ReadCore(TextReader reader, string file, string? baseDir, DomainName startOrigin, int depth, List<string> includeStack)
    {
        var lexer = new ZoneLexer(reader);
        var line = new LogicalLine();
        var origin = startOrigin;
        var output = new List<ZoneFileEntry>(4);
        while (!_stopped && lexer.ReadLine(line))
        {
            output.Clear();
            if (line.Error is not null)
            {
                output.Add(Error(new SourcePosition(file, line.ErrorLine, line.ErrorColumn), line.Error));
            }
            else if (line.Tokens.Count > 0)
            {
                var first = line.Tokens[0];
                if (!line.LeadingWhitespace && !first.Quoted && first.Text.StartsWith('$'))
                {
                    var name = first.Text.ToUpperInvariant();
                    if (name == "$INCLUDE")
                    {
                        foreach (var e in Include(line, file, baseDir, origin, depth, includeStack)) yield return e;
                        continue;
                    }
                    if (name == "$GENERATE")
                    {
                        foreach (var e in Generate(line, file, origin)) yield return e;
                        continue;
                    }
                    Directive(line, file, ref origin, output);
                }
                else
                {
                    Record(line, file, origin, output);
                }
            }
            foreach (var e in output) yield return e;
        }
    }

    private ZoneFileDiagnosticEntry Error(SourcePosition pos, string message)
    {
        _errors++;
        if (_errors >= options.MaxErrors)
        {
            _stopped = true;
            message += $" (stopping after {options.MaxErrors} errors)";
        }
        return new ZoneFileDiagnosticEntry(new ZoneReadDiagnostic(message, pos.File, Math.Max(1, pos.Line), Math.Max(1, pos.Column)), pos);
    }

    private static ZoneFileDiagnosticEntry Warning(SourcePosition pos, string message) =>
        new(new ZoneReadDiagnostic(message, pos.File, pos.Line, pos.Column, IsError: false), pos);

    private static SourcePosition At(string file, RdataToken t) => new(file, t.Line, Math.Max(1, t.Column));

    // ---- directives ---------------------------------------------------------------------------------------------

    private void Directive(LogicalLine line, string file, ref DomainName origin, List<ZoneFileEntry> output)
    {
        var tokens = line.Tokens;
        var first = tokens[0];
        switch (first.Text.ToUpperInvariant())
        {
            case "$ORIGIN":
                if (tokens.Count != 2) { output.Add(Error(At(file, first), tokens.Count < 2 ? "$ORIGIN needs a domain name" : $"extra input text '{tokens[2].Text}' after $ORIGIN")); return; }
                if (tokens[1].Quoted) { output.Add(Error(At(file, tokens[1]), "$ORIGIN needs an unquoted domain name")); return; }
                if (!DomainName.TryParse(tokens[1].Text, origin, out var o, out var why)) { output.Add(Error(At(file, tokens[1]), why)); return; }
                origin = o;
                _originJustChanged = true;
                return;
            case "$TTL":
                if (tokens.Count != 2) { output.Add(Error(At(file, first), tokens.Count < 2 ? "$TTL needs a TTL" : $"extra input text '{tokens[2].Text}' after $TTL")); return; }
                if (tokens[1].Quoted) { output.Add(Error(At(file, tokens[1]), "$TTL needs an unquoted TTL")); return; }
                if (!TryParseTtl(tokens[1].Text, out var ttl, out var err, out var warn)) { output.Add(Error(At(file, tokens[1]), err)); return; }
                if (warn is not null) output.Add(Warning(At(file, tokens[1]), warn));
                _defaultTtl = ttl; _defaultTtlKnown = true;
                _ttl = ttl; _ttlKnown = true;
                return;
            default:
                output.Add(Error(At(file, first), $"unknown directive '{first.Text}'"));
                return;
        }
    }

    /// <summary>
    /// TTL as BIND reads it in a zone file: up to 2^32−1; values above 2^31−1 become 0 with a warning (RFC 2181 §8),
    /// reported through <paramref name="warning"/>.
    /// </summary>
    private static bool TryParseTtl(string text, out Ttl ttl, out string error, out string? warning)
    {
        ttl = default; warning = null;
        if (!Ttl.TryParseUnbounded(text, out var v)) { error = $"'{text}' is not a valid TTL"; return false; }
        error = "";
        if (v > Ttl.Max) { warning = $"TTL {v} is above the maximum 2147483647; set to 0 as BIND does (RFC 2181 §8)"; v = 0; }
        ttl = new Ttl(v);
        return true;
    }

    private IEnumerable<ZoneFileEntry> Include(LogicalLine line, string file, string? baseDir, DomainName origin, int depth, List<string> includeStack)
    {
        var tokens = line.Tokens;
        var first = tokens[0];
        if (!options.AllowInclude) { yield return Error(At(file, first), "$INCLUDE is not allowed here (uploads must be a single file)"); yield break; }
        if (tokens.Count is < 2 or > 3) { yield return Error(At(file, first), tokens.Count < 2 ? "$INCLUDE needs a file name" : $"extra input text '{tokens[3].Text}' after $INCLUDE"); yield break; }
        if (!CharacterStrings.TryUnescape(tokens[1].Text, EscapeBase.Decimal, out var nameBytes, out var why)) { yield return Error(At(file, tokens[1]), why); yield break; }
        var includeOrigin = origin;
        if (tokens.Count == 3)
        {
            if (tokens[2].Quoted || !DomainName.TryParse(tokens[2].Text, origin, out includeOrigin, out why))
            { yield return Error(At(file, tokens[2]), tokens[2].Quoted ? "$INCLUDE origin must be an unquoted domain name" : why); yield break; }
        }
        if (depth + 1 > options.MaxIncludeDepth) { yield return Error(At(file, first), $"$INCLUDE nested deeper than {options.MaxIncludeDepth}"); yield break; }
        var name = Encoding.UTF8.GetString(nameBytes);
        string full;
        try { full = Path.GetFullPath(Path.IsPathRooted(name) ? name : Path.Combine(baseDir ?? Directory.GetCurrentDirectory(), name)); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        { full = ""; why = ex.Message; }
        if (full.Length == 0) { yield return Error(At(file, tokens[1]), $"bad $INCLUDE file name: {why}"); yield break; }
        if (includeStack.Contains(full)) { yield return Error(At(file, tokens[1]), $"$INCLUDE loop: '{name}' is already being read"); yield break; }
        if (!File.Exists(full)) { yield return Error(At(file, tokens[1]), $"$INCLUDE file '{name}' not found"); yield break; }
        includeStack.Add(full);
        // BIND: the included file starts with the given (or current) origin and inherits the current owner; afterwards
        // the including file's owner is back, and the RRsets read so far are committed (no first-TTL rule across).
        var savedOwner = _owner;
        _chunkOwner = null;
        foreach (var e in ReadFileCore(full, Path.GetDirectoryName(full), name, includeOrigin, depth + 1, includeStack)) yield return e;
        includeStack.RemoveAt(includeStack.Count - 1);
        _owner = savedOwner;
        _chunkOwner = null;
    }

    // ---- records ------------------------------------------------------------------------------------------------

    private void Record(LogicalLine line, string file, DomainName origin, List<ZoneFileEntry> output)
    {
        var tokens = line.Tokens;
        var i = 0;
        DomainName owner;
        var originJustChanged = _originJustChanged;
        _originJustChanged = false;
        SourcePosition pos;
        if (line.LeadingWhitespace)
        {
            pos = At(file, tokens[0]);
            if (_owner is null) { output.Add(Error(pos, "no current owner name (the first record must name its owner)")); return; }
            owner = _owner;
            if (originJustChanged)
                output.Add(Warning(pos, $"record with inherited owner ({owner}) immediately after $ORIGIN ({origin}): the owner is not relative to the new origin"));
        }
        else
        {
            var t = tokens[0];
            pos = At(file, t);
            if (t.Quoted) { output.Add(Error(pos, $"quoted text \"{t.Text}\" where an owner name is expected")); return; }
            if (!DomainName.TryParse(t.Text, origin, out owner, out var why)) { output.Add(Error(pos, why)); return; }
            _owner = owner;
            i = 1;
        }

        Ttl? explicitTtl = null;
        var sawClass = false;
        RecordType type = default;
        var typeFound = false;
        for (; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Quoted) break;
            if (explicitTtl is null && t.Text.Length > 0 && char.IsAsciiDigit(t.Text[0]))
            {
                if (!TryParseTtl(t.Text, out var ttl, out var err, out var warn))
                {
                    if (RecordType.TryParse(t.Text, out _)) break;
                    output.Add(Error(At(file, t), err)); return;
                }
                explicitTtl = ttl;
                if (warn is not null) output.Add(Warning(At(file, t), warn));
                continue;
            }
            if (!sawClass && IsClass(t.Text, out var isIn))
            {
                if (!isIn) { output.Add(Error(At(file, t), $"class '{t.Text}' is not supported: only IN zones are read")); return; }
                sawClass = true;
                continue;
            }
            break;
        }
        if (i >= tokens.Count) { output.Add(Error(At(file, tokens[^1]), "record has no type")); return; }
        var typeToken = tokens[i];
        if (typeToken.Quoted || !RecordType.TryParse(typeToken.Text, out type))
        { output.Add(Error(At(file, typeToken), $"unknown RR type '{typeToken.Text}'")); return; }
        typeFound = true;
        i++;

        var rdataTokens = _slice.Reset(tokens, i);
        if (!RdataFormat.TryParse(type, rdataTokens, origin, out var rdata, out var rdError, out var errIndex))
        {
            var where = errIndex >= 0 && errIndex < rdataTokens.Count ? At(file, rdataTokens[errIndex])
                : rdataTokens.Count > 0 ? EndOf(file, rdataTokens[^1]) : EndOf(file, typeToken);
            output.Add(Error(where, $"{type} record: {rdError}"));
            return;
        }
        _ = typeFound;
        // TTL: explicit; else $TTL; else the previous record's (RFC 1035); else the SOA's minimum; else an error.
        Ttl recordTtl;
        if (explicitTtl is { } e) { recordTtl = e; }
        else if (_defaultTtlKnown) { recordTtl = _defaultTtl; }
        else if (type == RecordType.SOA && !_ttlKnown)
        {
            var w = rdata.Wire;
            var min = BinaryPrimitives.ReadUInt32BigEndian(w[^4..]);
            recordTtl = new Ttl(Math.Min(min, Ttl.Max));
            _defaultTtl = recordTtl; _defaultTtlKnown = true;
            output.Add(Warning(pos, "no TTL specified; using the SOA minimum instead"));
        }
        else if (_ttlKnown)
        {
            recordTtl = _ttl;
            if (!_warned1035) { _warned1035 = true; output.Add(Warning(pos, "no TTL specified; using the previous record's TTL (RFC 1035)")); }
        }
        else if (options.DefaultTtl is { } d) { recordTtl = d; }
        else { output.Add(Error(pos, "no TTL specified and no $TTL or earlier TTL to inherit")); return; }
        _ttl = recordTtl; _ttlKnown = true;

        if (!owner.IsSubdomainOf(zoneOrigin))
        {
            output.Add(Warning(pos, $"ignoring out-of-zone data ({owner})"));
            return;
        }

        if (_chunkOwner is null || !owner.EqualsExact(_chunkOwner))
        {
            _chunkOwner = owner;
            _chunkTtls.Clear();
        }
        var setKey = type == RecordType.RRSIG ? type.Code | BinaryPrimitives.ReadUInt16BigEndian(rdata.Wire) << 16 : type.Code;
        if (_chunkTtls.TryGetValue(setKey, out var prior))
        {
            if (prior != recordTtl)
            {
                output.Add(Warning(pos, $"TTL {recordTtl} of this {type} record differs from the RRset's first record; set to prior TTL ({prior})"));
                recordTtl = prior;
            }
        }
        else _chunkTtls[setKey] = recordTtl;

        output.Add(new ZoneFileRecordEntry(new ResourceRecord(owner, type, recordTtl, rdata.ToString()), pos));
    }

    private static SourcePosition EndOf(string file, RdataToken t) =>
        new(file, t.Line, Math.Max(1, t.Column + t.Text.Length + (t.Quoted ? 2 : 0)));

    private static bool IsClass(string text, out bool isIn)
    {
        isIn = false;
        if (text.Equals("IN", StringComparison.OrdinalIgnoreCase) || text.Equals("CLASS1", StringComparison.OrdinalIgnoreCase)) { isIn = true; return true; }
        if (text.Equals("CH", StringComparison.OrdinalIgnoreCase) || text.Equals("HS", StringComparison.OrdinalIgnoreCase)
            || text.Equals("CS", StringComparison.OrdinalIgnoreCase) || text.Equals("NONE", StringComparison.OrdinalIgnoreCase)
            || text.Equals("ANY", StringComparison.OrdinalIgnoreCase)) return true;
        return text.Length > 5 && text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    // ---- $GENERATE ------------------------------------------------------------------------------------------------

    private IEnumerable<ZoneFileEntry> Generate(LogicalLine line, string file, DomainName origin)
    {
        var tokens = line.Tokens;
        var first = tokens[0];
        var pos = At(file, first);
        if (tokens.Count < 4) { yield return Error(pos, "$GENERATE needs a range, an owner pattern, a type and a data pattern"); yield break; }
        if (!TryParseRange(tokens[1].Text, out var start, out var stop, out var step))
        { yield return Error(At(file, tokens[1]), $"bad $GENERATE range '{tokens[1].Text}' (expected start-stop[/step])"); yield break; }
        var lhs = tokens[2];
        var rest = tokens.GetRange(3, tokens.Count - 3);
        var count = (stop - start) / step + 1;
        if (count > options.MaxGeneratedRecords)
        { yield return Error(At(file, tokens[1]), $"$GENERATE would produce {count} records (limit {options.MaxGeneratedRecords})"); yield break; }
        // Validate the patterns once so that a broken modifier is one error, not one per iteration.
        foreach (var p in (RdataToken[])[lhs, rest[^1]])
        {
            if (!GenerateTemplate.TryExpand(p.Text, start, out _, out var why))
            { yield return Error(At(file, p), $"$GENERATE: {why}"); yield break; }
        }
        var output = new List<ZoneFileEntry>(2);
        var synthetic = new LogicalLine();
        // BIND loads generated records on the side: the owner a later line inherits, and the current owner's RRsets
        // (for the first-TTL rule), are those from before the $GENERATE line.
        var savedOwner = _owner;
        var savedChunkOwner = _chunkOwner;
        var savedChunkTtls = new Dictionary<int, Ttl>(_chunkTtls);
        try
        {
        for (long v = start; v <= stop; v += step)
        {
            synthetic.Reset(line.Line);
            GenerateTemplate.TryExpand(lhs.Text, v, out var owner, out _);
            synthetic.Tokens.Add(new RdataToken(owner, false, lhs.Line, lhs.Column));
            for (var k = 0; k < rest.Count; k++)
            {
                var t = rest[k];
                if (k == rest.Count - 1)
                {
                    GenerateTemplate.TryExpand(t.Text, v, out var text, out _);
                    t = t with { Text = text };
                }
                synthetic.Tokens.Add(t);
            }
            output.Clear();
            var errorsBefore = _errors;
            Record(synthetic, file, origin, output);
            foreach (var e in output)
            {
                if (e is ZoneFileDiagnosticEntry { Diagnostic.IsError: true } d)
                    yield return d with { Diagnostic = d.Diagnostic with { Message = $"$GENERATE iteration {v}: {d.Diagnostic.Message}" } };
                else yield return e;
            }
            if (_errors > errorsBefore) yield break; // every iteration would fail the same way
        }
        }
        finally
        {
            _owner = savedOwner;
            _chunkOwner = savedChunkOwner;
            _chunkTtls.Clear();
            foreach (var (k, v) in savedChunkTtls) _chunkTtls[k] = v;
        }
    }

    private static bool TryParseRange(string text, out long start, out long stop, out long step)
    {
        start = stop = 0; step = 1;
        var slash = text.IndexOf('/');
        var range = slash < 0 ? text : text[..slash];
        if (slash >= 0 && (!long.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > int.MaxValue)) return false;
        var dash = range.IndexOf('-');
        if (dash <= 0) return false;
        if (!long.TryParse(range.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out start)) return false;
        if (!long.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out stop)) return false;
        return start <= stop && stop <= int.MaxValue;
    }

    /// <summary>A reusable view of the RDATA tokens of the current line (avoids copying them per record).</summary>
    private sealed class TokenSlice : IReadOnlyList<RdataToken>
    {
        private List<RdataToken> _list = [];
        private int _start;

        public TokenSlice Reset(List<RdataToken> list, int start) { _list = list; _start = start; return this; }
        public RdataToken this[int index] => _list[_start + index];
        public int Count => _list.Count - _start;
        public IEnumerator<RdataToken> GetEnumerator() { for (var i = _start; i < _list.Count; i++) yield return _list[i]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
