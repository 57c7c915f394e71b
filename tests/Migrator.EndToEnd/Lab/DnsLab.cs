using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// A real DNS hierarchy on loopback: BIND root, TLD "lab." (dynamic, TSIG tld-key), old provider (dynamic, old-key),
/// new provider (dynamic, new-key) and an unbound resolver, each on its own 127.0.4.x address, port 53.
/// Slots of five addresses are reserved with a lock file so two labs (in any process) never bind the same address.
/// Processes run in the foreground and are stopped by PID (TERM, then KILL) in <see cref="DisposeAsync"/>.
/// </summary>
public sealed class DnsLab : IAsyncDisposable
{
    public const int Slots = 8;
    public static readonly DomainName Zone = DomainName.Parse("example.lab.");
    public static readonly DomainName Tld = DomainName.Parse("lab.");
    public static readonly DomainName CanaryName = DomainName.Parse("_migrator-canary.example.lab.");

    private readonly List<Process> _processes = [];
    private FileStream? _slotLock;

    public DnsLabOptions Options { get; }
    public string Directory { get; }
    public int Slot { get; private set; }
    public IPAddress RootIp { get; private set; } = IPAddress.None;
    public IPAddress TldIp { get; private set; } = IPAddress.None;
    public IPAddress OldIp { get; private set; } = IPAddress.None;
    public IPAddress NewIp { get; private set; } = IPAddress.None;
    public IPAddress ResolverIp { get; private set; } = IPAddress.None;
    public DnsEndpoint Root => new(RootIp);
    public DnsEndpoint TldServer => new(TldIp);
    public DnsEndpoint Old => new(OldIp);
    public DnsEndpoint New => new(NewIp);
    public DnsEndpoint Resolver => new(ResolverIp);

    /// <summary>TSIG secrets (base64) for the TLD, old and new zones.</summary>
    public string TldKeySecret { get; } = NewSecret();
    public string OldKeySecret { get; } = NewSecret();
    public string NewKeySecret { get; } = NewSecret();

    /// <summary>An RFC 2136 client for the old provider's zone, signed with its TSIG key (the lab's "console" of the old provider).</summary>
    public Migrator.Core.DynamicUpdate.DynamicUpdateClient OldZoneClient() =>
        new(Old, Migrator.Core.Tsig.TsigKey.FromBase64("old-key", OldKeySecret), TimeProvider.System);

    /// <summary>A copy of the old provider's example.lab zone file as first served (for --zone-file).</summary>
    public string OldZoneFile => Path.Combine(Directory, "example.lab.zone");
    public string NewZoneFile => Path.Combine(Directory, "example.lab.new.zone");

    private DnsLab(DnsLabOptions options)
    {
        Options = options;
        Directory = Path.Combine(Path.GetTempPath(), "migrator-dnslab-" + Guid.NewGuid().ToString("N")[..10]);
    }

    public static async Task<DnsLab> StartAsync(DnsLabOptions? options = null, CancellationToken cancellationToken = default)
    {
        var lab = new DnsLab(options ?? new DnsLabOptions());
        try
        {
            lab.ReserveSlot();
            lab.WriteConfiguration();
            await lab.StartServersAsync(cancellationToken);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private void ReserveSlot()
    {
        var lockDir = Path.Combine(Path.GetTempPath(), "migrator-dnslab-slots");
        System.IO.Directory.CreateDirectory(lockDir);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            for (var slot = 0; slot < Slots; slot++)
            {
                try
                {
                    _slotLock = new FileStream(Path.Combine(lockDir, $"slot-{slot}.lock"), FileMode.OpenOrCreate,
                        FileAccess.ReadWrite, FileShare.None);
                    Slot = slot;
                    StopOrphansOfSlot();
                    var b = slot * 5 + 1;
                    RootIp = Ip(b); TldIp = Ip(b + 1); OldIp = Ip(b + 2); NewIp = Ip(b + 3); ResolverIp = Ip(b + 4);
                    RequireLoopbackAlias(RootIp, ResolverIp);
                    return;
                }
                catch (IOException) { /* slot held by another lab */ }
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"all {Slots} DNS lab slots stayed busy for 60 s");
    }

    /// <summary>
    /// A test host that died without disposing its lab leaves its servers running (they hold the slot's addresses).
    /// The slot's lock file lists the PIDs of its last owner; the lock being free means that owner is gone.
    /// </summary>
    private void StopOrphansOfSlot()
    {
        _slotLock!.Position = 0;
        var text = new StreamReader(_slotLock, leaveOpen: true).ReadToEnd();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText($"/proc/{pid}/cmdline"); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains("migrator-dnslab-", StringComparison.Ordinal)) continue; // PID reused by something else
            _ = kill(pid, 9);
        }
        _slotLock.SetLength(0);
        _slotLock.Flush();
    }

