using System.Globalization;
using System.Net;

namespace Migrator.Sandbox.Tests.Support;

/// <summary>
/// BIND's validator asked one question of one authoritative server, trusting one key of the zone (a static trust
/// anchor, no root): the check that a signer's answers validate. One home for the anchor file and delv's arguments.
/// </summary>
public static class Delv
{
    /// <param name="dnskey">The anchor's DNSKEY RDATA in presentation form: "FLAGS PROTOCOL ALGORITHM BASE64".</param>
    public static async Task<ProcessResult> QueryAsync(IPEndPoint server, string zone, string dnskey, string name, string type)
    {
        var f = dnskey.Split(' ', 4, StringSplitOptions.TrimEntries);
        var anchor = Path.Combine(Path.GetTempPath(), $"anchor-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(anchor, $"trust-anchors {{ \"{zone}\" static-key {f[0]} {f[1]} {f[2]} \"{f[3]}\"; }};\n");
        try
        {
            return await TestProcess.RunAsync("delv", [$"@{server.Address}", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-a", anchor,
                $"+root={zone}", "+tcp", name, type]);
        }
        finally { File.Delete(anchor); }
    }

    /// <summary>Asserts that delv says <paramref name="expect"/> (e.g. "; fully validated") for the question, with its whole output when not.</summary>
    public static async Task AssertSaysAsync(IPEndPoint server, string zone, string dnskey, string name, string type, string expect)
    {
        var delv = await QueryAsync(server, zone, dnskey, name, type);
        Assert.True((delv.StdOut + delv.StdErr).Contains(expect, StringComparison.Ordinal), $"{name} {type}: expected '{expect}'\n{delv}");
    }
}
