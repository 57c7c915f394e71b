using System.Net;
using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Migrator.Sandbox.Hosting;

namespace Migrator.Sandbox.Domains;

/// <summary>Derives a DS (SHA-256) from DNSKEY material, as a registry does when given Route 53 Domains signing attributes.</summary>
public static class DsDigest
{
    public static (int KeyTag, string Digest) Compute(string owner, int flags, int algorithm, byte[] publicKey)
    {
        var rdata = new byte[4 + publicKey.Length];
        rdata[0] = (byte)(flags >> 8); rdata[1] = (byte)flags; rdata[2] = 3; rdata[3] = (byte)algorithm;
        publicKey.CopyTo(rdata, 4);
        // RFC 4034 Appendix B key tag.
        long ac = 0;
        for (var i = 0; i < rdata.Length; i++) ac += (i & 1) == 1 ? rdata[i] : rdata[i] << 8;
        ac += (ac >> 16) & 0xFFFF;
        var tag = (int)(ac & 0xFFFF);
        using var ms = new MemoryStream();
        foreach (var label in owner.TrimEnd('.').ToLowerInvariant().Split('.'))
        {
            ms.WriteByte((byte)label.Length);
            ms.Write(System.Text.Encoding.ASCII.GetBytes(label));
        }
        ms.WriteByte(0);
        ms.Write(rdata);
        return (tag, Convert.ToHexString(SHA256.HashData(ms.ToArray())));
    }
}

/// <summary>
/// Applies registrar changes to a parent zone by RFC 2136 dynamic update (TSIG-signed when a key is configured).
/// Returns null on success, else the message the FAILED operation carries. The TSIG secret never appears in it.
/// </summary>
public static class ParentZoneUpdater
{
    public static Task<string?> ReplaceDelegationAsync(ParentZoneSpec parent, string domain, IReadOnlyList<DomainNameserver> old, IReadOnlyList<DomainNameserver> next)
    {
        var owner = DomainName.Parse(domain);
        var message = NewMessage(owner);
        message.Updates.Add(new DeleteAllRecordsUpdate(owner, RecordType.Ns));
        foreach (var ns in next) message.Updates.Add(new AddRecordUpdate(new NsRecord(owner, parent.DelegationTtl, DomainName.Parse(ns.Name))));
        // Glue belongs to in-bailiwick servers only; stale glue of servers no longer used is removed.
        foreach (var ns in old.Concat(next).Select(n => n.Name).Distinct().Where(n => InBailiwick(n, domain)))
        {
            var name = DomainName.Parse(ns);
            message.Updates.Add(new DeleteAllRecordsUpdate(name, RecordType.A));
            message.Updates.Add(new DeleteAllRecordsUpdate(name, RecordType.Aaaa));
        }
        foreach (var ns in next.Where(n => InBailiwick(n.Name, domain)))
            foreach (var ip in ns.GlueIps.Select(IPAddress.Parse))
                message.Updates.Add(new AddRecordUpdate(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                    ? new ARecord(DomainName.Parse(ns.Name), parent.DelegationTtl, ip)
                    : new AaaaRecord(DomainName.Parse(ns.Name), parent.DelegationTtl, ip)));
        return SendAsync(parent, message);
    }

    public static Task<string?> ReplaceDsAsync(ParentZoneSpec parent, string domain, IReadOnlyList<DnssecKeyData> keys)
    {
        var owner = DomainName.Parse(domain);
        var message = NewMessage(owner);
        message.Updates.Add(new DeleteAllRecordsUpdate(owner, RecordType.Ds));
        foreach (var k in keys)
            message.Updates.Add(new AddRecordUpdate(new DsRecord(owner, RecordClass.INet, parent.DelegationTtl, (ushort)k.KeyTag,
                (DnsSecAlgorithm)k.Algorithm, (DnsSecDigestType)k.DigestType, Convert.FromHexString(k.Digest))));
        return SendAsync(parent, message);
    }

    private static bool InBailiwick(string ns, string domain) => ns == domain || ns.EndsWith("." + domain, StringComparison.Ordinal);

    private static DnsUpdateMessage NewMessage(DomainName owner) =>
        new() { ZoneName = owner.GetParentName(), TransactionID = (ushort)RandomNumberGenerator.GetInt32(1, 65536) };

    private static async Task<string?> SendAsync(ParentZoneSpec parent, DnsUpdateMessage message)
    {
        if (parent.TsigKeyName is not null && parent.TsigSecretBase64 is not null)
        {
            var algorithm = parent.TsigAlgorithm.ToLowerInvariant() switch
            {
                "hmac-md5" or "hmac-md5.sig-alg.reg.int" => TSigAlgorithm.Md5,
                "hmac-sha1" => TSigAlgorithm.Sha1,
                "hmac-sha224" => TSigAlgorithm.Sha224,
                "hmac-sha384" => TSigAlgorithm.Sha384,
                "hmac-sha512" => TSigAlgorithm.Sha512,
                _ => TSigAlgorithm.Sha256,
            };
            message.TSigOptions = new TSigRecord(DomainName.Parse(parent.TsigKeyName), algorithm, DateTime.UtcNow, TimeSpan.FromMinutes(5),
                message.TransactionID, ReturnCode.NoError, null, Convert.FromBase64String(parent.TsigSecretBase64));
        }
        var client = new ARSoft.Tools.Net.Dns.DnsClient([parent.Server.Address], [new UdpClientTransport(parent.Server.Port), new TcpClientTransport(parent.Server.Port)], true, 5000);
        DnsUpdateMessage? response;
        try { response = await client.SendUpdateAsync(message); }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            return $"The registry at {parent.Server} could not be reached: {e.GetType().Name}.";
        }
        if (response is null) return $"The registry at {parent.Server} did not answer the update for {message.ZoneName}.";
        if (response.ReturnCode != ReturnCode.NoError)
            return $"The registry at {parent.Server} refused the update of zone {message.ZoneName}: {response.ReturnCode}.";
        return null;
    }
}
