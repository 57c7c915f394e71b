using System.Text;
using Migrator.Core.Zones.Rdata;

namespace Migrator.Core.ZoneFiles;

/// <summary>One logical line: physical lines joined by parentheses, comments removed.</summary>
internal sealed class LogicalLine
{
    public readonly List<RdataToken> Tokens = new(8);
    public bool LeadingWhitespace;
    public int Line;
    public string? Error;
    public int ErrorLine;
    public int ErrorColumn;

    public void Reset(int line)
    {
        Tokens.Clear();
        LeadingWhitespace = false;
        Line = line;
        Error = null;
        ErrorLine = ErrorColumn = 0;
    }
}

/// <summary>
/// Splits master-file text into logical lines the way BIND's lexer does: whitespace separates tokens, ';' starts a
/// comment, '(' and ')' join lines, '"' quotes (a quote inside a word starts a new token), '\' escapes the next character.
/// Reads through a fixed buffer so memory does not grow with the file.
/// </summary>
internal sealed class ZoneLexer(TextReader reader)
{
    private const int MaxTokensPerLine = 100_000;
    private readonly char[] _buffer = new char[65536];
    private int _length, _pos;
    private bool _eof;
    private int _line = 1, _column; // column of the last character read (1-based)
    private readonly TokenText _token = new();

    private int Peek()
    {
        if (_pos < _length) return _buffer[_pos];
        if (_eof) return -1;
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_length <= 0) { _eof = true; _length = 0; return -1; }
        return _buffer[_pos];
    }

    private int Next()
    {
        var c = Peek();
        if (c < 0) return c;
        _pos++;
        if (c == '\n') { _line++; _column = 0; }
        else _column++;
        return c;
    }

    /// <summary>Reads the next logical line; false at end of input.</summary>
    public bool ReadLine(LogicalLine line)
    {
        if (Peek() < 0) return false;
        line.Reset(_line);
        var first = Peek();
        line.LeadingWhitespace = first is ' ' or '\t';
        var depth = 0;
        int parenLine = 0, parenColumn = 0;
        int tokLine = 0, tokColumn = 0;
        var inToken = false;

        void Flush(LogicalLine l)
        {
            if (!inToken) return;
            l.Tokens.Add(new RdataToken(_token.Take(), false, tokLine, tokColumn));
            inToken = false;
        }

        while (true)
        {
            var c = Next();
            if (c < 0)
            {
                Flush(line);
                if (depth > 0) Fail(line, parenLine, parenColumn, "unbalanced parentheses: '(' is never closed");
                return true;
            }
            switch (c)
            {
                case '\n':
                    Flush(line);
                    if (depth > 0) continue;
                    return true;
                case ' ':
                case '\t':
                case '\r':
                    Flush(line);
                    continue;
                case ';':
                    Flush(line);
                    while (Peek() is >= 0 and not '\n') Next();
                    continue;
                case '(':
                    Flush(line);
                    if (depth == 0) { parenLine = _line; parenColumn = _column; }
                    depth++;
                    continue;
                case ')':
                    Flush(line);
                    if (depth == 0)
                    {
                        Fail(line, _line, _column, "unbalanced parentheses: ')' without '('");
                        SkipRestOfPhysicalLine();
                        return true;
                    }
                    depth--;
                    continue;
                case '"':
                {
                    Flush(line);
                    int qLine = _line, qColumn = _column;
                    var closed = false;
                    while (true)
                    {
                        var d = Next();
                        if (d < 0) break;
                        if (d == '\n')
                        {
                            Fail(line, qLine, qColumn, "unbalanced quotes: the string is not closed on its line");
                            _token.Clear();
                            return true;
                        }
                        if (d == '\\')
                        {
                            var e = Next();
                            if (e < 0) break;
                            _token.Append('\\').Append((char)e);
                            continue;
                        }
                        if (d == '"') { closed = true; break; }
                        _token.Append((char)d);
                    }
                    if (!closed)
                    {
                        Fail(line, qLine, qColumn, "unbalanced quotes: the string is not closed");
                        _token.Clear();
                        return true;
                    }
                    line.Tokens.Add(new RdataToken(_token.Take(), true, qLine, qColumn));
                    if (line.Tokens.Count > MaxTokensPerLine) return TooLong(line);
                    continue;
                }
                case '\\':
                {
                    if (!inToken) { inToken = true; tokLine = _line; tokColumn = _column; }
                    _token.Append('\\');
                    var e = Next();
                    if (e >= 0) _token.Append((char)e);
                    continue;
                }
                default:
                    if (!inToken)
                    {
                        inToken = true; tokLine = _line; tokColumn = _column;
                        if (line.Tokens.Count >= MaxTokensPerLine) return TooLong(line);
                    }
                    _token.Append((char)c);
                    continue;
            }
        }
    }

    private bool TooLong(LogicalLine line)
    {
        Fail(line, line.Line, 1, $"logical line has more than {MaxTokensPerLine} tokens (missing ')'?)");
        _token.Clear();
        // Resynchronise at the next line that starts outside parentheses: drop everything up to a ')' at depth 0.
        SkipRestOfPhysicalLine();
        return true;
    }

    private void SkipRestOfPhysicalLine()
    {
        while (true)
        {
            var c = Next();
            if (c is < 0 or '\n') return;
        }
    }

    private static void Fail(LogicalLine line, int l, int c, string message)
    {
        if (line.Error is not null) return;
        line.Error = message;
        line.ErrorLine = l;
        line.ErrorColumn = Math.Max(1, c);
    }

    /// <summary>
    /// The characters of the token being read. Short tokens repeat on almost every line of a zone (classes, types,
    /// TTLs, preferences), so they are handed out as one shared string each instead of a new one per line.
    /// </summary>
    private sealed class TokenText
    {
        private const int ShortToken = 8;
        private const int MaxShared = 4096;
        private char[] _chars = new char[256];
        private int _length;
        private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public TokenText() => _lookup = _shared.GetAlternateLookup<ReadOnlySpan<char>>();

        public TokenText Append(char c)
        {
            if (_length == _chars.Length) Array.Resize(ref _chars, _chars.Length * 2);
            _chars[_length++] = c;
            return this;
        }

        public void Clear() => _length = 0;

        /// <summary>The token's text; the buffer is cleared for the next one.</summary>
        public string Take()
        {
            var text = _chars.AsSpan(0, _length);
            _length = 0;
            if (text.Length > ShortToken) return new string(text);
            if (_lookup.TryGetValue(text, out var shared)) return shared;
            var s = new string(text);
            if (_shared.Count < MaxShared) _shared[s] = s;
            return s;
        }
    }
}
