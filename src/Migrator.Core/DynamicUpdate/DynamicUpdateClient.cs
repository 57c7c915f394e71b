using Migrator.Core.Tsig;
using System.Globalization;
using System.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Zones.Rdata;
using ArDomainName = ARSoft.Tools.Net.DomainName;
using ArRecordType = ARSoft.Tools.Net.Dns.RecordType;
using RecordType = Migrator.Core.Zones.RecordType;

namespace Migrator.Core.DynamicUpdate;

/// <summary>
/// Sends RFC 2136 UPDATE messages to a zone's primary server, signed with TSIG when a key is given (ARSoft.Tools.Net).
/// Expected failures (NOTAUTH, REFUSED, BADSIG, YXRRSET/NXRRSET, timeouts) come back as <see cref="DynamicUpdateResult"/>.
/// </summary>
/// <param name="time">The clock that dates TSIG signatures (BIND refuses a time more than 5 minutes off).</param>
public sealed class DynamicUpdateClient(DnsEndpoint server, TsigKey? key, TimeProvider time, TimeSpan? timeout = null)
{
    private readonly int _timeoutMs = (int)(timeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;

    public DnsEndpoint Server => server;
    public string Description => key is null ? $"RFC 2136 at {server} (unsigned)" : $"RFC 2136 at {server} with {key}";

    public async Task<DynamicUpdateResult> SendAsync(DomainName zone, IReadOnlyList<UpdatePrerequisite> prerequisites,
        IReadOnlyList<UpdateOperation> operations, CancellationToken cancellationToken = default)
    {
        DnsUpdateMessage message;
        try
        {
            message = new DnsUpdateMessage { ZoneName = Ar(zone) };
            foreach (var p in prerequisites) AddPrerequisite(message, p);
            foreach (var o in operations) AddOperation(message, o);
        }
        catch (FormatException ex)
        {
            return new DynamicUpdateResult(DynamicUpdateStatus.Failed, null, $"could not build the update for {zone}: {ex.Message}");
        }
        if (key is not null)
            message.TSigOptions = new TSigRecord(Ar(key.Name), key.ArsoftAlgorithm, time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5),
                message.TransactionID, ReturnCode.NoError, null, key.SecretBytes());

        var client = new ARSoft.Tools.Net.Dns.DnsClient([server.Address],
            [new UdpClientTransport(server.Port), new TcpClientTransport(server.Port)], false, _timeoutMs);
        DnsUpdateMessage? response;
        try
        {
            response = await client.SendUpdateAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return new DynamicUpdateResult(DynamicUpdateStatus.Failed, null, $"update of {zone} at {server} failed: {ex.GetType().Name}");
        }
        if (response is null)
            return new DynamicUpdateResult(DynamicUpdateStatus.Timeout, null,
                $"no valid response from {server} for the update of {zone} within {_timeoutMs} ms (a response whose TSIG does not verify is dropped too)");

        var tsigError = response.TSigOptions?.Error ?? ReturnCode.NoError;
        var rcode = RcodeName(response.ReturnCode);
        var detail = tsigError != ReturnCode.NoError ? $"{rcode}/{RcodeName(tsigError)}" : rcode;
        var status = response.ReturnCode switch
        {
            ReturnCode.NoError => DynamicUpdateStatus.Applied,
            ReturnCode.YXDomain or ReturnCode.NxDomain or ReturnCode.YXRRSet or ReturnCode.NXRRSet => DynamicUpdateStatus.PrerequisiteFailed,
            ReturnCode.NotAuthoritive => DynamicUpdateStatus.NotAuthorized,
            ReturnCode.Refused => DynamicUpdateStatus.Refused,
            ReturnCode.NotZone => DynamicUpdateStatus.NotZone,
            ReturnCode.ServerFailure => DynamicUpdateStatus.ServerFailure,
            _ => DynamicUpdateStatus.Failed,
        };
        var message2 = status switch
        {
            DynamicUpdateStatus.Applied => $"{operations.Count} operation(s) applied to {zone} at {server}",
            DynamicUpdateStatus.PrerequisiteFailed => $"prerequisite failed ({rcode}): {zone} at {server} does not hold what was expected; nothing changed",
            DynamicUpdateStatus.NotAuthorized when tsigError != ReturnCode.NoError =>
                $"{server} rejected the signature ({RcodeName(tsigError)}) of {(key?.ToString() ?? "the update")}",
            DynamicUpdateStatus.NotAuthorized => $"{server} is not authoritative (primary) for {zone}, or the key is not allowed to update it",
            DynamicUpdateStatus.Refused => $"{server} refused the update of {zone} (update policy or unknown key)",
            DynamicUpdateStatus.NotZone => $"a name in the update lies outside {zone}",
            _ => $"{server} answered {rcode} to the update of {zone}",
        };
        return new DynamicUpdateResult(status, detail, message2);
    }

    private static string RcodeName(ReturnCode code) => code switch
    {
        ReturnCode.BadSig => "BADSIG",
        ReturnCode.BadKey => "BADKEY",
        ReturnCode.BadTime => "BADTIME",
        _ => DnsClientProbe.RcodeName((int)code),
    };

