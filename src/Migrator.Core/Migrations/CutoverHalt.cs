namespace Migrator.Core.Migrations;

/// <summary>
/// A crash drill: the cutover of a named zone stops dead at a checkpoint of one sub-step (see
/// <see cref="MigrationStepOptions.CutoverCheckpoint"/>) and writes a marker file, so a test can SIGKILL the process at
/// exactly that instant instead of guessing with timers. Off unless "Migrator:Testing:HaltCutover" is set, e.g.
/// "a.lab.=e;b.lab.=g;c.lab.=e:before" (a sub-step alone halts after its outside effect, ":before" just before it);
/// markers go to "Migrator:Testing:HaltMarkerDirectory" as "{zone}{sub-step}.halted" ("{zone}{sub-step}-before.halted").
/// Invariant: every entry names a zone and one of the sub-steps a–h.
/// </summary>
public sealed class CutoverHalt
{
    public const string ConfigurationKey = "Migrator:Testing:HaltCutover";
    public const string MarkerDirectoryKey = "Migrator:Testing:HaltMarkerDirectory";
    private const string Before = ":before";

    private readonly Dictionary<string, (char SubStep, bool BeforeEffect)> _points;
    private readonly string _markers;

    private CutoverHalt(Dictionary<string, (char, bool)> points, string markers)
    {
        _points = points;
        _markers = markers;
    }

    /// <summary>Null when <paramref name="spec"/> is empty; a broken spec is a start-up error, not a silent no-op.</summary>
    public static CutoverHalt? Parse(string? spec, string? markerDirectory)
    {
        if (string.IsNullOrWhiteSpace(spec)) return null;
        if (string.IsNullOrWhiteSpace(markerDirectory)) throw new InvalidOperationException($"{ConfigurationKey} needs {MarkerDirectoryKey}");
        var points = new Dictionary<string, (char, bool)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            var point = parts.Length == 2 ? parts[1] : "";
            var before = point.EndsWith(Before, StringComparison.OrdinalIgnoreCase);
            if (before) point = point[..^Before.Length];
            if (parts.Length != 2 || parts[0].Length == 0 || point.Length != 1 || !CutoverCheckpoint.SubSteps.Contains(point[0]))
                throw new InvalidOperationException($"{ConfigurationKey}: '{entry}' is not ZONE=SUBSTEP or ZONE=SUBSTEP{Before} with a sub-step a–h");
            points[Normalize(parts[0])] = (point[0], before);
        }
        return new CutoverHalt(points, markerDirectory);
    }

    public async Task AtCheckpointAsync(CutoverCheckpoint point, CancellationToken ct)
    {
        if (!_points.TryGetValue(Normalize(point.ZoneName), out var at) || at != (point.SubStep, point.BeforeEffect)) return;
        Directory.CreateDirectory(_markers);
        await File.WriteAllTextAsync(MarkerFile(_markers, point.ZoneName, at.SubStep, at.BeforeEffect), point.What, ct);
        await Task.Delay(Timeout.Infinite, ct);
    }

    public static string MarkerFile(string directory, string zone, char subStep, bool beforeEffect = false) =>
        Path.Combine(directory, $"{Normalize(zone)}{subStep}{(beforeEffect ? "-before" : "")}.halted");

    private static string Normalize(string zone) => zone.Trim().TrimEnd('.').ToLowerInvariant() + ".";
}