    private void RecordPids()
    {
        if (_slotLock is null) return;
        _slotLock.SetLength(0);
        var bytes = Encoding.ASCII.GetBytes(string.Concat(_processes.Select(p => p.Id.ToString(CultureInfo.InvariantCulture) + "\n")));
        _slotLock.Write(bytes);
        _slotLock.Flush();
    }

    private static IPAddress Ip(int last) => IPAddress.Parse($"127.0.4.{last.ToString(CultureInfo.InvariantCulture)}");

    private static void RequireLoopbackAlias(params IPAddress[] addresses)
    {
        var present = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToHashSet();
        foreach (var a in addresses)
            if (!present.Contains(a))
                throw new InvalidOperationException(
                    $"loopback alias {a} is missing: run scripts/setup.d/dnslab.sh as root (named binds only addresses on an interface)");
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // ---------------------------------------------------------------- configuration

    private string Dir(string name) => Path.Combine(Directory, name);

    private void WriteConfiguration()
    {
        foreach (var d in new[] { "root", "tld", "old", "new", "unbound" }) System.IO.Directory.CreateDirectory(Dir(d));
        var o = Options;
        File.WriteAllText(Dir("root.hints"), $".  3600000 NS a.root-servers.lab.\na.root-servers.lab. 3600000 A {RootIp}\n");
        File.WriteAllText(Dir("keys.conf"),
            Key("tld-key", TldKeySecret) + Key("old-key", OldKeySecret) + Key("new-key", NewKeySecret));

        File.WriteAllText(Path.Combine(Dir("root"), "db.root"), $"""
            $TTL 3600
            .                   IN SOA a.root-servers.lab. hostmaster.nic.lab. ( 1 1800 900 604800 60 )
            .                   IN NS  a.root-servers.lab.
            lab.         172800 IN NS  ns1.nic.lab.
            ns1.nic.lab. 172800 IN A   {TldIp}
            a.root-servers.lab.  IN A  {RootIp}
            """ + "\n");
        // Signed, the root takes the DS of lab. by RFC 2136 once BIND has made the TLD's key (SignRootAboveTldAsync).
        WriteNamedConf("root", RootIp, o.SignTld
            ? $$"""
              {{LabPolicy}}
              zone "." { type primary; file "db.root"; allow-update { key "tld-key"; }; dnssec-policy "lab"; key-directory "{{Dir("root")}}"; };
              """
            : "zone \".\" { type primary; file \"db.root\"; };", hint: false);

        var lame = o.LameServerAtParent
            ? $"lame-dns 172800 IN NS ns1.lame-dns\nns1.lame-dns 172800 IN A {RootIp}\nexample {o.DelegationTtl} IN NS ns1.lame-dns.lab.\n"
            : "";
        File.WriteAllText(Path.Combine(Dir("tld"), "db.lab"), $"""
            $TTL 3600
            $ORIGIN lab.
            @               IN SOA ns1.nic.lab. hostmaster.nic.lab. ( 1 1800 900 604800 {(o.SignTld ? 2 : 60)} )
            @               IN NS  ns1.nic.lab.
            ns1.nic         IN A   {TldIp}
            a.root-servers  IN A   {RootIp}
            old-dns  172800 IN NS  ns1.old-dns
            old-dns  172800 IN NS  ns2.old-dns
            ns1.old-dns 172800 IN A {OldIp}
            ns2.old-dns 172800 IN A {OldIp}
            new-dns  172800 IN NS  ns-1.new-dns
            new-dns  172800 IN NS  ns-2.new-dns
            ns-1.new-dns 172800 IN A {NewIp}
            ns-2.new-dns 172800 IN A {NewIp}
            example  {o.DelegationTtl} IN NS ns1.old-dns
            example  {o.DelegationTtl} IN NS ns2.old-dns
            """ + "\n" + lame
            + string.Concat(o.ExtraZones.Select(z => $"{z} {o.DelegationTtl} IN NS ns1.old-dns\n{z} {o.DelegationTtl} IN NS ns2.old-dns\n")));
        WriteNamedConf("tld", TldIp, o.SignTld
            ? $$"""
              {{LabPolicy}}
              zone "lab" { type primary; file "db.lab"; allow-update { key "tld-key"; }; dnssec-policy "lab"; key-directory "{{Dir("tld")}}"; };
              """
            : "zone \"lab\" { type primary; file \"db.lab\"; allow-update { key \"tld-key\"; }; };", hint: true);

        var records = OldRecords();
        var oldZone = $"""
            $TTL {o.RecordTtl}
            $ORIGIN example.lab.
            @        IN SOA ns1.old-dns.lab. hostmaster.example.lab. ( 2024010101 3600 600 604800 10 )
            @  {o.ApexNsTtl} IN NS ns1.old-dns.lab.
            @  {o.ApexNsTtl} IN NS ns2.old-dns.lab.
            """ + "\n" + records + (o.IncludeCanary ? "_migrator-canary IN TXT \"migrator-canary=old;id=lab\"\n" : "");
        File.WriteAllText(Path.Combine(Dir("old"), "db.example.lab"), oldZone);
        File.WriteAllText(OldZoneFile, oldZone);
        File.WriteAllText(Path.Combine(Dir("old"), "db.old-dns.lab"), $"""
            $TTL 3600
            $ORIGIN old-dns.lab.
            @   IN SOA ns1 hostmaster ( 1 3600 600 604800 60 )
            @   IN NS  ns1
            @   IN NS  ns2
            ns1 IN A   {OldIp}
            ns2 IN A   {OldIp}
            """ + "\n");
        foreach (var z in o.ExtraZones)
            File.WriteAllText(Path.Combine(Dir("old"), $"db.{z}.lab"), oldZone.Replace("$ORIGIN example.lab.", $"$ORIGIN {z}.lab.", StringComparison.Ordinal)
                .Replace("hostmaster.example.lab.", $"hostmaster.{z}.lab.", StringComparison.Ordinal));
        WriteNamedConf("old", OldIp, """
            zone "example.lab" { type primary; file "db.example.lab"; allow-update { key "old-key"; }; allow-transfer { 127.0.0.0/8; }; };
            zone "old-dns.lab" { type primary; file "db.old-dns.lab"; };
            """ + string.Concat(o.ExtraZones.Select(z =>
                $"zone \"{z}.lab\" {{ type primary; file \"db.{z}.lab\"; allow-update {{ key \"old-key\"; }}; allow-transfer {{ 127.0.0.0/8; }}; }};\n")), hint: true);

        var copied = o.CopyOldRecordsToNew ? records : "";
        if (o.EditNewRecords is not null) copied = o.EditNewRecords(copied);
        var newZone = $"""
            $TTL {o.RecordTtl}
            $ORIGIN example.lab.
            @     IN SOA ns-1.new-dns.lab. awsdns-hostmaster.new-dns.lab. ( 1 7200 900 1209600 10 )
            @  {o.ApexNsTtl} IN NS  ns-1.new-dns.lab.
            @  {o.ApexNsTtl} IN NS  ns-2.new-dns.lab.
            """ + "\n" + copied + (o.IncludeCanary ? "_migrator-canary IN TXT \"migrator-canary=new;id=lab\"\n" : "");
        File.WriteAllText(Path.Combine(Dir("new"), "db.example.lab"), newZone);
        File.WriteAllText(NewZoneFile, newZone);
        File.WriteAllText(Path.Combine(Dir("new"), "db.new-dns.lab"), $"""
            $TTL 3600
            $ORIGIN new-dns.lab.
            @    IN SOA ns-1 hostmaster ( 1 3600 600 604800 60 )
            @    IN NS  ns-1
            @    IN NS  ns-2
            ns-1 IN A   {NewIp}
            ns-2 IN A   {NewIp}
            """ + "\n");
        WriteNamedConf("new", NewIp, """
            zone "example.lab" { type primary; file "db.example.lab"; allow-update { key "new-key"; }; allow-transfer { 127.0.0.0/8; }; };
            zone "new-dns.lab" { type primary; file "db.new-dns.lab"; };
            """, hint: true);

        File.WriteAllText(Path.Combine(Dir("unbound"), "unbound.conf"), $"""
            server:
                interface: {ResolverIp}
                port: 53
                do-ip4: yes
                do-ip6: no
                num-threads: 1
                access-control: 127.0.0.0/8 allow
                root-hints: "{Dir("root.hints")}"
                do-not-query-localhost: no
                module-config: "{(o.SignTld ? "validator iterator" : "iterator")}"
            {(o.SignTld ? $"    trust-anchor-file: \"{TrustAnchorFile}\"\n    val-log-level: 2\n" : "")}
                chroot: ""
                username: ""
                directory: "{Dir("unbound")}"
                pidfile: "{Path.Combine(Dir("unbound"), "unbound.pid")}"
                logfile: "{Path.Combine(Dir("unbound"), "unbound.log")}"
                use-syslog: no
                verbosity: 1
                prefetch: no
                serve-expired: no
                cache-min-ttl: 0
            remote-control:
                control-enable: no
            """ + "\n");

        foreach (var d in new[] { "root", "tld", "old", "new" }) Run("named-checkconf", Path.Combine(Dir(d), "named.conf"));
        Run("named-checkzone", "-q", "-i", "local", ".", Path.Combine(Dir("root"), "db.root"));
        Run("named-checkzone", "-q", "-i", "local", "lab", Path.Combine(Dir("tld"), "db.lab"));
        Run("named-checkzone", "-q", "-i", "local", "example.lab", Path.Combine(Dir("old"), "db.example.lab"));
        Run("named-checkzone", "-q", "-i", "local", "example.lab", Path.Combine(Dir("new"), "db.example.lab"));
        if (o.StartResolver && !o.SignTld) Run("unbound-checkconf", Path.Combine(Dir("unbound"), "unbound.conf"));
    }

    /// <summary>The signing policy of the root and lab. when signed: one ECDSA P-256 key each, seconds-long TTLs for the waits.</summary>
    private const string LabPolicy = """
        dnssec-policy "lab" {
            keys { csk lifetime unlimited algorithm ecdsap256sha256; };
            dnskey-ttl 2; max-zone-ttl 172800; zone-propagation-delay 0; publish-safety 0; retire-safety 0;
            parent-ds-ttl 2; parent-propagation-delay 0;
        };
        """;

    private string TrustAnchorFile => Path.Combine(Dir("unbound"), "lab.anchor");

    /// <summary>With <see cref="DnsLabOptions.SignTld"/>: the lab root's key-signing key as a trust anchor line (what unbound and delv trust).</summary>
    public string? RootTrustAnchor { get; private set; }

    /// <summary>
    /// Builds the chain of trust from the lab root down: waits until BIND serves lab. signed, publishes the DS of its key
    /// in the root (RFC 2136, as a registry would), waits until the root serves that DS signed, then writes the root's
    /// key-signing key as unbound's trust anchor.
    /// </summary>
    private async Task SignRootAboveTldAsync(DnsClientProbe probe, Stopwatch deadline, CancellationToken cancellationToken)
    {
        await SignedKeyAsync(probe, TldServer, Tld, deadline, cancellationToken);
        var keyFile = System.IO.Directory.GetFiles(Dir("tld"), "Klab.+013+*.key").Single();
        var ds = RunOutput("dnssec-dsfromkey", "-2", keyFile).Trim(); // "lab. IN DS 12345 13 2 HEX"
        var rdata = ds[(ds.IndexOf(" DS ", StringComparison.Ordinal) + 4)..];
        var script = Path.Combine(Dir("root"), "ds.nsupdate");
        File.WriteAllText(script, $"server {RootIp} 53\nzone .\nupdate add lab. 2 IN DS {rdata}\nsend\n");
        Run("nsupdate", "-y", $"hmac-sha256:tld-key:{TldKeySecret}", script);
        var rootKsk = await SignedKeyAsync(probe, Root, DomainName.Root, deadline, cancellationToken);
        await SignedAsync(probe, Root, Tld, RecordType.DS, _ => true, deadline, cancellationToken);
        RootTrustAnchor = $". 3600 IN DNSKEY {rootKsk}";
        File.WriteAllText(TrustAnchorFile, RootTrustAnchor + "\n");
        Run("unbound-checkconf", Path.Combine(Dir("unbound"), "unbound.conf"));
    }

    /// <summary>The key-signing key of <paramref name="zone"/> once <paramref name="server"/> serves it signed.</summary>
    private async Task<string> SignedKeyAsync(DnsClientProbe probe, DnsEndpoint server, DomainName zone, Stopwatch deadline, CancellationToken cancellationToken) =>
        (await SignedAsync(probe, server, zone, RecordType.DNSKEY, k => k.Data.StartsWith("257 ", StringComparison.Ordinal), deadline, cancellationToken)).Data;

    /// <summary>
    /// Asks until <paramref name="server"/> answers <paramref name="name"/>/<paramref name="type"/> with a record that is
    /// <paramref name="wanted"/> and its signature (BIND signs a zone, or an update, a moment after loading it); that record.
    /// </summary>
    private async Task<ResourceRecord> SignedAsync(DnsClientProbe probe, DnsEndpoint server, DomainName name, RecordType type,
        Func<ResourceRecord, bool> wanted, Stopwatch deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var r = await probe.QueryAsync(server, name, type, new ProbeOptions(DnssecOk: true), cancellationToken);
            var found = r.Answers.FirstOrDefault(a => a.Type == type && wanted(a));
            if (found is not null && r.Answers.Any(a => a.Type == RecordType.RRSIG)) return found;
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                throw new InvalidOperationException($"{server} did not serve {name} {type} signed within 2 min (last answer: {r}); logs in {Directory}");
            await Task.Delay(50, cancellationToken);
        }
    }

