namespace Migrator.Core.Zones.Rdata;

/// <summary>
/// One token of RDATA in presentation form, exactly as written (escapes not yet interpreted).
/// Invariant: <see cref="Column"/> ≥ 1 when the token comes from a file, 0 when it was synthesised.
/// </summary>
public readonly record struct RdataToken(string Text, bool Quoted, int Line = 0, int Column = 0)
{
    public override string ToString() => Quoted ? $"\"{Text}\"" : Text;
}
