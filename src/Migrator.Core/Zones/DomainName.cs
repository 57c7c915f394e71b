using System.Text;

namespace Migrator.Core.Zones;

/// <summary>
/// An absolute DNS name held as wire-format labels (case preserved for display).
/// Invariant: every label is 1–63 octets, the wire length (labels + length octets + root) is at most 255,
/// equality and hashing are ASCII case-insensitive, and <see cref="CompareTo"/> is RFC 4034 §6.1 canonical order.
/// </summary>
public sealed class DomainName : IEquatable<DomainName>, IComparable<DomainName>
{
    public const int MaxLabelLength = 63;
    public const int MaxWireLength = 255;

    // The labels in wire form, leftmost first, each after its length octet, without the root's empty label: one array
    // per name, so a zone of a million names holds two million objects, not four.
    private readonly byte[] _wire;
    private readonly int _count;
    private string? _text;
    private int _hash;

    public static readonly DomainName Root = new([], 0);

    private DomainName(byte[] wire, int count) { _wire = wire; _count = count; }

    public int LabelCount => _count;

    /// <summary>The labels in wire form, without the root octet: for stores that keep many names in one array.</summary>
    internal ReadOnlySpan<byte> WireLabels => _wire;

    /// <summary>A name from <see cref="WireLabels"/> of <paramref name="count"/> labels, as a store kept it (not validated again).</summary>
    internal static DomainName FromWireLabels(ReadOnlySpan<byte> wire, int count) => new(wire.ToArray(), count);

    /// <summary>Equality (ASCII case-insensitive) with a name kept as <see cref="WireLabels"/>.</summary>
    internal bool EqualsWireLabels(ReadOnlySpan<byte> wire, int count) => count == _count && EqualsIgnoreCase(_wire, wire);
    public bool IsRoot => _count == 0;
    public bool IsWildcard => _count > 0 && _wire[0] == 1 && _wire[1] == (byte)'*';
    public ReadOnlySpan<byte> Label(int index)
    {
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
        var o = Offset(index);
        return _wire.AsSpan(o + 1, _wire[o]);
    }

    /// <summary>Wire length including length octets and the root octet.</summary>
    public int WireLength => _wire.Length + 1;

    /// <summary>Where label <paramref name="index"/> (its length octet) starts in the wire form.</summary>
    private int Offset(int index)
    {
        var o = 0;
        for (var i = 0; i < index; i++) o += _wire[o] + 1;
        return o;
    }

    public static DomainName FromLabels(IEnumerable<byte[]> labels)
    {
        var arr = labels.ToArray();
        var error = Validate(arr);
        if (error is not null) throw new FormatException(error);
        var wire = new byte[arr.Sum(l => l.Length + 1)];
        var o = 0;
        foreach (var l in arr) { wire[o++] = (byte)l.Length; l.CopyTo(wire, o); o += l.Length; }
        return new DomainName(wire, arr.Length);
    }

    public static DomainName FromLabels(params string[] labels) =>
        FromLabels(labels.Select(l => Encoding.ASCII.GetBytes(l)));

    /// <summary>Parses presentation format. Relative names are made absolute with <paramref name="origin"/>; '@' is the origin.</summary>
    public static DomainName Parse(string text, DomainName? origin = null) =>
        TryParse(text, origin, out var name, out var error) ? name : throw new FormatException(error);

    public static bool TryParse(string text, out DomainName name) => TryParse(text, null, out name, out _);