    private string OldRecords()
    {
        var longTxt1 = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + new string('Q', 180);
        var longTxt2 = new string('R', 150) + "IDAQAB";
        var sb = new StringBuilder($"""
            @        IN A     203.0.113.10
            @        IN AAAA  2001:db8:0:1::10
            www      IN A     203.0.113.10
            www      IN AAAA  2001:db8:0:1::10
            api      IN A     203.0.113.20
            api      IN A     203.0.113.21
            blog     IN CNAME www
            docs     IN CNAME www.example.lab.
            mail     IN A     203.0.113.25
            mail2    IN A     203.0.113.26
            @        IN MX 10 mail
            @        IN MX 20 mail2
            @        IN TXT   "v=spf1 ip4:203.0.113.0/24 include:_spf.mailer.lab -all"
            @        IN TXT   "site-verification=3f9a1c2b7d"
            provider IN TXT   "shared"
            _dmarc   IN TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.lab"
            sel1._domainkey IN TXT ( "{longTxt1}" "{longTxt2}" )
            @        IN CAA   0 issue "letsencrypt.org"
            @        IN CAA   0 iodef "mailto:security@example.lab"
            _sip._tcp IN SRV  10 60 5060 sip
            sip      IN A     203.0.113.30
            *.apps   IN A     203.0.113.40
            """ + "\n");
        // 24 × ~110 octets: larger than an EDNS 1232 UDP response, so the probe must retry over TCP
        for (var i = 0; i < 24; i++)
            sb.Append(CultureInfo.InvariantCulture, $"big IN TXT \"{i:D2}-{new string('x', 100)}\"\n");
        for (var i = 0; i < Options.GeneratedNames; i++)
            sb.Append(CultureInfo.InvariantCulture, $"h{i} IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n");
        return sb.ToString();
    }

