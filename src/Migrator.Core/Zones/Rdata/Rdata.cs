namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// Record data of one type held in (uncompressed) wire form. Invariant: the wire form decodes under the type's schema,
/// so <see cref="ToString"/> always yields the canonical presentation form BIND prints.
/// Equality is by type and exact octets (names in RDATA keep their case).
/// </summary>
public sealed class Rdata : IEquatable<Rdata>
{
    private readonly byte[] _wire;
    private string? _text;

    internal Rdata(RecordType type, byte[] wire) { Type = type; _wire = wire; }

    public RecordType Type { get; }
    public ReadOnlySpan<byte> Wire => _wire;
    public int Length => _wire.Length;

    public byte[] ToWire() => (byte[])_wire.Clone();

    public static bool TryFromWire(RecordType type, ReadOnlySpan<byte> wire, out Rdata rdata, out string error)
    {
        var copy = wire.ToArray();
        rdata = new Rdata(type, copy);
        if (!RdataCodec.TryFormat(type, copy, out var text, out error)) return false;
        rdata._text = text;
        return true;
    }

    /// <summary>Parses presentation form (one line; <c>\# len hex</c> accepted for every type).</summary>
    public static Rdata Parse(RecordType type, string presentation, DomainName origin)
    {
        if (!RdataTokenizer.TryTokenize(presentation, out var tokens, out var error)
            || !RdataCodec.TryParse(type, tokens, origin, out var rdata, out error, out _))
            throw new FormatException(error);
        return rdata;
    }

    /// <summary>Canonical presentation form, as <c>named-compilezone -s full</c> prints it.</summary>
    public override string ToString()
    {
        if (_text is not null) return _text;
        if (!RdataCodec.TryFormat(Type, _wire, out var text, out var error))
            throw new InvalidOperationException($"RDATA of {Type} does not decode: {error}");
        return _text = text;
    }

    public bool Equals(Rdata? other) => other is not null && other.Type == Type && other._wire.AsSpan().SequenceEqual(_wire);
    public override bool Equals(object? obj) => obj is Rdata r && Equals(r);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Type.Code);
        h.AddBytes(_wire);
        return h.ToHashCode();
    }
}
