using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.Dns;
using Migrator.Sandbox.Tests.Support;
using ArDomainName = ARSoft.Tools.Net.DomainName;

namespace Migrator.Sandbox.Tests.Dns;

/// <summary>The zone signer's output, checked record by record (delv and dnssec-verify check a few answers and whole zones).</summary>
public sealed class ZoneSigningTests
{
    [Fact]
    public async Task SignRecords_PassesDnssecVerify_WhenTheZoneHasManyRrsets()
    {
        // RFC 6605 §4: an ECDSA P-256 signature is r and s as 32 octets each; ARSoft's signer got about 1 RRset in 100
        // wrong (dnssec-verify: "No correct signature"), so 600 names make a bad signature all but certain.
        var apex = ArDomainName.Parse("many.example.");
        var records = new List<DnsRecordBase>
        {
            new SoaRecord(apex, 300, ArDomainName.Parse("ns1.many.example."), ArDomainName.Parse("hostmaster.many.example."), 1, 3600, 600, 604800, 60),
            new NsRecord(apex, 300, ArDomainName.Parse("ns1.many.example.")),
        };
        for (var i = 0; i < 600; i++)
            records.Add(new ARecord(ArDomainName.Parse($"h{i}.many.example."), 60, System.Net.IPAddress.Parse($"192.0.2.{i % 250 + 1}")));
        var signatures = ZoneSigning.SignRecords(apex, records,
            [DnssecKey.Create(keySigning: true)], DnssecKey.Create(keySigning: false), DateTimeOffset.UtcNow, 3600);
        var rrsigs = signatures.Where(r => r.Type == Migrator.Core.Zones.RecordType.RRSIG).ToList();
        Assert.True(rrsigs.Count > 1200, $"{rrsigs.Count} signatures");
        var wrong = rrsigs.Where(r => Convert.FromBase64String(string.Concat(r.Data.Split(' ').Skip(8))).Length != 64).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {rrsigs.Count} signatures are not 64 octets: {string.Join(" | ", wrong.Take(3).Select(w => $"{w.Name} {w.Data}"))}");
        // Every signature checked by BIND's verifier, not only their length.
        var file = Path.Combine(Path.GetTempPath(), $"many-{Guid.NewGuid():N}.zone");
        await File.WriteAllLinesAsync(file, records.Select(Migrator.Sandbox.World.WorldUpdates.ToCore).Concat(signatures)
            .Select(r => $"{r.Name} {r.Ttl.Seconds} IN {r.Type} {r.Data}"));
        try
        {
            var verify = await TestProcess.RunAsync("dnssec-verify", ["-o", "many.example", file]);
            Assert.True(verify.ExitCode == 0, verify.ToString()[..Math.Min(3000, verify.ToString().Length)]);
        }
        finally { File.Delete(file); }
    }
}
