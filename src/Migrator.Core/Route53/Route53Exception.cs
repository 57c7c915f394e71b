using System.Net;

namespace Migrator.Core.Route53;

/// <summary>
/// An error answer from Route 53 or Route 53 Domains. Invariant: <see cref="Code"/> is the bare error code
/// (namespace and "#" prefix removed); <see cref="Messages"/> holds each InvalidChangeBatch problem separately.
/// </summary>
public sealed class Route53Exception : Exception
{
    public Route53Exception(string code, string message, HttpStatusCode statusCode, string? requestId,
        IReadOnlyList<string>? messages = null, bool? retryable = null)
        : base($"{code}: {Summary(message, messages)} (HTTP {(int)statusCode}{(requestId is null ? "" : $", request {requestId}")})")
    {
        Code = code;
        ErrorMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Messages = messages ?? [message];
        Retryable = retryable ?? IsRetryable(code, statusCode);
    }

    private static string Summary(string message, IReadOnlyList<string>? messages) =>
        messages is { Count: > 5 } ? $"{string.Join("; ", messages.Take(5))}; and {messages.Count - 5} more problems" : message;

    public string Code { get; }
    public string ErrorMessage { get; }
    public HttpStatusCode StatusCode { get; }
    public string? RequestId { get; }
    public IReadOnlyList<string> Messages { get; }

    /// <summary>True when sending the same request again later may succeed (throttling, a zone busy, a server fault).</summary>
    public bool Retryable { get; }

    /// <summary>Throttling, PriorRequestNotComplete and 5xx are retried; InvalidChangeBatch/InvalidInput and the rest never.</summary>
    public static bool IsRetryable(string code, HttpStatusCode status) => code switch
    {
        "Throttling" or "ThrottlingException" or "ThrottledException" or "RequestLimitExceeded" or "TooManyRequestsException"
            or "PriorRequestNotComplete" or "RequestTimeout" or "RequestTimeoutException" => true,
        "InvalidChangeBatch" or "InvalidInput" => false,
        _ => (int)status >= 500 || status == HttpStatusCode.TooManyRequests,
    };
}
