using System.Collections.Immutable;
using System.Globalization;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// octoDNS's mass-change guard: more than 30% of the existing sets updated or deleted (zones of 10 sets or more),
/// or any change to the apex NS or SOA, needs an explicit force.
/// </summary>
public static class PlanSafetyCheck
{
    public static SafetyVerdict Evaluate(DomainName zone, IReadOnlyList<RecordChange> changes, int existingSetCount, SafetyPolicy policy)
    {
        var violations = ImmutableArray.CreateBuilder<SafetyViolation>();
        int updates = 0, deletes = 0;
        foreach (var c in changes)
        {
            if (c.Kind == ChangeKind.Update) updates++;
            else if (c.Kind == ChangeKind.Delete) deletes++;
        }

        if (existingSetCount >= policy.MinExistingSets)
        {
            if (Exceeds(updates, existingSetCount, policy.MaxUpdateFraction))
                violations.Add(new SafetyViolation(SafetyViolation.TooManyUpdates,
                    $"{updates} of {existingSetCount} existing record sets would be updated ({Percent(updates, existingSetCount)}), above the {Percent(policy.MaxUpdateFraction)} limit"));
            if (Exceeds(deletes, existingSetCount, policy.MaxDeleteFraction))
                violations.Add(new SafetyViolation(SafetyViolation.TooManyDeletes,
                    $"{deletes} of {existingSetCount} existing record sets would be deleted ({Percent(deletes, existingSetCount)}), above the {Percent(policy.MaxDeleteFraction)} limit"));
        }

        foreach (var c in changes)
        {
            if (!c.Key.Name.Equals(zone)) continue;
            if (c.Key.Type == RecordType.NS)
                violations.Add(new SafetyViolation(SafetyViolation.ApexNsChange,
                    $"the apex NS set of {zone} would be {Verb(c.Kind)}: this changes who answers for the zone"));
            else if (c.Key.Type == RecordType.SOA)
                violations.Add(new SafetyViolation(SafetyViolation.ApexSoaChange,
                    $"the apex SOA of {zone} would be {Verb(c.Kind)}"));
        }
        return new SafetyVerdict(violations.ToImmutable());
    }

    private static bool Exceeds(int count, int existing, double fraction)
    {
        // Compare in millionths so that 3/10 against 0.30 is exactly equal, not a floating-point near miss.
        var limit = (long)Math.Round(fraction * 1_000_000);
        return (long)count * 1_000_000 > limit * existing;
    }

    private static string Verb(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => "created",
        ChangeKind.Update => "updated",
        _ => "deleted",
    };

    private static string Percent(int part, int whole) => Percent((double)part / whole);
    private static string Percent(double fraction) => fraction.ToString("0.#%", CultureInfo.InvariantCulture);
}