    public static bool TryParse(ReadOnlySpan<char> text, DomainName? origin, out DomainName name, out string error)
    {
        name = Root;
        error = "";
        if (text.Length == 0) { error = "empty domain name"; return false; }
        if (text is "@")
        {
            if (origin is null) { error = "'@' used without an origin"; return false; }
            name = origin; return true;
        }
        if (text is ".") { name = Root; return true; }

        // Octets of the current label go to a stack buffer; 255 is enough for any valid label, longer ones fail below.
        // Finished labels go to the wire buffer, which holds any valid name; a longer one is only measured, then refused.
        Span<byte> current = stackalloc byte[256];
        Span<byte> utf8 = stackalloc byte[4];
        Span<byte> wire = stackalloc byte[MaxWireLength + 1];
        var count = 0;
        var labels = 0;
        var length = 0; // wire octets of the labels read so far (may pass the buffer's size)
        var absolute = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (count == 0) { error = $"empty label in '{text}'"; return false; }
                if (count > MaxLabelLength) { error = $"label of {count} octets exceeds {MaxLabelLength} in '{text}'"; return false; }
                if (length + count + 1 <= wire.Length) { wire[length] = (byte)count; current[..count].CopyTo(wire[(length + 1)..]); }
                length += count + 1; labels++; count = 0;
                if (i == text.Length - 1) absolute = true;
                continue;
            }
            if (count >= 255) { error = $"label exceeds {MaxLabelLength} octets in '{text}'"; return false; }
            if (c == '\\')
            {
                if (i + 1 >= text.Length) { error = $"dangling escape at the end of '{text}'"; return false; }
                var n = text[i + 1];
                if (n == '[' && count == 0) { error = $"bad label type: '\\[' starts an obsolete bitstring label in '{text}'"; return false; }
                if (char.IsAsciiDigit(n))
                {
                    if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    { error = $"incomplete \\DDD escape in '{text}'"; return false; }
                    var v = (n - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                    if (v > 255) { error = $"escape \\{v:D3} is above 255 in '{text}'"; return false; }
                    current[count++] = (byte)v; i += 3;
                    continue;
                }
                i++;
                c = text[i];
            }
            else if (c is ' ' or '\t' or '\r' or '\n') { error = $"unescaped whitespace in '{text}'"; return false; }
            if (c < 0x80) { current[count++] = (byte)c; continue; }
            // BIND takes the file's octets as they are: a UTF-8 character becomes its octets (printed as \DDD).
            var rune = i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]) ? new Rune(text[i], text[i + 1]) : new Rune(char.IsSurrogate(c) ? '\uFFFD' : c);
            if (rune.Utf16SequenceLength == 2) i++;
            var k = rune.EncodeToUtf8(utf8);
            if (count + k > 255) { error = $"label exceeds {MaxLabelLength} octets in '{text}'"; return false; }
            utf8[..k].CopyTo(current[count..]);
            count += k;
        }
        if (count > 0)
        {
            if (count > MaxLabelLength) { error = $"label of {count} octets exceeds {MaxLabelLength} in '{text}'"; return false; }
            if (length + count + 1 <= wire.Length) { wire[length] = (byte)count; current[..count].CopyTo(wire[(length + 1)..]); }
            length += count + 1; labels++;
        }
        // No origin: callers outside zone files pass FQDNs without the dot.
        var suffix = !absolute && origin is not null ? origin._wire : [];
        var total = length + suffix.Length;
        if (total + 1 > MaxWireLength) { error = $"name of {total + 1} octets exceeds {MaxWireLength} in '{text}'"; return false; }
        var bytes = new byte[total];
        wire[..length].CopyTo(bytes);
        suffix.CopyTo(bytes, length);
        name = new DomainName(bytes, labels + (suffix.Length > 0 ? origin!._count : 0));
        return true;
    }

    /// <summary>True when both names have the same octets, case included (BIND's test for "same owner as the last line").</summary>
    internal bool EqualsExact(DomainName other) =>
        ReferenceEquals(this, other) || (other._count == _count && _wire.AsSpan().SequenceEqual(other._wire));

    private static string? Validate(byte[][] labels)
    {
        var wire = 1;
        foreach (var l in labels)
        {
            if (l.Length == 0) return "empty label";
            if (l.Length > MaxLabelLength) return $"label of {l.Length} octets exceeds {MaxLabelLength}";
            wire += l.Length + 1;
        }
        return wire > MaxWireLength ? $"name of {wire} octets exceeds {MaxWireLength}" : null;
    }

    public DomainName Parent() => IsRoot ? throw new InvalidOperationException("the root has no parent") : new DomainName(_wire[(_wire[0] + 1)..], _count - 1);

    public DomainName Prepend(string label) => FromLabels(new[] { Encoding.ASCII.GetBytes(label) }.Concat(Labels()));

    private IEnumerable<byte[]> Labels()
    {
        for (var i = 0; i < _count; i++) yield return Label(i).ToArray();
    }

    /// <summary>True when this name equals <paramref name="other"/> or lies below it.</summary>
    public bool IsSubdomainOf(DomainName other)
    {
        if (other._count > _count || other._wire.Length > _wire.Length) return false;
        var offset = Offset(_count - other._count);
        return _wire.Length - offset == other._wire.Length && EqualsIgnoreCase(_wire.AsSpan(offset), other._wire);
    }

    /// <summary>The name relative to <paramref name="origin"/> ("@" for the origin itself), or the absolute form.</summary>
    public string ToRelativeString(DomainName origin)
    {
        if (Equals(origin)) return "@";
        if (!IsSubdomainOf(origin)) return ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < _count - origin._count; i++)
        {
            if (i > 0) sb.Append('.');
            AppendLabel(sb, Label(i));
        }
        return sb.ToString();
    }

    /// <summary>Presentation form, absolute, with a trailing dot; special and non-printable octets escaped as BIND prints them.</summary>
    public override string ToString() => _text ??= Format();

    /// <summary>Lower-cased presentation form.</summary>
    public string ToLowerString() => ToString().ToLowerInvariant();

    private string Format()
    {
        Span<char> buffer = stackalloc char[MaxPresentationLength];
        return new string(buffer[..FormatInto(buffer)]);
    }

    /// <summary>Longest presentation form: every octet escaped as \DDD, plus the dots.</summary>
    internal const int MaxPresentationLength = MaxWireLength * 4;

    /// <summary>
    /// Writes the presentation form (as <see cref="ToString"/>) into <paramref name="destination"/>, which holds at least
    /// <see cref="MaxPresentationLength"/> characters, without allocating; returns the length.
    /// </summary>
    internal int FormatInto(Span<char> destination)
    {
        if (_text is not null) { _text.CopyTo(destination); return _text.Length; }
        if (_count == 0) { destination[0] = '.'; return 1; }
        var n = 0;
        for (var o = 0; o < _wire.Length; o += _wire[o] + 1)
        {
            foreach (var b in _wire.AsSpan(o + 1, _wire[o])) n += FormatOctet(b, destination[n..]);
            destination[n++] = '.';
        }
        return n;
    }

    internal static void AppendLabel(StringBuilder sb, ReadOnlySpan<byte> label)
    {
        Span<char> buffer = stackalloc char[MaxLabelLength * 4 + 4];
        var n = 0;
        foreach (var b in label)
        {
            if (n > buffer.Length - 4) { sb.Append(buffer[..n]); n = 0; } // labels longer than 63 octets are not names, but their text is still shown
            n += FormatOctet(b, buffer[n..]);
        }
        sb.Append(buffer[..n]);
    }

    /// <summary>One octet of a label as BIND prints it: special characters escaped with \, others outside printable ASCII as \DDD.</summary>
    private static int FormatOctet(byte b, Span<char> destination)
    {
        switch (b)
        {
            case (byte)'.': case (byte)'\\': case (byte)'"': case (byte)'(': case (byte)')':
            case (byte)';': case (byte)'@': case (byte)'$':
                destination[0] = '\\'; destination[1] = (char)b; return 2;
            default:
                if (b > 0x20 && b < 0x7F) { destination[0] = (char)b; return 1; }
                destination[0] = '\\';
                destination[1] = (char)('0' + b / 100);
                destination[2] = (char)('0' + b / 10 % 10);
                destination[3] = (char)('0' + b % 10);
                return 4;
        }
    }

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;

    // Length octets are at most 63, below 'A', so lower-casing the whole wire form only touches label octets.
    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (a[i] != b[i] && Lower(a[i]) != Lower(b[i])) return false;
        return true;
    }

    public bool Equals(DomainName? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (other._count != _count) return false;
        if (_hash != 0 && other._hash != 0 && _hash != other._hash) return false;
        return EqualsIgnoreCase(_wire, other._wire);
    }

    public override bool Equals(object? obj) => obj is DomainName d && Equals(d);

    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        // FNV-1a over the lower-cased wire form (its length octets separate the labels), then mixed; once per instance.
        var h = 2166136261u;
        foreach (var b in _wire) h = (h ^ Lower(b)) * 16777619u;
        h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12;
        var v = (int)h;
        _hash = v == 0 ? 1 : v;
        return _hash;
    }

    /// <summary>RFC 4034 §6.1 canonical ordering: labels compared right to left, each as lower-cased octets.</summary>
    public int CompareTo(DomainName? other)
    {
        if (other is null) return 1;
        if (ReferenceEquals(this, other)) return 0;
        Span<int> mine = stackalloc int[_count];
        Span<int> theirs = stackalloc int[other._count];
        for (int i = 0, o = 0; i < _count; o += _wire[o] + 1) mine[i++] = o;
        for (int i = 0, o = 0; i < other._count; o += other._wire[o] + 1) theirs[i++] = o;
        int x = _count - 1, y = other._count - 1;
        for (; x >= 0 && y >= 0; x--, y--)
        {
            var a = _wire.AsSpan(mine[x] + 1, _wire[mine[x]]);
            var b = other._wire.AsSpan(theirs[y] + 1, other._wire[theirs[y]]);
            var n = Math.Min(a.Length, b.Length);
            for (var k = 0; k < n; k++)
            {
                var d = Lower(a[k]).CompareTo(Lower(b[k]));
                if (d != 0) return d;
            }
            if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        }
        return (x + 1).CompareTo(y + 1);
    }

    public static bool operator ==(DomainName? a, DomainName? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(DomainName? a, DomainName? b) => !(a == b);
}
