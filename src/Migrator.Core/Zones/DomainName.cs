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

    private readonly byte[][] _labels; // leftmost first, root excluded
    private string? _text;
    private int _hash;

    public static readonly DomainName Root = new([]);

    private DomainName(byte[][] labels) => _labels = labels;

    public int LabelCount => _labels.Length;
    public bool IsRoot => _labels.Length == 0;
    public bool IsWildcard => _labels.Length > 0 && _labels[0] is [(byte)'*'];
    public ReadOnlySpan<byte> Label(int index) => _labels[index];

    /// <summary>Wire length including length octets and the root octet.</summary>
    public int WireLength
    {
        get { var n = 1; foreach (var l in _labels) n += l.Length + 1; return n; }
    }

    public static DomainName FromLabels(IEnumerable<byte[]> labels)
    {
        var arr = labels.Select(l => (byte[])l.Clone()).ToArray();
        var error = Validate(arr);
        if (error is not null) throw new FormatException(error);
        return new DomainName(arr);
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
        Span<byte> current = stackalloc byte[256];
        Span<byte> utf8 = stackalloc byte[4];
        var count = 0;
        var labels = new List<byte[]>(4);
        var absolute = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (count == 0) { error = $"empty label in '{text}'"; return false; }
                if (count > MaxLabelLength) { error = $"label of {count} octets exceeds {MaxLabelLength} in '{text}'"; return false; }
                labels.Add(current[..count].ToArray()); count = 0;
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
            labels.Add(current[..count].ToArray());
        }
        byte[][] arr;
        if (!absolute && origin is not null && origin._labels.Length > 0)
        {
            arr = new byte[labels.Count + origin._labels.Length][];
            labels.CopyTo(arr);
            origin._labels.CopyTo(arr, labels.Count);
        }
        else arr = labels.ToArray(); // no origin: callers outside zone files pass FQDNs without the dot
        var validation = Validate(arr);
        if (validation is not null) { error = $"{validation} in '{text}'"; return false; }
        name = new DomainName(arr);
        return true;
    }

    /// <summary>True when both names have the same octets, case included (BIND's test for "same owner as the last line").</summary>
    internal bool EqualsExact(DomainName other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other._labels.Length != _labels.Length) return false;
        for (var i = 0; i < _labels.Length; i++)
            if (!ReferenceEquals(_labels[i], other._labels[i]) && !_labels[i].AsSpan().SequenceEqual(other._labels[i])) return false;
        return true;
    }

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

    public DomainName Parent() => IsRoot ? throw new InvalidOperationException("the root has no parent") : new DomainName(_labels[1..]);

    public DomainName Prepend(string label) => FromLabels(new[] { Encoding.ASCII.GetBytes(label) }.Concat(_labels));

    /// <summary>True when this name equals <paramref name="other"/> or lies below it.</summary>
    public bool IsSubdomainOf(DomainName other)
    {
        if (other._labels.Length > _labels.Length) return false;
        var offset = _labels.Length - other._labels.Length;
        for (var i = 0; i < other._labels.Length; i++)
            if (!LabelEquals(_labels[offset + i], other._labels[i])) return false;
        return true;
    }

    /// <summary>The name relative to <paramref name="origin"/> ("@" for the origin itself), or the absolute form.</summary>
    public string ToRelativeString(DomainName origin)
    {
        if (Equals(origin)) return "@";
        if (!IsSubdomainOf(origin)) return ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < _labels.Length - origin._labels.Length; i++)
        {
            if (i > 0) sb.Append('.');
            AppendLabel(sb, _labels[i]);
        }
        return sb.ToString();
    }

    /// <summary>Presentation form, absolute, with a trailing dot; special and non-printable octets escaped as BIND prints them.</summary>
    public override string ToString() => _text ??= Format();

    /// <summary>Lower-cased presentation form.</summary>
    public string ToLowerString() => ToString().ToLowerInvariant();

    private string Format()
    {
        if (_labels.Length == 0) return ".";
        var sb = new StringBuilder(WireLength + 8);
        foreach (var l in _labels) { AppendLabel(sb, l); sb.Append('.'); }
        return sb.ToString();
    }

    internal static void AppendLabel(StringBuilder sb, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            switch (b)
            {
                case (byte)'.': case (byte)'\\': case (byte)'"': case (byte)'(': case (byte)')':
                case (byte)';': case (byte)'@': case (byte)'$':
                    sb.Append('\\').Append((char)b); break;
                default:
                    if (b <= 0x20 || b >= 0x7F) sb.Append('\\').Append(((int)b).ToString("D3"));
                    else sb.Append((char)b);
                    break;
            }
        }
    }

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;

    private static bool LabelEquals(byte[] a, byte[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++) if (Lower(a[i]) != Lower(b[i])) return false;
        return true;
    }

    public bool Equals(DomainName? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (other._labels.Length != _labels.Length) return false;
        for (var i = 0; i < _labels.Length; i++) if (!LabelEquals(_labels[i], other._labels[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is DomainName d && Equals(d);

    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var l in _labels) { foreach (var b in l) h.Add(Lower(b)); h.Add(0xFF00); }
        var v = h.ToHashCode();
        _hash = v == 0 ? 1 : v;
        return _hash;
    }

    /// <summary>RFC 4034 §6.1 canonical ordering: labels compared right to left, each as lower-cased octets.</summary>
    public int CompareTo(DomainName? other)
    {
        if (other is null) return 1;
        int i = _labels.Length - 1, j = other._labels.Length - 1;
        for (; i >= 0 && j >= 0; i--, j--)
        {
            var a = _labels[i]; var b = other._labels[j];
            var n = Math.Min(a.Length, b.Length);
            for (var k = 0; k < n; k++)
            {
                var d = Lower(a[k]).CompareTo(Lower(b[k]));
                if (d != 0) return d;
            }
            if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        }
        return (i + 1).CompareTo(j + 1);
    }

    public static bool operator ==(DomainName? a, DomainName? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(DomainName? a, DomainName? b) => !(a == b);
}
