using System.Globalization;
using System.Text.RegularExpressions;

namespace Migrator.Core.Migrations;

/// <summary>Where DNSSEC signing of a migration stands, as its recorded operations show it.</summary>
public enum DnssecPhase { Unsigned, TurningOn, On, TurningOff, Off }

/// <summary>
/// DNSSEC of a migration as a series of rounds, each turning signing on and perhaps off again, read from the migration's
/// operations alone (so every process agrees, and nothing but the operations table is needed). Round 1 keeps the keys
/// <c>dnssec:PART</c> and <c>dnssec-off:PART</c>; round N &gt; 1 uses <c>dnssec#N:PART</c> and <c>dnssec-off#N:PART</c>, so
/// a later round never finds an earlier round's operations done. Invariant: a round is on once its
/// <see cref="OnDone"/> operation succeeded, and off once its <see cref="OffDone"/> operation succeeded.
/// </summary>
public sealed partial record DnssecProgress(int Round, DnssecPhase Phase, DateTimeOffset? Since)
{
    /// <summary>The last operation of turning signing on (the resolvers asked); of turning it off (the key-signing key removed).</summary>
    public const string OnDone = "validation", OffDone = "ksk";

    public static string OnKey(int round, string part) => round <= 1 ? $"dnssec:{part}" : $"dnssec#{round}:{part}";

    public static string OffKey(int round, string part) => round <= 1 ? $"dnssec-off:{part}" : $"dnssec-off#{round}:{part}";

    [GeneratedRegex(@"^dnssec(?<off>-off)?(#(?<round>[0-9]+))?:(?<part>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    /// <summary>The latest round and its phase; round 0 and <see cref="DnssecPhase.Unsigned"/> when no DNSSEC operation exists.</summary>
    public static DnssecProgress Of(IEnumerable<MigrationOperation> operations)
    {
        var parsed = operations.Select(o => (Op: o, Match: KeyPattern().Match(o.Key))).Where(x => x.Match.Success)
            .Select(x => (x.Op, Off: x.Match.Groups["off"].Success,
                Round: x.Match.Groups["round"].Success ? int.Parse(x.Match.Groups["round"].Value, CultureInfo.InvariantCulture) : 1))
            .ToList();
        if (parsed.Count == 0) return new DnssecProgress(0, DnssecPhase.Unsigned, null);
        var round = parsed.Max(p => p.Round);
        var ops = parsed.Where(p => p.Round == round).ToList();
        var off = ops.Where(p => p.Off).ToList();
        if (off.Count > 0)
            return off.Select(p => p.Op).FirstOrDefault(o => o.Key == OffKey(round, OffDone) && o.Status == MigrationOperationStatus.Succeeded) is { } gone
                ? new DnssecProgress(round, DnssecPhase.Off, gone.UpdatedAt)
                : new DnssecProgress(round, DnssecPhase.TurningOff, off.Min(p => p.Op.CreatedAt));
        return ops.Select(p => p.Op).FirstOrDefault(o => o.Key == OnKey(round, OnDone) && o.Status == MigrationOperationStatus.Succeeded) is { } on
            ? new DnssecProgress(round, DnssecPhase.On, on.UpdatedAt)
            : new DnssecProgress(round, DnssecPhase.TurningOn, ops.Min(p => p.Op.CreatedAt));
    }

    /// <summary>The round a turn-on works in: the unfinished one, else the next.</summary>
    public int TurnOnRound => Phase == DnssecPhase.TurningOn ? Round : Round + 1;
}
