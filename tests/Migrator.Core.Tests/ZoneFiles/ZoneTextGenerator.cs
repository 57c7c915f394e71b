using System.Globalization;
using System.Text;

namespace Migrator.Core.Tests.ZoneFiles;

/// <summary>
/// Generates valid zone files (BIND loads them) with the features that break importers: escapes, relative and absolute
/// names, inherited owners and TTLs, parentheses, comments, long TXT, generic data, $ORIGIN and $TTL changes.
/// </summary>
internal static class ZoneTextGenerator
{
    private static readonly string[] LabelParts = ["www", "mail", "a", "B", "x-1", "_tcp", "_sip", "*", "Mixed", "host", "\\.dot", "sp\\032ace", "q\\\"uote", "\\065bc", "tab\\009"];

    public static string Generate(Random rng, int records)
    {
        var sb = new StringBuilder();
        sb.Append("$TTL ").Append(Pick(rng, ["300", "1h", "2d", "1w2d", "3600"])).Append('\n');
        sb.Append("@ IN SOA ns1 hostmaster ( ").Append(rng.Next(1, int.MaxValue)).Append(" 1h 15m 2w 5m )\n");
        sb.Append("  IN NS ns1\n  NS ns2.example.net.\nns1 A 192.0.2.53\n");
        var inSub = false;
        var cnameOwners = 0;
        var lastWasCname = false;
        for (var i = 0; i < records; i++)
        {
            if (rng.Next(40) == 0 && !lastWasCname)
            {
                inSub = !inSub;
                sb.Append(inSub ? "$ORIGIN sub.example.com.\n" : "$ORIGIN example.com.\n");
                continue;
            }
            if (rng.Next(50) == 0 && !lastWasCname) { sb.Append("$TTL ").Append(rng.Next(0, 100000)).Append('\n'); continue; }
            if (rng.Next(30) == 0) { sb.Append("; comment ( \" ; only\n"); }
            if (rng.Next(60) == 0 && !lastWasCname)
            {
                var start = rng.Next(0, 230);
                sb.Append($"$GENERATE {start}-{start + rng.Next(0, 20)}/{rng.Next(1, 4)} gen{i}-${{0,{rng.Next(0, 4)},{Pick(rng, ["d", "x", "X", "o"])}}} {Pick(rng, ["A 10.0.0.$", "PTR host$.example.net.", "TXT \"v$\"", "AAAA 2001:db8::${10,4,x}"])}\n");
                continue;
            }
            var typeIndex = rng.Next(20);
            string owner;
            if (typeIndex == 15) owner = $"cname{cnameOwners++}";
            else if (typeIndex == 7) owner = $"ds{i}"; // DS at the apex is refused by BIND
            else if (i > 0 && !lastWasCname && rng.Next(4) == 0) owner = "";
            else owner = Owner(rng);
            lastWasCname = typeIndex == 15;
            sb.Append(owner.Length == 0 ? "\t" : owner + Pick(rng, [" ", "\t", "  "]));
            if (rng.Next(3) == 0) sb.Append(rng.Next(0, 86400 * 7)).Append(' ');
            if (rng.Next(2) == 0) sb.Append("IN ");
            sb.Append(Data(rng, typeIndex));
            if (rng.Next(5) == 0) sb.Append(" ; trailing comment");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];

    private static string Owner(Random rng)
    {
        var n = rng.Next(1, 4);
        var labels = Enumerable.Range(0, n).Select(k => k == 0 ? Pick(rng, LabelParts) : Pick(rng, LabelParts).Replace("*", "w")).ToList();
        var name = string.Join('.', labels);
        return rng.Next(6) switch
        {
            0 => "@",
            1 => name + ".example.com.",
            _ => name,
        };
    }

    private static string Hex(Random rng, int bytes)
    {
        var b = new byte[bytes];
        rng.NextBytes(b);
        var s = Convert.ToHexString(b);
        return rng.Next(2) == 0 ? s.ToLowerInvariant() : s;
    }

    private static string Text(Random rng)
    {
        var len = rng.Next(0, 40);
        var sb = new StringBuilder("\"");
        for (var i = 0; i < len; i++)
        {
            var c = rng.Next(12) switch
            {
                0 => "\\\"", 1 => "\\\\", 2 => ";", 3 => " ", 4 => "\\" + rng.Next(0, 256).ToString("D3", CultureInfo.InvariantCulture), 5 => "é", 6 => "(",
                _ => ((char)rng.Next('a', 'z' + 1)).ToString(),
            };
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    private static string Data(Random rng, int typeIndex) => typeIndex switch
    {
        0 => $"A {rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}",
        1 => $"AAAA 2001:db8:{rng.Next(0x10000):x}::{rng.Next(0x10000):x}",
        2 => $"MX {rng.Next(65536)} {Owner(rng)}",
        3 => "TXT " + string.Join(' ', Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Text(rng))),
        4 => $"TXT ( {Text(rng)}\n\t\t{Text(rng)} ) ",
        5 => $"SRV {rng.Next(65536)} {rng.Next(65536)} {rng.Next(65536)} {Owner(rng)}",
        6 => $"CAA {Pick(rng, ["0", "128"])} {Pick(rng, ["issue", "issuewild", "iodef"])} {Text(rng)}",
        7 => $"DS {rng.Next(65536)} {Pick(rng, ["8", "13"])} 2 {Hex(rng, 32)}",
        8 => $"DNSKEY 257 3 13 {Convert.ToBase64String(RandomBytes(rng, 64))}",
        9 => $"SSHFP {rng.Next(1, 5)} 2 {Hex(rng, 32)}",
        10 => $"TLSA 3 1 1 ( {Hex(rng, 16)}\n {Hex(rng, 16)} )",
        11 => Generic(rng),
        12 => $"NAPTR {rng.Next(100)} {rng.Next(100)} \"S\" \"SIP+D2U\" \"\" _sip._udp",
        13 => $"HTTPS {rng.Next(1, 3)} . alpn=h2,h3 port={rng.Next(65536)} ipv4hint=192.0.2.{rng.Next(256)}",
        14 => $"PTR {Owner(rng)}",
        15 => $"CNAME {Owner(rng)}",
        16 => $"LOC {rng.Next(90)} {rng.Next(60)} {rng.Next(60)}.{rng.Next(1000):D3} {Pick(rng, ["N", "S"])} {rng.Next(180)} {rng.Next(60)} {Pick(rng, ["E", "W"])} {rng.Next(-100000, 100000)}.{rng.Next(100):D2}m {rng.Next(1, 100000)}m",
        17 => $"RRSIG {Pick(rng, ["A", "TXT", "SOA", "TYPE65000"])} {Pick(rng, ["8", "13"])} {rng.Next(2, 6)} {rng.Next(0, 86400)} {new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(rng.Next(0, 100_000_000)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)} 20240101000000 {rng.Next(65536)} {Pick(rng, ["example.com.", "Example.COM."])} {Convert.ToBase64String(RandomBytes(rng, rng.Next(1, 90)))}",
        18 => $"NSEC {Owner(rng)} {string.Join(' ', Enumerable.Range(0, rng.Next(1, 5)).Select(_ => Pick(rng, ["A", "AAAA", "NS", "TXT", "CAA", "TYPE1234", "HTTPS", "RRSIG"])).Distinct())}",
        _ => $"URI {rng.Next(65536)} {rng.Next(65536)} {Text(rng).Replace("\"\"", "\"x\"")}",
    };

    private static string Generic(Random rng)
    {
        var n = rng.Next(0, 70);
        return n == 0 ? $"TYPE{rng.Next(65280, 65535)} \\# 0" : $"TYPE{rng.Next(65280, 65535)} \\# {n} {Hex(rng, n)}";
    }

    private static byte[] RandomBytes(Random rng, int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
}
