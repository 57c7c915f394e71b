using System.Diagnostics;
using System.Globalization;
using System.Net;
using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.World;

namespace Migrator.Benchmarks;

/// <summary>
/// `world [N]`: what the sandbox world costs — start time (first start, which creates keys and signs signed.example,
/// and later starts from the data directory), the managed heap and working set it adds, and one resolution through
/// each resolver. Everything on 127.77.200.x (loopback only).
/// </summary>
public static class WorldBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 5;
        var data = Directory.CreateTempSubdirectory("migrator-world-bench-").FullName;
        try
        {
            var starts = new List<double>();
            long heapDelta = 0, setDelta = 0;
            for (var i = 0; i <= runs; i++)
            {
                var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
                var setBefore = Environment.WorkingSet;
                var clock = Stopwatch.StartNew();
                var world = await SandboxWorld.StartAsync(new WorldOptions { AddressPrefix = "127.77.200", DataDirectory = data });
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (i == 0)
                {
                    Console.WriteLine($"first start (keys created, signed.example signed): {elapsed:F0} ms");
                    heapDelta = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
                    setDelta = Environment.WorkingSet - setBefore;
                    clock.Restart();
                    for (var r = 0; r < world.Resolvers.Count; r++) await ResolveAsync(world.ResolverEndPoint(r));
                    Console.WriteLine($"one cold resolution of www.shop.example A through each of {world.Resolvers.Count} resolvers: {clock.Elapsed.TotalMilliseconds:F0} ms");
                }
                else starts.Add(elapsed);
                await world.DisposeAsync();
            }
            starts.Sort();
            Console.WriteLine($"restart from the data directory, {runs} runs: median {starts[starts.Count / 2]:F0} ms, max {starts[^1]:F0} ms");
            Console.WriteLine($"added by the first start: managed heap {heapDelta / 1024.0 / 1024:F1} MiB, working set {setDelta / 1024.0 / 1024:F1} MiB");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task ResolveAsync(IPEndPoint resolver)
    {
        var client = new ARSoft.Tools.Net.Dns.DnsClient([resolver.Address], [new UdpClientTransport(resolver.Port)], false, 5000);
        var answer = await client.ResolveAsync(ARSoft.Tools.Net.DomainName.Parse("www.shop.example."), RecordType.A, RecordClass.INet,
            new DnsQueryOptions { IsRecursionDesired = true });
        if (answer is null || answer.ReturnCode != ReturnCode.NoError || answer.AnswerRecords.Count == 0)
            throw new InvalidOperationException($"{resolver} did not resolve www.shop.example: {answer?.ReturnCode}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