    private static void AddPrerequisite(DnsUpdateMessage m, UpdatePrerequisite p)
    {
        switch (p)
        {
            case UpdatePrerequisite.RecordSetEquals e:
                foreach (var r in e.Expected.Records) m.Prequisites.Add(new RecordExistsValueDependantPrequisite(ToArsoft(r with { Ttl = new Ttl(0) })));
                break;
            case UpdatePrerequisite.RecordSetExists e: m.Prequisites.Add(new RecordExistsValueIndependantPrequisite(Ar(e.Name), (ArRecordType)e.Type.Code)); break;
            case UpdatePrerequisite.RecordSetAbsent e: m.Prequisites.Add(new RecordNotExistsPrequisite(Ar(e.Name), (ArRecordType)e.Type.Code)); break;
            case UpdatePrerequisite.NameInUse e: m.Prequisites.Add(new NameIsInUsePrequisite(Ar(e.Name))); break;
            case UpdatePrerequisite.NameNotInUse e: m.Prequisites.Add(new NameIsNotInUsePrequisite(Ar(e.Name))); break;
            default: throw new ArgumentOutOfRangeException(nameof(p), p, "unknown prerequisite");
        }
    }

    private static void AddOperation(DnsUpdateMessage m, UpdateOperation o)
    {
        switch (o)
        {
            case UpdateOperation.ReplaceRecordSet r:
                m.Updates.Add(new DeleteAllRecordsUpdate(Ar(r.Set.Name), (ArRecordType)r.Set.Type.Code));
                foreach (var rec in r.Set.Records) m.Updates.Add(new AddRecordUpdate(ToArsoft(rec)));
                break;
            case UpdateOperation.DeleteRecordSet d: m.Updates.Add(new DeleteAllRecordsUpdate(Ar(d.Name), (ArRecordType)d.Type.Code)); break;
            case UpdateOperation.AddRecord a: m.Updates.Add(new AddRecordUpdate(ToArsoft(a.Record))); break;
            case UpdateOperation.DeleteRecord d: m.Updates.Add(new DeleteRecordUpdate(ToArsoft(d.Record with { Ttl = new Ttl(0) }))); break;
            default: throw new ArgumentOutOfRangeException(nameof(o), o, "unknown operation");
        }
    }

    internal static ArDomainName Ar(DomainName name) => name.IsRoot ? ArDomainName.Root : ArDomainName.Parse(name.ToString().TrimEnd('.'));

    /// <summary>Presentation-form record to an ARSoft record: typed for common types, ARSoft's master-file parser otherwise.</summary>
    internal static DnsRecordBase ToArsoft(ResourceRecord r)
    {
        var name = Ar(r.Name);
        var ttl = (int)r.Ttl.Seconds;
        var f = r.Data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var t = r.Type;
        if (t == RecordType.A || t == RecordType.AAAA)
        {
            var ip = IPAddress.Parse(r.Data.Trim());
            return t == RecordType.A ? new ARecord(name, ttl, ip) : new AaaaRecord(name, ttl, ip);
        }
        if (t == RecordType.NS) return new NsRecord(name, ttl, ArName(f[0]));
        if (t == RecordType.CNAME) return new CNameRecord(name, ttl, ArName(f[0]));
        if (t == RecordType.PTR) return new PtrRecord(name, ttl, ArName(f[0]));
        if (t == RecordType.MX) return new MxRecord(name, ttl, ushort.Parse(f[0], CultureInfo.InvariantCulture), ArName(f[1]));
        if (t == RecordType.SRV)
            return new SrvRecord(name, ttl, ushort.Parse(f[0], CultureInfo.InvariantCulture), ushort.Parse(f[1], CultureInfo.InvariantCulture),
                ushort.Parse(f[2], CultureInfo.InvariantCulture), ArName(f[3]));
        if (t == RecordType.TXT) return new TxtRecord(name, ttl, Strings(r.Data));
        if (t == RecordType.CAA)
            return new CAARecord(name, ttl, byte.Parse(f[0], CultureInfo.InvariantCulture), f[1],
                string.Concat(Strings(string.Join(' ', f.Skip(2)))));
        if (t == RecordType.DS)
            return new DsRecord(name, RecordClass.INet, ttl, ushort.Parse(f[0], CultureInfo.InvariantCulture),
                (DnsSecAlgorithm)byte.Parse(f[1], CultureInfo.InvariantCulture), (DnsSecDigestType)byte.Parse(f[2], CultureInfo.InvariantCulture),
                Convert.FromHexString(string.Concat(f.Skip(3))));
        var zone = Zone.ParseMasterFile(ArDomainName.Root, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            $"{r.Name} {ttl} IN {r.Type} {r.Data}\n")));
        return zone.FirstOrDefault() ?? throw new FormatException($"cannot encode {r.Name} {r.Type} '{r.Data}'");
    }

    private static IEnumerable<string> Strings(string presentation) =>
        CharacterStrings.Parse(presentation, EscapeBase.Decimal).Select(System.Text.Encoding.UTF8.GetString);

    private static ArDomainName ArName(string presentation) =>
        presentation == "." ? ArDomainName.Root : ArDomainName.Parse(presentation.TrimEnd('.'));
}
