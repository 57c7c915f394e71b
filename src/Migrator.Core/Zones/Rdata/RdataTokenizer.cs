namespace Migrator.Core.Zones.Rdata;

/// <summary>Splits one line of RDATA presentation text into tokens (whitespace separated, quoted strings kept whole).</summary>
internal static class RdataTokenizer
{
    public static bool TryTokenize(string text, out List<RdataToken> tokens, out string error)
    {
        tokens = new List<RdataToken>();
        error = "";
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n') { i++; continue; }
            var start = i;
            if (c == '"')
            {
                i++;
                var sb = new System.Text.StringBuilder();
                var closed = false;
                while (i < text.Length)
                {
                    var d = text[i];
                    if (d == '\\' && i + 1 < text.Length) { sb.Append(d).Append(text[i + 1]); i += 2; continue; }
                    if (d == '"') { closed = true; i++; break; }
                    sb.Append(d); i++;
                }
                if (!closed) { error = "unbalanced quotes"; return false; }
                tokens.Add(new RdataToken(sb.ToString(), true, 1, start + 1));
                continue;
            }
            while (i < text.Length && text[i] is not (' ' or '\t' or '\r' or '\n' or '"'))
            {
                if (text[i] == '\\' && i + 1 < text.Length) i++;
                i++;
            }
            tokens.Add(new RdataToken(text[start..i], false, 1, start + 1));
        }
        return true;
    }
}
