using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Ports;

/// <summary>Asks one given DNS server one question. Expected failures (timeout, refusal, network) are in the result.</summary>
public interface IDnsProbe
{
    Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Per-query settings. Recursion is off unless asked: authoritative checks must not be answered from a cache.
/// <see cref="AnswersOnly"/> lets a bulk caller skip the authority and additional sections of non-empty answers.
/// <see cref="DnssecOk"/> sets the EDNS DO bit: signatures come back, and a validating resolver sets AD on secure answers.</summary>
public sealed record ProbeOptions(bool Recursion = false, bool TcpOnly = false, bool AnswersOnly = false, bool DnssecOk = false)
{
    /// <summary>A recursive query with DO set: what a validating resolver says about a name (AD = secure).</summary>
    public static readonly ProbeOptions Validating = new(Recursion: true, DnssecOk: true);
    public static readonly ProbeOptions Bulk = new(AnswersOnly: true);
    public static readonly ProbeOptions Default = new();
    public static readonly ProbeOptions Recursive = new(Recursion: true);
}

/// <summary>Why a query produced no usable answer. <see cref="None"/> means a response arrived (its rcode may still be an error).</summary>
public enum ProbeErrorKind { None, Timeout, Refused, Network, Malformed }

/// <summary>
/// One response (or the failure to get one). Invariant: when <see cref="Error"/> is Timeout, Network or Malformed the
/// sections are empty and <see cref="ResponseCode"/> is null; every record's Data is canonical presentation form.
/// </summary>
public sealed record ProbeResult(
    DnsEndpoint Server,
    DomainName Name,
    RecordType Type,
    ProbeErrorKind Error,
    string? ResponseCode,
    bool Authoritative,
    bool Truncated,
    IReadOnlyList<ResourceRecord> Answers,
    IReadOnlyList<ResourceRecord> Authorities,
    IReadOnlyList<ResourceRecord> Additionals,
    TimeSpan Latency,
    string? ErrorMessage = null,
    bool AuthenticData = false)
{
    public bool Responded => Error is ProbeErrorKind.None or ProbeErrorKind.Refused;
    public bool IsNoError => ResponseCode == "NOERROR";
    public bool IsNxDomain => ResponseCode == "NXDOMAIN";

    /// <summary>Answer records owned by the question name with the question type.</summary>
    public IReadOnlyList<ResourceRecord> AnswerSet =>
        Answers.Where(r => r.Type == Type && r.Name.Equals(Name)).ToList();

    /// <summary>A referral: no answer, not authoritative, NS records in the authority section.</summary>
    public bool IsReferral => Error == ProbeErrorKind.None && IsNoError && !Authoritative && Answers.Count == 0
                              && Authorities.Any(r => r.Type == RecordType.NS);

    public static ProbeResult Failed(DnsEndpoint server, DomainName name, RecordType type, ProbeErrorKind kind,
        TimeSpan latency, string message) =>
        new(server, name, type, kind, null, false, false, [], [], [], latency, message);

    public override string ToString() => Error switch
    {
        ProbeErrorKind.None => $"{Server} {Name} {Type}: {ResponseCode}{(Authoritative ? " aa" : "")} {Answers.Count} answer(s)",
        _ => $"{Server} {Name} {Type}: {Error} {ErrorMessage}",
    };
}
