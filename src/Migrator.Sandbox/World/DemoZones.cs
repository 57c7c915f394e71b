using System.Globalization;

namespace Migrator.Sandbox.World;

/// <summary>
/// The world's first state as BIND master files: the root, the TLD "example." (RFC 2606, so nothing leaks into real
/// names) and the old provider's demo zones. Addresses in the demo data are TEST-NET (RFC 5737/3849), never contacted.
/// </summary>
public static class DemoZones
{
    public const string Tld = "example.";
    public const string Shop = "shop.example.";
    public const string Legacy = "legacy.example.";
    public const string Signed = "signed.example.";

    public static readonly IReadOnlyList<string> Demo = [Shop, Legacy, Signed];
    public static readonly IReadOnlyList<string> OldProviderNameServers = ["ns1.oldhost.example.", "ns2.oldhost.example."];
    public static readonly IReadOnlyList<string> Route53NameServers = ["ns-1.route53.example.", "ns-2.route53.example.", "ns-3.route53.example.", "ns-4.route53.example."];

    /// <summary>Demo zones registered at the emulated Route 53 Domains; the rest use the manual registrar page.</summary>
    public static readonly IReadOnlyList<string> AtRoute53Domains = [Shop, Signed];
    public static readonly IReadOnlyList<string> AtManualRegistrar = [Legacy];

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Root(WorldOptions o) => $"""
        $TTL 86400
        .                      SOA a.root-servers.example. hostmaster.nic.example. 1 1800 900 604800 60
        .                      NS  a.root-servers.example.
        example.               NS  ns1.nic.example.
        ns1.nic.example.       A   {o.TldAddress}
        a.root-servers.example. A  {o.RootAddress}
        """ + "\n";

    /// <summary>The TLD with the demo delegations; <paramref name="signedDs"/> is the DS of signed.example (presentation).</summary>
    public static string TldZone(WorldOptions o, IEnumerable<string> signedDs)
    {
        var d = I(o.DelegationTtl);
        var text = $"""
            $TTL 3600
            $ORIGIN example.
            @                  SOA ns1.nic.example. hostmaster.nic.example. 1 1800 900 604800 {I(o.NegativeTtl)}
            @                  NS  ns1.nic.example.
            ns1.nic            A   {o.TldAddress}
            a.root-servers     A   {o.RootAddress}
            ns1.oldhost        A   {o.OldProviderAddress}
            ns2.oldhost        A   {o.OldProviderAddress}
            ns-1.route53       A   {o.Route53Address}
            ns-2.route53       A   {o.Route53Address}
            ns-3.route53       A   {o.Route53Address}
            ns-4.route53       A   {o.Route53Address}
            shop        {d}    NS  ns1.oldhost.example.
            shop        {d}    NS  ns2.oldhost.example.
            legacy      {d}    NS  ns1.oldhost.example.
            legacy      {d}    NS  ns2.oldhost.example.
            signed      {d}    NS  ns1.oldhost.example.
            signed      {d}    NS  ns2.oldhost.example.
            """ + "\n";
        foreach (var ds in signedDs) text += $"signed {d} DS {ds}\n";
        return text;
    }

    private static string Head(WorldOptions o, string zone) => $"""
        $TTL {I(o.RecordTtl)}
        $ORIGIN {zone}
        @   SOA ns1.oldhost.example. hostmaster.oldhost.example. 2026120101 3600 600 604800 {I(o.NegativeTtl)}
        @   {I(o.DelegationTtl)} NS ns1.oldhost.example.
        @   {I(o.DelegationTtl)} NS ns2.oldhost.example.
        """ + "\n";

