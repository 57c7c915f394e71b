using System.Diagnostics;
using System.Globalization;
using Migrator.Core.Diffing;
using Migrator.Core.Zones;

namespace Migrator.Benchmarks;

/// <summary>
/// Diff of two N-record zones (default 1,000,000) that differ in 1% of their sets (updates of values and TTLs,
/// creates, deletes), generated in memory. Times RecordSet.Group on one zone, the diff from sets and the diff from
/// records (grouping included), each with CPU time, GC pause, collections and bytes allocated. Names of the two zones
/// are separate instances, as when two files are read.
/// </summary>
internal static class DiffBenchmark
{
    public static int Run(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var zone = DomainName.Parse("example.com.");
        var sw = Stopwatch.StartNew();
        var (old, @new, expected) = Generate(zone, n);
        Console.WriteLine($"generated 2 × {n:N0} records ({expected:N0} changed sets expected) in {sw.Elapsed.TotalSeconds:F2} s");

        // Warm-up on a small slice so JIT time is not counted.
        _ = ZoneDiff.Compute(zone, old.Take(20_000), @new.Take(20_000));

        var oldSets = RecordSet.Group(old);
        var newSets = RecordSet.Group(@new);
        Measure("group records    ", () => RecordSet.Group(old), sets => $"{sets.Count:N0} sets (RecordSet.Group)");
        Measure("diff from sets   ", () => ZoneDiff.Compute(zone, oldSets, newSets), plan => Describe(plan, expected));
        Measure("diff from records", () => ZoneDiff.Compute(zone, old, @new), plan => Describe(plan, expected));
        return 0;
    }

    private static string Describe(Plan plan, int expected) =>
        plan.Changes.Length != expected
            ? throw new InvalidOperationException($"expected {expected} changes, got {plan.Changes.Length}")
            : $"{plan.Deletes:N0} deletes, {plan.Creates:N0} creates, {plan.Updates:N0} updates, hash {plan.Hash[..16]}…";

    private static void Measure<T>(string label, Func<T> run, Func<T, string> describe)
    {
        var times = new List<double>();
        var cpus = new List<double>();
        long bytes = 0;
        var pauses = new List<double>();
        var collections = new int[3];
        T result = default!;
        for (var i = 0; i < 5; i++)
        {
            result = default!; // the previous run's result does not stay live during this one
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var pause0 = GC.GetTotalPauseDuration();
            var gen0 = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
            var sw = Stopwatch.StartNew();
            result = run();
            sw.Stop();
            cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            pauses.Add((GC.GetTotalPauseDuration() - pause0).TotalSeconds);
            for (var g = 0; g < 3; g++) collections[g] += GC.CollectionCount(g) - gen0[g];
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        cpus.Sort();
        pauses.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: median {times[2]:F3} s wall (min {times[0]:F3}, max {times[^1]:F3}), median {cpus[2]:F3} s CPU, median {pauses[2]:F3} s GC pause, over 5 runs; " +
            $"{bytes / 1e6:F1} MB allocated per run; collections gen0/1/2 over the 5 runs {collections[0]}/{collections[1]}/{collections[2]}; " +
            $"{describe(result)}"));
    }

    /// <summary>N records, mostly single-value A sets, some AAAA, TXT and two-value MX sets; 1% of sets changed.</summary>
    private static (List<ResourceRecord> Old, List<ResourceRecord> New, int ExpectedChanges) Generate(DomainName zone, int n)
    {
        var rng = new Random(42);
        var old = new List<ResourceRecord>(n);
        var @new = new List<ResourceRecord>(n);
        var ttl300 = new Ttl(300); var ttl60 = new Ttl(60); var ttl3600 = new Ttl(3600);
        var changes = 0;
        var i = 0;
        while (old.Count < n)
        {
            var label = $"host{i}";
            var oldName = DomainName.Parse(label, zone);
            var newName = DomainName.Parse(label, zone);
            var kind = i % 20;
            (RecordType Type, Ttl Ttl, string[] Values) set = kind switch
            {
                < 14 => (RecordType.A, ttl300, [$"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"]),
                < 17 => (RecordType.AAAA, ttl300, [$"2001:db8::{i:x}"]),
                < 19 => (RecordType.TXT, ttl3600, [$"\"v=spf1 include:_spf{i}.example.net -all\""]),
                _ => (RecordType.MX, ttl3600, [$"10 mx1-{i}.example.net.", $"20 mx2-{i}.example.net."]),
            };
            var roll = rng.Next(400); // 1% of sets change: 4 outcomes of 400
            foreach (var v in set.Values) old.Add(new ResourceRecord(oldName, set.Type, set.Ttl, v));
            switch (roll)
            {
                case 0: changes++; break; // deleted in the new zone
                case 1: // value changed
                    changes++;
                    var changed = set.Type == RecordType.A ? "192.0.2.1"
                        : set.Type == RecordType.AAAA ? "2001:db8:ffff::1"
                        : set.Type == RecordType.TXT ? set.Values[0] + " \"x\""
                        : "30 mx9.example.net.";
                    @new.Add(new ResourceRecord(newName, set.Type, set.Ttl, changed));
                    break;
                case 2: // TTL lowered for the migration
                    changes++;
                    foreach (var v in set.Values) @new.Add(new ResourceRecord(newName, set.Type, ttl60, v));
                    break;
                default:
                    // Unchanged; values of multi-value sets listed in the other order to exercise order-insensitivity.
                    for (var k = set.Values.Length - 1; k >= 0; k--) @new.Add(new ResourceRecord(newName, set.Type, set.Ttl, set.Values[k]));
                    break;
            }
            if (roll == 3) { changes++; @new.Add(new ResourceRecord(DomainName.Parse($"new{i}", zone), RecordType.A, ttl300, "192.0.2.7")); }
            i++;
        }
        // New zone listed in another order than the old one.
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(@new));
        return (old, @new, changes);
    }
}
