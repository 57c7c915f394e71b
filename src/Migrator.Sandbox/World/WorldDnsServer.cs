using System.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using ArDomainName = ARSoft.Tools.Net.DomainName;

namespace Migrator.Sandbox.World;

/// <summary>
/// One authoritative server of the world on its own loopback address: answers for its zones with the emulator's
/// <see cref="Dns.CompiledZone"/> logic, AXFR over TCP to holders of the zone's transfer key, RFC 2136 updates signed
/// with the zone's update key (<see cref="WorldUpdates"/>). Everything else is REFUSED.
/// </summary>
public sealed class WorldDnsServer : IDisposable
{
    private readonly IReadOnlyList<HostedWorldZone> _zones;
    private readonly WorldKeys _keys;
    private DnsServer? _server;

    internal WorldDnsServer(string name, IPEndPoint endPoint, IReadOnlyList<HostedWorldZone> zones, WorldKeys keys)
    {
        Name = name;
        EndPoint = endPoint;
        _zones = zones;
        _keys = keys;
    }

    public string Name { get; }
    public IPEndPoint EndPoint { get; }
    public IEnumerable<WorldZone> Zones => _zones.Select(z => z.Zone);

    public void Start()
    {
        var server = new DnsServer(new UdpServerTransport(EndPoint), new TcpServerTransport(EndPoint))
        {
            TsigKeySelector = (algorithm, _, keyName) => _keys.Find(keyName.ToString()) is { } k ? Convert.FromBase64String(k.SecretBase64) : null!,
        };
        server.QueryReceived += (_, e) =>
        {
            e.Response = e.Query switch
            {
                DnsUpdateMessage update => HandleUpdate(update),
                DnsMessage query => Answer(query, e.TransportProtocol == TransportProtocol.Tcp),
                _ => null,
            };
            return Task.CompletedTask;
        };
        server.Start();
        _server = server;
    }

    internal DnsMessage Answer(DnsMessage query, bool overTcp)
    {
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = false;
        if (query.OperationCode != OperationCode.Query) { response.ReturnCode = ReturnCode.NotImplemented; return response; }
        if (query.Questions.Count != 1) { response.ReturnCode = ReturnCode.FormatError; return response; }
        var question = query.Questions[0];
        var hosted = Find(question.Name);
        if (hosted is null || question.RecordClass is not (RecordClass.INet or RecordClass.Any))
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }
        var zone = hosted.Zone.Compiled;
        if (question.RecordType is RecordType.Axfr or RecordType.Ixfr)
        {
            if (!overTcp || !question.Name.Equals(hosted.Zone.ArApex) || !Signed(query, hosted.TransferKey))
            {
                response.ReturnCode = query.TSigOptions is { ValidationResult: not ReturnCode.NoError } ? ReturnCode.NotAuthoritive : ReturnCode.Refused;
                return response;
            }
            response.IsAuthoritiveAnswer = true;
            var soa = zone.SoaRecord();
            response.AnswerRecords.Add(soa);
            response.AnswerRecords.AddRange(zone.AllRecords().Where(r => r.RecordType != RecordType.Soa));
            response.AnswerRecords.Add(soa);
            SignLike(query, response);
            return response;
        }
        zone.Resolve(question.Name, question.RecordType, response);
        if (query.IsDnsSecOk && hosted.Zone.IsSigned)
        {
            response.IsDnsSecOk = true;
            zone.AddDnssec(response, question.Name);
        }
        return response;
    }

    private DnsUpdateMessage HandleUpdate(DnsUpdateMessage update)
    {
        var response = update.CreateResponseInstance();
        var hosted = _zones.FirstOrDefault(z => z.Zone.ArApex.Equals(update.ZoneName));
        if (hosted is null) { response.ReturnCode = ReturnCode.NotAuthoritive; return response; }
        if (!Signed(update, hosted.UpdateKey))
        {
            response.ReturnCode = update.TSigOptions is null ? ReturnCode.Refused : ReturnCode.NotAuthoritive;
            return response;
        }
        response.ReturnCode = WorldUpdates.Apply(hosted.Zone, update.Prequisites, update.Updates);
        SignLike(update, response);
        return response;
    }

    /// <summary>Signs a response with the request's key (RFC 8945 §4.3: ARSoft chains the request MAC when encoding).</summary>
    private void SignLike(DnsMessageBase request, DnsMessageBase response)
    {
        if (request.TSigOptions is not { } tsig || _keys.Find(tsig.Name.ToString()) is not { } key) return;
        response.TSigOptions = new TSigRecord(tsig.Name, tsig.Algorithm, DateTime.UtcNow, tsig.Fudge, response.TransactionID,
            ReturnCode.NoError, null, Convert.FromBase64String(key.SecretBase64));
    }

    private bool Signed(DnsMessageBase message, string? keyName) =>
        keyName is not null && message.TSigOptions is { } tsig && tsig.ValidationResult == ReturnCode.NoError
        && tsig.Name.Equals(ArDomainName.Parse(keyName));

    private HostedWorldZone? Find(ArDomainName qname) =>
        _zones.Where(z => qname.IsEqualOrSubDomainOf(z.Zone.ArApex)).MaxBy(z => z.Zone.ArApex.LabelCount);

    public void Dispose() => _server?.Stop();
}

/// <summary>A zone on a server, with the names of the keys that may transfer and update it (null: nobody).</summary>
internal sealed record HostedWorldZone(WorldZone Zone, string? TransferKey, string? UpdateKey);