    /// <summary>A realistic company zone (about 50 records).</summary>
    public static string ShopZone(WorldOptions o) => Head(o, Shop) + """
        @                    A     192.0.2.10
        @                    AAAA  2001:db8::10
        www                  A     192.0.2.10
        www                  AAAA  2001:db8::10
        api                  A     192.0.2.20
        api                  A     192.0.2.21
        api                  AAAA  2001:db8::20
        admin                A     192.0.2.22
        static               A     192.0.2.23
        status               A     192.0.2.24
        docs                 CNAME www
        blog                 CNAME www.shop.example.
        cdn                  CNAME edge.shop.example.
        edge                 CNAME edge-1.shop.example.
        edge-1               A     192.0.2.50
        edge-1               AAAA  2001:db8::50
        *.preview            CNAME www
        *.apps               A     192.0.2.60
        @                    MX    10 mx1.shop.example.
        @                    MX    20 mx2.shop.example.
        mx1                  A     192.0.2.25
        mx1                  AAAA  2001:db8::25
        mx2                  A     192.0.2.26
        mail                 CNAME mx1
        @                    TXT   "v=spf1 mx ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
        @                    TXT   "stripe-verification=5a1b2c3d4e"
        _dmarc               TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@shop.example; pct=100; adkim=s; aspf=s"
        selector1._domainkey TXT   "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4QMq6X9u3mGgPp8MeuQdwCx9Tcp8Ly1ntCdXIHr5Q7jEyZi2NxGpto7Bj4jgsln6R9HSxwi9XSGe2fKaiMhBlRYtiHNra2Gx0rB6YzH8VmbSwPNT9UabtS8u7zdv8oXKT86zIaWoSrHuL9697+MnUhak2tTB" "rZEUR6JkeesJGWDY6UHsKh0k7tgma8HpphkBZNq3xIvseFSpO2583U6TL8xC4kCXH4oeGI/gGygNojaIJo2USf3fw9HMJoNSN8gjfsM7AE3M84e7eg1fDA7dDlvkuT0hjG6T83SNnXJZ8Z5J5DV4vAeHG6gdQQmTUTzn1ntm3DCe9ZjntwmoizhNvQIDAQAB"
        @                    CAA   0 issue "letsencrypt.org"
        @                    CAA   0 issuewild ";"
        @                    CAA   0 iodef "mailto:security@shop.example"
        _sip._tcp            SRV   10 60 5060 sip.shop.example.
        _sip._tcp            SRV   20 40 5060 sip2.shop.example.
        _imaps._tcp          SRV   0 1 993 mx1.shop.example.
        sip                  A     192.0.2.30
        sip2                 A     192.0.2.31
        verify               TXT   "google-site-verification=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "ms-domain-verification=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
        vpn                  A     192.0.2.40
        vpn                  AAAA  2001:db8::40
        shop                 A     192.0.2.41
        checkout             CNAME shop
        payments             A     192.0.2.42
        img                  CNAME cdn
        ftp                  A     192.0.2.43
        intranet             A     192.0.2.44
        _acme-challenge      TXT   "sandbox-acme-token"
        """ + "\n";

    /// <summary>Records BIND serves that Route 53 refuses or that need a decision in the records review.</summary>
    public static string LegacyZone(WorldOptions o) => Head(o, Legacy) + $"""
        @                    A     192.0.2.80
        www                  A     192.0.2.80
        old                  DNAME shop.example.
        @                    SPF   "v=spf1 ip4:192.0.2.0/24 -all"
        @                    TXT   "v=spf1 ip4:192.0.2.0/24 -all"
        server               HINFO "PC-Intel" "Linux"
        admin                RP    hostmaster.legacy.example. .
        @                    MX    10 mail.legacy.example.
        mail                 CNAME mailhost.legacy.example.
        mailhost             A     192.0.2.81
        archive     {I(o.LongTtls[0])}   A     192.0.2.82
        files       {I(o.LongTtls[1])}   CNAME archive
        """ + "\n";

    /// <summary>Signed at load by the old provider (see <see cref="ZoneSigner"/>); its DS sits at the TLD.</summary>
    public static string SignedZone(WorldOptions o) => Head(o, Signed) + """
        @                    A     192.0.2.90
        www                  A     192.0.2.90
        @                    MX    10 mail.signed.example.
        mail                 A     192.0.2.91
        @                    TXT   "v=spf1 mx -all"
        """ + "\n";
}
