using System.Diagnostics;
using Migrator.Core.Zones;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// The record sets of a lab zone file as BIND itself reads them (named-compilezone -s full: one record per line,
/// "owner ttl class type rdata"). Test input only; the product reads zone files with the ZoneFiles reader.
/// </summary>
internal static class LabZone
{
    public static IReadOnlyList<RecordSet> RecordSets(string zoneFile, DomainName origin)
    {
        var psi = new ProcessStartInfo("named-compilezone")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "-q", "-i", "local", "-s", "full", "-o", "-", origin.ToString(), zoneFile }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"named-compilezone failed on {zoneFile}: {p.StandardError.ReadToEnd()}");
        var records = new List<ResourceRecord>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split((char[]?)null, 5, StringSplitOptions.RemoveEmptyEntries);
            records.Add(new ResourceRecord(DomainName.Parse(f[0]), RecordType.Parse(f[3]), Ttl.Parse(f[1]), f[4]));
        }
        return RecordSet.Group(records);
    }
}
