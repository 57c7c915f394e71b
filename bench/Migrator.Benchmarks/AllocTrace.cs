using System.Diagnostics.Tracing;
namespace Migrator.Benchmarks;
/// <summary>Bytes allocated by type, sampled from the runtime's GC allocation ticks (about one per 100 KB), in process:
/// where a benchmark's allocations go without dotnet-trace. <c>PARITY_ALLOC=1</c> turns it on for the parity benchmark.</summary>
public sealed class AllocTrace : EventListener
{
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Bytes = new();
    protected override void OnEventSourceCreated(EventSource s)
    {
        if (s.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(s, EventLevel.Verbose, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick")) return;
        var i = e.PayloadNames!.IndexOf("TypeName");
        var a = e.PayloadNames!.IndexOf("AllocationAmount64");
        if (i < 0) return;
        Bytes.AddOrUpdate((string)e.Payload![i]!, (long)(ulong)e.Payload![a]!, (_, v) => v + (long)(ulong)e.Payload![a]!);
    }
    public void Print() { foreach (var kv in Bytes.OrderByDescending(k => k.Value).Take(30)) Console.WriteLine($"{kv.Value,12} {kv.Key}"); }
}
