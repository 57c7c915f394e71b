namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// Presentation ⇄ canonical ⇄ wire conversion of RDATA, matching what BIND 9.18 reads and what
/// <c>named-compilezone -s full</c> prints. Names inside RDATA keep their case (as BIND does) and are made absolute.
/// </summary>
public static class RdataFormat
{
    /// <summary>
    /// Parses RDATA in presentation form (one line, no parentheses or comments; quoted strings allowed; the RFC 3597
    /// <c>\# len hex</c> form accepted for every type) and returns it in the writer's canonical form.
    /// </summary>
    public static bool TryCanonicalize(RecordType type, string presentation, DomainName origin, out string canonical, out string error)
    {
        canonical = "";
        if (!RdataTokenizer.TryTokenize(presentation, out var tokens, out error)) return false;
        if (!TryParse(type, tokens, origin, out var rdata, out error, out _)) return false;
        canonical = rdata.ToString();
        return true;
    }

    /// <summary>
    /// The canonical form when <paramref name="presentation"/> parses (relative names taken from the root), else the text
    /// with its whitespace collapsed: for comparing RDATA that servers and APIs print differently (a DS digest in one run
    /// or in groups, upper or lower case).
    /// </summary>
    public static string CanonicalOrSelf(RecordType type, string presentation) =>
        TryCanonicalize(type, presentation, DomainName.Root, out var canonical, out _) ? canonical
            : string.Join(' ', presentation.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Parses RDATA tokens (as a zone file reader splits them) into wire form.</summary>
    /// <param name="errorToken">Index of the token the error is about, or −1 when it is about the end of the data.</param>
    public static bool TryParse(RecordType type, IReadOnlyList<RdataToken> tokens, DomainName origin,
        out Rdata rdata, out string error, out int errorToken) =>
        RdataCodec.TryParse(type, tokens, origin, out rdata, out error, out errorToken);

    /// <summary>Wire form (uncompressed, names in their written case) of RDATA given in presentation form.</summary>
    public static byte[] ToWire(RecordType type, string presentation, DomainName origin)
    {
        if (!RdataTokenizer.TryTokenize(presentation, out var tokens, out var error)
            || !TryParse(type, tokens, origin, out var rdata, out error, out _))
            throw new FormatException(error);
        return rdata.ToWire();
    }

    /// <summary>Canonical presentation form of RDATA given in (uncompressed) wire form.</summary>
    public static string FromWire(RecordType type, ReadOnlySpan<byte> wire) =>
        Rdata.TryFromWire(type, wire, out var rdata, out var error) ? rdata.ToString() : throw new FormatException(error);

    /// <summary>True when the type's own presentation form is understood (others are read and printed as <c>\#</c>).</summary>
    public static bool HasTypedForm(RecordType type) => RdataCodec.HasSchema(type);
}
