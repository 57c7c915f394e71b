using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.EndToEnd.Lab;

/// <summary>The record sets of a lab zone file, read with the product's zone-file reader.</summary>
internal static class LabZone
{
    public static IReadOnlyList<RecordSet> RecordSets(string zoneFile, DomainName origin)
    {
        var result = ZoneFileReader.Read(zoneFile, origin);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return RecordSet.Group(result.Records);
    }
}
