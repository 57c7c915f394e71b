using System.Net;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneTransfer;

public enum AxfrErrorKind
{
    /// <summary>The server answered REFUSED: transfers not allowed to this client (or a key is required).</summary>
    Refused,
    /// <summary>The server answered NOTAUTH: not authoritative for the zone, or it rejected the TSIG key.</summary>
    NotAuthoritative,
    /// <summary>The TSIG exchange failed: unknown key, bad signature, clock skew, or an unsigned/invalid answer.</summary>
    TsigFailed,
    /// <summary>Nothing listened on the port.</summary>
    ConnectionRefused,
    /// <summary>No connection or no complete answer within the timeout.</summary>
    Timeout,
    /// <summary>The answers did not form a transfer: no leading SOA, no closing SOA, or the stream broke off.</summary>
    MalformedTransfer,
    /// <summary>Any other response code (SERVFAIL, NOTIMP, FORMERR...).</summary>
    ServerError,
}

/// <summary>Why a transfer failed, in words a person can act on. Never contains a TSIG secret.</summary>
public sealed record AxfrError(AxfrErrorKind Kind, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// The outcome of one AXFR. Invariant: exactly one of <see cref="Error"/> and success; on success the records hold the
/// zone once (the closing SOA removed), with <see cref="ResourceRecord.Data"/> in canonical presentation form.
/// </summary>
public sealed record AxfrResult(IReadOnlyList<ResourceRecord> Records, AxfrError? Error, IPEndPoint Server)
{
    public bool Succeeded => Error is null;

    public static AxfrResult Fail(IPEndPoint server, AxfrErrorKind kind, string message) => new([], new AxfrError(kind, message), server);
}