    private static string Key(string name, string secret) =>
        $"key \"{name}\" {{ algorithm hmac-sha256; secret \"{secret}\"; }};\n";

    private void WriteNamedConf(string name, IPAddress ip, string zones, bool hint)
    {
        var dir = Dir(name);
        var conf = $$"""
            options {
                directory "{{dir}}";
                pid-file "{{dir}}/named.pid";
                session-keyfile "{{dir}}/session.key";
                managed-keys-directory "{{dir}}";
                dump-file "{{dir}}/cache_dump.db";
                statistics-file "{{dir}}/named.stats";
                listen-on port 53 { {{ip}}; };
                listen-on-v6 { none; };
                recursion no;
                dnssec-validation no;
                notify no;
                allow-transfer { none; };
                allow-query { 127.0.0.0/8; };
                query-source address {{ip}};
            };
            controls { };
            include "{{Dir("keys.conf")}}";
            logging {
                channel f { file "{{dir}}/named.log" versions 2 size 10m; print-time yes; print-category yes; print-severity yes; severity info; };
                category default { f; };
            };
            """ + "\n";
        if (hint) conf += $"zone \".\" {{ type hint; file \"{Dir("root.hints")}\"; }};\n";
        File.WriteAllText(Path.Combine(dir, "named.conf"), conf + zones + "\n");
    }

