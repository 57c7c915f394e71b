using System.Globalization;
using System.Text;

namespace Migrator.Core.ZoneFiles;

/// <summary>
/// BIND's $GENERATE substitution: '$' is the iterator, '${offset[,width[,base]]}' adds an offset and formats it
/// (base d, o, x, X, or n/N for reversed nibbles), '\$' is a literal dollar sign.
/// </summary>
internal static class GenerateTemplate
{
    public static bool TryExpand(string pattern, long iterator, out string result, out string error)
    {
        result = ""; error = "";
        var sb = new StringBuilder(pattern.Length + 8);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                if (pattern[i + 1] == '$') { sb.Append("\\$"); i++; continue; }
                sb.Append(c).Append(pattern[i + 1]); i++;
                continue;
            }
            if (c != '$') { sb.Append(c); continue; }
            if (i + 1 < pattern.Length && pattern[i + 1] == '$') { sb.Append('$'); i++; continue; }
            long offset = 0; var width = 0; var mode = 'd';
            if (i + 1 < pattern.Length && pattern[i + 1] == '{')
            {
                var close = pattern.IndexOf('}', i + 2);
                if (close < 0) { error = "unterminated '${' modifier"; return false; }
                var parts = pattern[(i + 2)..close].Split(',');
                if (parts.Length > 3 || parts[0].Length == 0
                    || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out offset)
                    || Math.Abs(offset) > int.MaxValue)
                { error = $"bad modifier '{pattern[i..(close + 1)]}'"; return false; }
                if (parts.Length >= 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out width) || width > 255))
                { error = $"bad width in '{pattern[i..(close + 1)]}'"; return false; }
                if (parts.Length == 3)
                {
                    if (parts[2].Length != 1 || "doxXnN".IndexOf(parts[2][0]) < 0)
                    { error = $"bad base in '{pattern[i..(close + 1)]}' (use d, o, x, X, n or N)"; return false; }
                    mode = parts[2][0];
                }
                i = close;
            }
            var value = iterator + offset;
            if (value < 0 && mode is not 'd') { error = $"negative value {value} in '{pattern}'"; return false; }
            switch (mode)
            {
                case 'd': sb.Append(value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')); break;
                case 'o': sb.Append(Convert.ToString(value, 8).PadLeft(width, '0')); break;
                case 'x': sb.Append(value.ToString("x", CultureInfo.InvariantCulture).PadLeft(width, '0')); break;
                case 'X': sb.Append(value.ToString("X", CultureInfo.InvariantCulture).PadLeft(width, '0')); break;
                default: AppendNibbles(sb, value, width, mode == 'N'); break;
            }
        }
        result = sb.ToString();
        return true;
    }

    /// <summary>Reversed nibbles separated by dots, padded or cut to <paramref name="width"/> characters (BIND's rule).</summary>
    private static void AppendNibbles(StringBuilder sb, long value, int width, bool upper)
    {
        var hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        do
        {
            sb.Append(hex[(int)(value & 0xF)]);
            value >>= 4;
            if (width > 0) width--;
            if (width > 0 || value != 0)
            {
                sb.Append('.');
                if (width > 0) width--;
            }
        } while (value != 0 || width > 0);
    }
}
