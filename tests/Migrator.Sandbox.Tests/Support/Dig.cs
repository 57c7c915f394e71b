using System.Net;
using System.Text.RegularExpressions;

namespace Migrator.Sandbox.Tests.Support;

/// <summary>dig's answer, split into header fields and sections (each record line whitespace-normalised).</summary>
public sealed partial record DigResult(string Status, string[] Flags, string[] Answer, string[] Authority, string[] Additional, string Raw)
{
    public bool IsAuthoritative => Flags.Contains("aa");

    public static DigResult Parse(string output)
    {
        var status = StatusPattern().Match(output) is { Success: true } m ? m.Groups[1].Value : "";
        var flags = FlagsPattern().Match(output) is { Success: true } f ? f.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        return new DigResult(status, flags, Section(output, "ANSWER"), Section(output, "AUTHORITY"), Section(output, "ADDITIONAL"), output);
    }

    private static string[] Section(string output, string name)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($";; {name} SECTION:", StringComparison.Ordinal));
        if (start < 0) return [];
        return lines.Skip(start + 1).TakeWhile(l => l.Trim().Length > 0 && !l.StartsWith(";;", StringComparison.Ordinal))
            .Where(l => !l.StartsWith(';'))
            .Select(l => Whitespace().Replace(l.Trim(), " ")).ToArray();
    }

    [GeneratedRegex(@"status: ([A-Z]+)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@";; flags: ([a-z ]+);")]
    private static partial Regex FlagsPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public override string ToString() => Raw;
}

public static class Dig
{
    public static async Task<DigResult> QueryAsync(IPEndPoint server, string name, string type = "A", params string[] extra)
    {
        var result = await TestProcess.RunAsync("dig", [$"@{server.Address}", "-p", server.Port.ToString(), "+norec", "+time=2", "+tries=1", .. extra, name, type]);
        Assert.True(result.ExitCode == 0, $"dig failed: {result}");
        return DigResult.Parse(result.StdOut);
    }
}