    // ---------------------------------------------------------------- processes

    private async Task StartServersAsync(CancellationToken cancellationToken)
    {
        foreach (var d in new[] { "root", "tld", "old", "new" })
            StartProcess("named", "-f", "-c", Path.Combine(Dir(d), "named.conf"));
        RecordPids();
        using var probe = new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromMilliseconds(300), Retries: 0));
        // unbound needs the signed TLD's key as its trust anchor, which BIND makes when it loads the zone.
        if (Options.SignTld) await SignRootAboveTldAsync(probe, Stopwatch.StartNew(), cancellationToken);
        if (Options.StartResolver) StartProcess("unbound", "-d", "-c", Path.Combine(Dir("unbound"), "unbound.conf"));
        RecordPids();

        var checks = new List<Func<Task<bool>>>
        {
            () => Answers(probe, Root, DomainName.Root),
            () => Answers(probe, TldServer, Tld),
            () => Answers(probe, Old, Zone),
            () => Answers(probe, New, Zone),
        };
        if (Options.StartResolver) checks.Add(() => Answers(probe, Resolver, Tld, recursive: true));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var exited = _processes.FirstOrDefault(p => p.HasExited);
            if (exited is not null)
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with {exited.ExitCode} during start-up; logs in {Directory}");
            var ok = true;
            foreach (var c in checks) if (!await c()) { ok = false; break; }
            if (ok) return;
            if (deadline.Elapsed > TimeSpan.FromMinutes(2)) // generous: BIND and unbound start slowly on a loaded machine
                throw new InvalidOperationException($"DNS lab in slot {Slot} did not answer within 2 min; logs in {Directory}");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<bool> Answers(DnsClientProbe probe, DnsEndpoint server, DomainName zone, bool recursive = false)
    {
        var r = await probe.QueryAsync(server, zone, RecordType.SOA, recursive ? ProbeOptions.Recursive : ProbeOptions.Default);
        return r.Error == ProbeErrorKind.None && r.IsNoError && r.AnswerSet.Count == 1;
    }

    private void StartProcess(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // drain the pipes so a chatty server never blocks on a full pipe
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
    }

    private static void Run(string file, params string[] args) => RunOutput(file, args);

    private static string RunOutput(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stdout.Result}{stderr}");
        return stdout.Result;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
    private const int SigTerm = 15;

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) _ = kill(p.Id, SigTerm); } catch (InvalidOperationException) { }
        }
        foreach (var p in _processes)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await p.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException) { p.Kill(); await p.WaitForExitAsync(); }
            }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        _processes.Clear();
        _slotLock?.Dispose();
        _slotLock = null;
        try { if (Environment.GetEnvironmentVariable("MIGRATOR_KEEP_LAB") is null) System.IO.Directory.Delete(Directory, true); }
        catch (IOException) { }
    }
}
