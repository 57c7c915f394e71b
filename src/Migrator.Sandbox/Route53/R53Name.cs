using System.Text;

namespace Migrator.Sandbox.Route53;

/// <summary>
/// Route 53's view of a DNS name: lowercase, absolute, every byte outside <c>a-z0-9-_</c> written as a
/// three-digit octal escape (<c>*</c> → <c>\052</c>). Input accepts <c>\ooo</c> octal and <c>\c</c> escapes.
/// Invariant: <see cref="Text"/> is the stored and emitted form; <see cref="SortKey"/> is labels reversed plus
/// a trailing dot, compared ordinally, which is the order of ListResourceRecordSets and ListHostedZonesByName.
/// </summary>
public sealed class R53Name : IEquatable<R53Name>
{
    private R53Name(byte[][] labels)
    {
        Labels = labels;
        EscapedLabels = labels.Select(EscapeLabel).ToArray();
        Text = labels.Length == 0 ? "." : string.Join('.', EscapedLabels) + ".";
        SortKey = labels.Length == 0 ? "." : string.Join('.', EscapedLabels.Reverse()) + ".";
    }

    public byte[][] Labels { get; }
    public string[] EscapedLabels { get; }
    public string Text { get; }
    public string SortKey { get; }
    public int LabelCount => Labels.Length;
    public bool IsWildcard => Labels.Length > 0 && Labels[0] is [(byte)'*'];

    public static bool TryParse(string? input, out R53Name name, out string error)
    {
        name = null!;
        error = "";
        if (string.IsNullOrEmpty(input)) { error = "empty name"; return false; }
        if (input == ".") { name = new R53Name([]); return true; }
        var labels = new List<byte[]>();
        var current = new List<byte>();
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c == '.')
            {
                if (current.Count == 0) { error = $"empty label in '{input}'"; return false; }
                labels.Add(current.ToArray()); current.Clear();
                continue;
            }
            if (c == '\\')
            {
                if (IsOctal(input, i + 1))
                {
                    var v = (input[i + 1] - '0') * 64 + (input[i + 2] - '0') * 8 + (input[i + 3] - '0');
                    if (v > 255) { error = $"bad escape in '{input}'"; return false; }
                    current.Add((byte)v); i += 3; continue;
                }
                if (i + 1 >= input.Length) { error = $"dangling escape in '{input}'"; return false; }
                current.Add((byte)input[i + 1]); i++; continue;
            }
            if (c <= ' ' || c >= 0x7f) { error = $"unescaped character in '{input}'"; return false; }
            current.Add((byte)c);
        }
        if (current.Count > 0) labels.Add(current.ToArray());
        foreach (var l in labels)
        {
            if (l.Length > 63) { error = $"label longer than 63 octets in '{input}'"; return false; }
            for (var j = 0; j < l.Length; j++) if (l[j] is >= (byte)'A' and <= (byte)'Z') l[j] += 32;
        }
        if (labels.Sum(l => l.Length + 1) + 1 > 255) { error = $"name longer than 255 octets: '{input}'"; return false; }
        name = new R53Name(labels.ToArray());
        return true;
    }

    public static R53Name Parse(string input) =>
        TryParse(input, out var n, out var e) ? n : throw new FormatException(e);

    private static bool IsOctal(string s, int at) =>
        at + 2 < s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';

    private static string EscapeLabel(byte[] label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (var b in label)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_') sb.Append((char)b);
            else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
        }
        return sb.ToString();
    }

    public bool IsSubdomainOf(R53Name zone)
    {
        if (zone.Labels.Length > Labels.Length) return false;
        var offset = Labels.Length - zone.Labels.Length;
        for (var i = 0; i < zone.Labels.Length; i++)
            if (!Labels[offset + i].AsSpan().SequenceEqual(zone.Labels[i])) return false;
        return true;
    }

    public R53Name Parent() => new(Labels.Skip(1).ToArray());

    public bool Equals(R53Name? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => Equals(obj as R53Name);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Text;
}
