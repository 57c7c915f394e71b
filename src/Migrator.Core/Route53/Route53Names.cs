using System.Text;
using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// Route 53's name syntax: escapes are three-digit <b>octal</b> (<c>\052</c> is '*'), unlike zone files where
/// <c>\DDD</c> is decimal. Output names are lower-cased and escape every octet outside a-z0-9-_.
/// </summary>
public static class Route53Names
{
    /// <summary>Parses a name as Route 53 returns it (octal escapes, trailing dot optional).</summary>
    public static DomainName Parse(string text)
    {
        if (text is "" or ".") return DomainName.Root;
        var labels = new List<byte[]>();
        var current = new List<byte>(64);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (current.Count == 0) throw new FormatException($"empty label in Route 53 name '{text}'");
                labels.Add(current.ToArray()); current.Clear();
                continue;
            }
            if (c == '\\' && i + 1 < text.Length)
            {
                if (i + 3 < text.Length && IsOctal(text[i + 1]) && IsOctal(text[i + 2]) && IsOctal(text[i + 3]))
                {
                    current.Add((byte)((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
                    i += 3;
                }
                else { current.Add((byte)text[i + 1]); i++; }
                continue;
            }
            if (c > 0xFF) throw new FormatException($"non-ASCII character in Route 53 name '{text}' (IDNs must be punycode)");
            current.Add((byte)c);
        }
        if (current.Count > 0) labels.Add(current.ToArray());
        return DomainName.FromLabels(labels);
    }

    /// <summary>The form sent to Route 53: absolute, printable ASCII as is, '.', '\\' and other octets as octal escapes.</summary>
    public static string Format(DomainName name)
    {
        if (name.IsRoot) return ".";
        var sb = new StringBuilder(name.WireLength + 8);
        for (var i = 0; i < name.LabelCount; i++)
        {
            foreach (var b in name.Label(i))
            {
                if (b is > 0x20 and < 0x7F && b != (byte)'.' && b != (byte)'\\') sb.Append((char)b);
                else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            }
            sb.Append('.');
        }
        return sb.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    /// <summary>Removes "/hostedzone/", "/change/" or "/delegationset/" as the SDKs do before building a path.</summary>
    public static string BareId(string id)
    {
        var slash = id.LastIndexOf('/');
        return slash < 0 ? id : id[(slash + 1)..];
    }
}
