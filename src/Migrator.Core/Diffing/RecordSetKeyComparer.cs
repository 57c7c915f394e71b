using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// Equality of <see cref="RecordSetKey"/> without the generic record-struct path: type code first (cheapest), then the
/// set identifier, then the name (case-insensitive, hash cached by <see cref="DomainName"/>). Same semantics as
/// <see cref="RecordSetKey"/>'s own equality.
/// </summary>
internal sealed class RecordSetKeyComparer : IEqualityComparer<RecordSetKey>
{
    public static readonly RecordSetKeyComparer Instance = new();

    public bool Equals(RecordSetKey x, RecordSetKey y) =>
        x.Type.Code == y.Type.Code && string.Equals(x.SetIdentifier, y.SetIdentifier, StringComparison.Ordinal) && x.Name.Equals(y.Name);

    public int GetHashCode(RecordSetKey key) =>
        key.SetIdentifier is null
            ? key.Name.GetHashCode() * 31 + key.Type.Code
            : HashCode.Combine(key.Name.GetHashCode(), key.Type.Code, StringComparer.Ordinal.GetHashCode(key.SetIdentifier));
}
