using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>A zone read from a BIND master file on disk.</summary>
public sealed class ZoneFileSource(string path, ZoneFileReaderOptions? options = null) : IZoneSource
{
    public string Description => $"zone file {Path.GetFileName(path)}";

    public Task<ZoneReadResult> ReadAsync(DomainName zone, CancellationToken cancellationToken) =>
        Task.Run(() => ZoneFileReader.Read(path, zone, options), cancellationToken);
}
