using Migrator.Core.Diffing;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>A plan as the CLI prints it (zone diff, route53 import): one row per change, the counts, the safety verdict.</summary>
internal static class PlanTable
{
    /// <param name="changes">False for the counts and verdict only (a big import that is about to be applied).</param>
    public static void Write(TextWriter stdout, Plan plan, bool force, bool changes = true)
    {
        stdout.WriteLine($"Plan for {plan.Zone}  sha256:{plan.Hash}");
        if (plan.HasChanges && changes)
        {
            var rows = new List<string[]>();
            foreach (var c in plan.Changes)
            {
                var ttl = c.Kind switch
                {
                    ChangeKind.Create => c.Desired!.Ttl.ToString(),
                    ChangeKind.Delete => c.Existing!.Ttl.ToString(),
                    _ => c.Existing!.Ttl == c.Desired!.Ttl ? c.Desired.Ttl.ToString() : $"{c.Existing.Ttl} -> {c.Desired.Ttl}",
                };
                var values = c.Kind switch
                {
                    ChangeKind.Create => Values(c.Desired!),
                    ChangeKind.Delete => Values(c.Existing!),
                    _ => Values(c.Existing!) == Values(c.Desired!) ? Values(c.Desired!) : $"{Values(c.Existing!)} -> {Values(c.Desired!)}",
                };
                var name = c.Key.SetIdentifier is { } id ? $"{c.Key.Name} [{id}]" : c.Key.Name.ToString();
                rows.Add([c.Kind.ToString(), name, c.Key.Type.ToString(), ttl, values]);
            }
            var widths = Enumerable.Range(0, 4).Select(i => Math.Max(rows.Max(r => r[i].Length), new[] { "Change", "Name", "Type", "TTL" }[i].Length)).ToArray();
            stdout.WriteLine($"  {"Change".PadRight(widths[0])}  {"Name".PadRight(widths[1])}  {"Type".PadRight(widths[2])}  {"TTL".PadRight(widths[3])}  Values");
            foreach (var r in rows)
                stdout.WriteLine($"  {r[0].PadRight(widths[0])}  {r[1].PadRight(widths[1])}  {r[2].PadRight(widths[2])}  {r[3].PadRight(widths[3])}  {r[4]}");
        }
        else if (!plan.HasChanges) stdout.WriteLine("  No changes.");
        stdout.WriteLine($"{plan.Deletes} delete(s), {plan.Creates} create(s), {plan.Updates} update(s) against {plan.ExistingSetCount} existing record set(s)");
        if (plan.Safety.IsSafe) stdout.WriteLine("Safety: safe");
        else
        {
            stdout.WriteLine(force ? "Safety: UNSAFE, forced with --force:" : "Safety: UNSAFE, refused (use --force to accept):");
            foreach (var v in plan.Safety.Violations) stdout.WriteLine($"  - {v.Message}");
        }
    }

    private static string Values(RecordSet set) => string.Join(", ", set.Values.Order(StringComparer.Ordinal));
}
