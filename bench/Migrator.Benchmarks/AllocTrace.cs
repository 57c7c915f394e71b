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

/// <summary>Each collection's generation, reason (0 small allocation, 4 large allocation, ...) and pause, from the runtime's GC events: <c>ZONE_GC=1</c>.</summary>
public sealed class GcTrace : EventListener
{
    private readonly List<string> _lines = [];
    private DateTime _start;
    protected override void OnEventSourceCreated(EventSource s)
    {
        if (s.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(s, EventLevel.Informational, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null) return;
        if (e.EventName.StartsWith("GCStart")) { _start = e.TimeStamp; lock (_lines) _lines.Add($"gen{e.Payload![e.PayloadNames!.IndexOf("Depth")]} reason {e.Payload![e.PayloadNames.IndexOf("Reason")]}"); }
        else if (e.EventName.StartsWith("GCEnd")) lock (_lines) if (_lines.Count > 0) _lines[^1] += $" {(e.TimeStamp - _start).TotalMilliseconds:F0} ms";
    }
    public void Print() { lock (_lines) foreach (var l in _lines) Console.WriteLine("  " + l); }
}
