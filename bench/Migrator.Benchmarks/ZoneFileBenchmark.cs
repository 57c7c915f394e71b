using System.Diagnostics;
using System.Globalization;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Benchmarks;

/// <summary>
/// Times our streaming reader (count records), read+write, and named-checkzone -i none on the same generated zone,
/// and shows memory (peak working set, GC allocations) to confirm streaming keeps the heap bounded.
/// </summary>
internal static class ZoneFileBenchmark
{
    public static int Run(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var dir = Directory.CreateTempSubdirectory("zonebench-");
        try
        {
            var path = Path.Combine(dir.FullName, "big.zone");
            var sw = Stopwatch.StartNew();
            Generate(path, n);
            Console.WriteLine($"generated {n:N0} records, {new FileInfo(path).Length / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F2} s: {path}");
            var origin = DomainName.Parse("example.com.");

            // Warm-up on a prefix, twice, with a pause so tiered JIT has promoted the hot paths before timing.
            var prefix = string.Join('\n', File.ReadLines(path).Take(100_000));
            for (var i = 0; i < 2; i++)
            {
                _ = ZoneFileReader.ReadEntries(new StringReader(prefix), "warm", origin).Count();
                _ = ZoneFileReader.Read(new StringReader(prefix), "warm", origin).Records.Count;
                Thread.Sleep(500);
            }

            sw.Restart();
            long lines = 0;
            using (var reader = new StreamReader(path))
            {
                var lexer = new ZoneLexer(reader);
                var line = new LogicalLine();
                while (lexer.ReadLine(line)) lines++;
            }
            Console.WriteLine($"ours   lexer only:             {sw.Elapsed.TotalSeconds,6:F2} s  ({lines:N0} logical lines)");

            GC.Collect();
            // ZONE_ALLOC=1: bytes by type during the streaming read, sampled from the runtime's allocation ticks.
            using var trace = Environment.GetEnvironmentVariable("ZONE_ALLOC") == "1" ? new AllocTrace() : null;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
            sw.Restart();
            long records = 0, errors = 0;
            long maxHeap = 0;
            foreach (var e in ZoneFileReader.ReadEntries(path, origin))
            {
                if (e is ZoneFileRecordEntry) { if (++records % 100_000 == 0) maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false)); }
                else if (e is ZoneFileDiagnosticEntry { Diagnostic.IsError: true }) errors++;
            }
            var readTime = sw.Elapsed;
            var readAlloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
            Console.WriteLine($"ours   read (stream, count):   {readTime.TotalSeconds,6:F2} s  {records / readTime.TotalSeconds,12:N0} rec/s  records={records:N0} errors={errors}  GC allocated {readAlloc / 1e6:N0} MB, max heap seen {maxHeap / 1e6:N0} MB");
            if (trace is not null) { trace.Dispose(); trace.Print(); }

            sw.Restart();
            var outPath = Path.Combine(dir.FullName, "out.zone");
            using (var writer = new StreamWriter(outPath, false, new System.Text.UTF8Encoding(false), 1 << 16))
            {
                foreach (var e in ZoneFileReader.ReadEntries(path, origin))
                    if (e is ZoneFileRecordEntry r) ZoneFileWriter.Write(writer, r.Record);
            }
            var rwTime = sw.Elapsed;
            Console.WriteLine($"ours   read+write (stream):    {rwTime.TotalSeconds,6:F2} s  {records / rwTime.TotalSeconds,12:N0} rec/s  output {new FileInfo(outPath).Length / 1e6:F1} MB");

            var pause0 = GC.GetTotalPauseDuration();
            var gen2 = GC.CollectionCount(2);
            var (gen0, gen1) = (GC.CollectionCount(0), GC.CollectionCount(1));
            sw.Restart();
            var gcTrace = Environment.GetEnvironmentVariable("ZONE_GC") == "1" ? new GcTrace() : null;
            var full = ZoneFileReader.Read(path, origin);
            var fullTime = sw.Elapsed;
            if (gcTrace is not null) { gcTrace.Dispose(); gcTrace.Print(); }
            Console.WriteLine($"       (GC pauses during Read: {(GC.GetTotalPauseDuration() - pause0).TotalSeconds:F2} s, collections gen0/gen1/gen2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2})");
            Console.WriteLine($"ours   Read (BIND load rules): {fullTime.TotalSeconds,6:F2} s  {full.Records.Count / fullTime.TotalSeconds,12:N0} rec/s  records={full.Records.Count:N0} ok={full.Succeeded}  heap now {GC.GetTotalMemory(false) / 1e6:N0} MB");
            full = null;

            sw.Restart();
            var psi = new ProcessStartInfo("named-checkzone") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-i", "none", "-k", "ignore", "example.com", path }) psi.ArgumentList.Add(a);
            string bindOut;
            int bindCode;
            using (var p = Process.Start(psi)!)
            {
                bindOut = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                bindCode = p.ExitCode;
            }
            var bindTime = sw.Elapsed;
            Console.WriteLine($"BIND   named-checkzone -i none:{bindTime.TotalSeconds,6:F2} s  {records / bindTime.TotalSeconds,12:N0} rec/s  exit={bindCode} {bindOut.Trim().Split('\n').LastOrDefault()}");
            Console.WriteLine($"speed-up (stream read vs BIND): {bindTime / readTime:F2}x;  peak working set of this process {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB (includes the full Read)");
            return 0;
        }
        finally { dir.Delete(recursive: true); }
    }

    internal static void Generate(string path, int n)
    {
        var rng = new Random(42);
        using var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        w.Write("$TTL 3600\n@ IN SOA ns1 hostmaster ( 2024010101 1h 15m 2w 5m )\n  IN NS ns1\n  IN NS ns2\nns1 A 192.0.2.1\nns2 A 192.0.2.2\n");
        for (var i = 5; i < n; i++)
        {
            switch (i % 10)
            {
                case 0: case 1: case 2: case 3:
                    w.Write($"host{i} 300 IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n"); break;
                case 4:
                    w.Write($"host{i} IN AAAA 2001:db8::{i & 0xffff:x}:{rng.Next(65536):x}\n"); break;
                case 5:
                    w.Write($"www{i} CNAME host{i - 1}\n"); break;
                case 6:
                    w.Write($"mail{i} MX 10 mx{i % 7}.example.net.\n"); break;
                case 7:
                    w.Write($"txt{i} TXT \"v=spf1 include:_spf.example.net ~all\" \"id={i}\"\n"); break;
                case 8:
                    w.Write($"_sip._tcp.s{i} SRV 10 60 5060 sip{i % 13}.example.com.\n"); break;
                default:
                    w.Write($"c{i} CAA 0 issue \"letsencrypt.org\"\n"); break;
            }
        }
    }
}
