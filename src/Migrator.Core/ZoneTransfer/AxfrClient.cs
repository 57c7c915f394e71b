using Migrator.Core.Tsig;
using System.Net;
using System.Net.Sockets;
using Migrator.Core.Zones;
using Ar = ARSoft.Tools.Net;
using ArDns = ARSoft.Tools.Net.Dns;

namespace Migrator.Core.ZoneTransfer;

/// <summary>
/// Full zone transfer (RFC 5936) over TCP with ARSoft.Tools.Net, which reads every message of a multi-message transfer
/// (DnsClient.NET does not). Expected failures — REFUSED, NOTAUTH, TSIG errors, timeouts, nothing listening, a stream
/// that is not SOA…SOA — come back as <see cref="AxfrResult.Error"/>; only bugs throw.
/// </summary>
public static class AxfrClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <param name="time">The clock that dates the TSIG request and checks the answers' signing times.</param>
    public static async Task<AxfrResult> TransferAsync(DomainName zone, IPEndPoint server, TimeProvider time, TsigKey? tsig = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var where = $"AXFR of {zone} from {Format(server)}";

        using var transport = new SequentialTcpTransport(server.Port, limit);
        var client = new ArDns.DnsClient([server.Address], [transport], false, (int)limit.TotalMilliseconds);
        var query = new ArDns.DnsMessage();
        query.Questions.Add(new ArDns.DnsQuestion(Ar.DomainName.Parse(zone.ToString()), ArDns.RecordType.Axfr, ArDns.RecordClass.INet));
        if (tsig is not null)
            query.TSigOptions = new ArDns.TSigRecord(Ar.DomainName.Parse(tsig.Name.ToString()), tsig.ArsoftAlgorithm,
                time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), query.TransactionID, ArDns.ReturnCode.NoError, null, tsig.SecretBytes());

        var response = await client.SendMessageAsync(query, cancellationToken);
        if (response is null || transport.Failure is not null)
        {
            var kind = transport.Failure ?? AxfrErrorKind.MalformedTransfer;
            var detail = transport.Failure is null
                ? $"no usable answer after {transport.MessagesReceived} message(s) (an unreadable message, or a signature that does not verify)"
                : transport.FailureDetail;
            return AxfrResult.Fail(server, kind, $"{where} failed{(kind == AxfrErrorKind.Timeout ? " (timed out)" : "")}: {detail}.");
        }

        if (CheckResponseCode(response, zone, tsig, where) is { } rcodeError) return new AxfrResult([], rcodeError, server);
        if (tsig is not null && (response.TSigOptions is null || response.TSigOptions.ValidationResult != ArDns.ReturnCode.NoError))
            return AxfrResult.Fail(server, AxfrErrorKind.TsigFailed,
                $"{where}: the answer is {(response.TSigOptions is null ? "not signed" : "signed with an invalid signature")} although the request used key {tsig.Name}; refusing the data.");

        if (tsig is not null && !TsigVerifier.TryVerify(transport.Request!, transport.Messages, tsig, time.GetUtcNow(), out var tsigError))
            return AxfrResult.Fail(server, AxfrErrorKind.TsigFailed, $"{where}: TSIG verification failed: {tsigError}; refusing the data.");

        var answers = new List<ResourceRecord>(response.AnswerRecords.Count);
        foreach (var message in transport.Messages)
            if (!AxfrMessageReader.TryReadAnswers(message, answers, out var readError))
                return AxfrResult.Fail(server, AxfrErrorKind.MalformedTransfer, $"{where}: unreadable message: {readError}.");
        if (answers.Count != response.AnswerRecords.Count)
            throw new InvalidOperationException($"read {answers.Count} answer records from the wire but ARSoft parsed {response.AnswerRecords.Count}");
        return Convert(answers, zone, server, where);
    }

    private static AxfrError? CheckResponseCode(ArDns.DnsMessage response, DomainName zone, TsigKey? tsig, string where)
    {
        var tsigError = response.TSigOptions?.Error ?? ArDns.ReturnCode.NoError;
        if (tsigError != ArDns.ReturnCode.NoError)
        {
            // RFC 8945 §5.3: the TSIG error field carries BADSIG (16), BADKEY (17), BADTIME (18), BADTRUNC (22).
            var reason = (int)tsigError switch
            {
                16 => $"the server rejected the signature (BADSIG): the secret of key {tsig?.Name} does not match the server's",
                17 => $"the server does not know key {tsig?.Name} (BADKEY)",
                18 => "the server rejected the signature time (BADTIME): check both clocks",
                22 => "the server rejected the truncated MAC (BADTRUNC)",
                _ => $"TSIG error {(int)tsigError}",
            };
            return new AxfrError(AxfrErrorKind.TsigFailed, $"{where} failed: {reason}.");
        }
        return response.ReturnCode switch
        {
            ArDns.ReturnCode.NoError => null,
            ArDns.ReturnCode.Refused => new AxfrError(AxfrErrorKind.Refused,
                $"{where} was refused (REFUSED): the server does not allow transfers of this zone to this address" +
                (tsig is null ? "; if it requires a TSIG key, pass --tsig NAME:ALG:SECRET." : $" with key {tsig.Name}.")),
            ArDns.ReturnCode.NotAuthoritive => new AxfrError(AxfrErrorKind.NotAuthoritative,
                $"{where} failed (NOTAUTH): the server is not authoritative for {zone}" + (tsig is null ? "." : $", or it rejected key {tsig.Name}.")),
            ArDns.ReturnCode.NotZone => new AxfrError(AxfrErrorKind.NotAuthoritative, $"{where} failed (NOTZONE): {zone} is not a zone on this server."),
            var other => new AxfrError(AxfrErrorKind.ServerError, $"{where} failed: the server answered {RcodeName(other)}."),
        };
    }

    private static AxfrResult Convert(List<ResourceRecord> answers, DomainName zone, IPEndPoint server, string where)
    {
        if (answers.Count == 0 || answers[0].Type != RecordType.SOA)
            return AxfrResult.Fail(server, AxfrErrorKind.MalformedTransfer,
                $"{where} is malformed: the first record is {(answers.Count == 0 ? "missing" : answers[0].Type.ToString())}, not the zone's SOA (RFC 5936 §2.2).");
        if (!answers[0].Name.Equals(zone))
            return AxfrResult.Fail(server, AxfrErrorKind.MalformedTransfer, $"{where} is malformed: the leading SOA belongs to {answers[0].Name}, not {zone}.");
        if (answers.Count < 2 || answers[^1].Type != RecordType.SOA)
            return AxfrResult.Fail(server, AxfrErrorKind.MalformedTransfer,
                $"{where} is malformed: it does not end with the SOA (RFC 5936 §2.2); the transfer is incomplete.");
        answers.RemoveAt(answers.Count - 1);
        return new AxfrResult(answers, null, server);
    }

    private static string RcodeName(ArDns.ReturnCode code) => code switch
    {
        ArDns.ReturnCode.ServerFailure => "SERVFAIL",
        ArDns.ReturnCode.FormatError => "FORMERR",
        ArDns.ReturnCode.NotImplemented => "NOTIMP",
        ArDns.ReturnCode.NxDomain => "NXDOMAIN",
        _ => $"RCODE {(int)code}",
    };

    internal static string Format(IPEndPoint server) =>
        server.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{server.Address}]:{server.Port}" : $"{server.Address}:{server.Port}";

    /// <summary>Parses "IP", "IP:PORT", "[IPv6]:PORT" (port 53 by default).</summary>
    public static bool TryParseServer(string text, out IPEndPoint? server, out string error)
    {
        server = null; error = "";
        if (IPAddress.TryParse(text, out var bare)) { server = new IPEndPoint(bare, 53); return true; }
        if (IPEndPoint.TryParse(text, out var ep) && ep.Port != 0) { server = ep; return true; }
        error = $"'{text}' is not IP[:PORT] (for IPv6 with a port: [2001:db8::1]:53)";
        return false;
    }
}
