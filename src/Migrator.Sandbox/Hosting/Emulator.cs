using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Migrator.Sandbox.Auth;
using Migrator.Sandbox.Control;
using Migrator.Sandbox.Domains;
using Migrator.Sandbox.Logs;
using Migrator.Sandbox.Persistence;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Hosting;

/// <summary>
/// The whole emulator behind one HTTP entry point: Route 53 (REST-XML under /2013-04-01/), Route 53 Domains
/// (JSON 1.1, POST / with X-Amz-Target) and the unsigned loopback-only control API under /_emulator/.
/// Pipeline per AWS call: SigV4 → call count → token bucket → injected faults → operation.
/// </summary>
public sealed class Emulator : IDisposable
{
    private readonly SigV4Verifier _verifier;
    private readonly Route53Api _route53;
    private readonly DomainsApi _domainsApi;
    private readonly LogsApi _logsApi;
    private readonly SnapshotFile? _snapshot;

    public Emulator(EmulatorOptions options)
    {
        Options = options;
        ControlToken = string.IsNullOrEmpty(options.ControlToken)
            ? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))
            : options.ControlToken;
        Route53 = new Route53State(options);
        Domains = new DomainRegistry(options);
        Faults = new FaultInjector(options.Faults);
        RateLimit = new TokenBucket(options.TimeProvider, options.RateLimitBurst, options.RateLimitPerSecond);
        _verifier = new SigV4Verifier(key => key == Options.AccessKey ? Options.SecretKey : null, options.TimeProvider, options.MaxClockSkew);
        _route53 = new Route53Api(Route53);
        _domainsApi = new DomainsApi(Domains);
        Logs = new LogsState(options);
        _logsApi = new LogsApi(Logs);
        // AWS refuses a query logging config whose log group is missing or does not let Route 53 write (InsufficientCloudWatchLogsResourcePolicy).
        Route53.QueryLogDestinationCheck = (zoneId, arn) =>
            LogsState.GroupNameFromArn(arn) is not { } group || Logs.DescribeLogGroups(group, 50, null).Page.All(g => g.Group.Name != group)
                ? new ApiError(404, "NoSuchCloudWatchLogsLogGroup", "There is no CloudWatch Logs log group with the specified ARN.")
                : Logs.AllowsRoute53(arn, zoneId) ? null
                : new ApiError(400, "InsufficientCloudWatchLogsResourcePolicy", "Amazon Route 53 doesn't have the permissions required to create log streams and send query logs to log streams.");
        if (options.DataDirectory is not null)
        {
            _snapshot = new SnapshotFile(options.DataDirectory);
            if (_snapshot.Load() is { } loaded)
            {
                if (loaded.Route53 is not null) Route53.Import(loaded.Route53);
                if (loaded.Domains is not null) Domains.Import(loaded.Domains);
            }
            Route53.Committed += () => _snapshot.Save(Route53.Export, null);
            Domains.Committed += () => _snapshot.Save(null, Domains.Export);
        }
    }

    public EmulatorOptions Options { get; }

    /// <summary>The secret the control API requires in its X-Emulator-Token header.</summary>
    public string ControlToken { get; }
    public Route53State Route53 { get; }
    public DomainRegistry Domains { get; }
    public LogsState Logs { get; }
    public FaultInjector Faults { get; }
    /// <summary>Faults of the authoritative DNS listener (REFUSED, SERVFAIL, no answer), per zone or for all.</summary>
    public DnsFaultInjector DnsFaults { get; } = new();
    public TokenBucket RateLimit { get; }
    public CallStats Stats { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/_emulator", StringComparison.Ordinal))
        {
            await ControlApi.HandleAsync(this, context);
            return;
        }
        var body = await ReadBodyAsync(request, context.RequestAborted);
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        context.Response.Headers["x-amz-request-id"] = requestId;

        if (request.Method == "POST" && request.Headers.TryGetValue("X-Amz-Target", out var target))
        {
            if (target.ToString().StartsWith(LogsApi.TargetPrefix, StringComparison.Ordinal))
                await HandleJsonAsync(context, target.ToString()[LogsApi.TargetPrefix.Length..], body, "logs", (op, b) => _logsApi.Execute(op, b));
            else
                await HandleDomainsAsync(context, target.ToString(), body, requestId);
            return;
        }

        var call = Route53Api.Route(request.Method, path);
        if (call is null)
        {
            await WriteXmlAsync(context, Route53Api.Fail(new ApiError(404, "UnknownOperationException", $"No operation matches {request.Method} {path}"), requestId), requestId);
            return;
        }
        if (Verify(context, body, "route53") is { } authFailure)
        {
            Stats.Record(call.Operation, authFailure.Code);
            await WriteXmlAsync(context, Route53Api.Fail(new ApiError(403, authFailure.Code, authFailure.Message), requestId), requestId);
            return;
        }
        var gate = await AdmitAsync(call.Operation, context.RequestAborted);
        if (gate is not null)
        {
            await WriteXmlAsync(context, Route53Api.Fail(gate, requestId), requestId);
            return;
        }
        var query = request.Query.ToDictionary(q => q.Key.ToLowerInvariant(), q => q.Value.ToString(), StringComparer.Ordinal);
        var answer = _route53.Execute(call, query, body, requestId);
        Stats.Record(call.Operation, answer.Status < 300 ? "ok" : answer.Body.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WriteXmlAsync(context, answer, requestId);
    }

    private Task HandleDomainsAsync(HttpContext context, string target, byte[] body, string requestId)
    {
        const string prefix = "Route53Domains_v20140515.";
        var operation = target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : target;
        return HandleJsonAsync(context, operation, body, "route53domains", (op, b) => _domainsApi.Execute(op, b, requestId));
    }

    /// <summary>A JSON 1.1 service (Route 53 Domains, CloudWatch Logs): SigV4 for its service name, then the common admission.</summary>
    private async Task HandleJsonAsync(HttpContext context, string operation, byte[] body, string service, Func<string, byte[], (int, JsonNode)> execute)
    {
        if (Verify(context, body, service) is { } authFailure)
        {
            // JSON-protocol services answer auth failures as 400 with their own codes.
            var (code, status) = authFailure.Code switch
            {
                "InvalidClientTokenId" => ("UnrecognizedClientException", 400),
                "SignatureDoesNotMatch" => ("InvalidSignatureException", 400),
                "MissingAuthenticationToken" => ("MissingAuthenticationTokenException", 400),
                _ => (authFailure.Code, 400),
            };
            Stats.Record(operation, code);
            await WriteJsonAsync(context, DomainsApi.Error(code, authFailure.Message), status);
            return;
        }
        var gate = await AdmitAsync(operation, context.RequestAborted);
        if (gate is not null)
        {
            await WriteJsonAsync(context, DomainsApi.Error(gate.Code == "Throttling" ? "ThrottlingException" : gate.Code, gate.Message), gate.Status);
            return;
        }
        var (status2, json) = execute(operation, body);
        Stats.Record(operation, status2 < 300 ? "ok" : json["__type"]?.GetValue<string>() ?? "error");
        await WriteJsonAsync(context, json, status2);
    }

    /// <summary>Counts the call, then applies the rate limit and any injected fault (latency first).</summary>
    private async Task<ApiError?> AdmitAsync(string operation, CancellationToken ct)
    {
        if (!RateLimit.TryTake())
        {
            Stats.Record(operation, "Throttling");
            return new ApiError(400, "Throttling", "Rate exceeded");
        }
        if (Faults.Decide(operation) is { } fault)
        {
            if (fault.LatencyMs > 0) await Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMs), Options.TimeProvider, ct);
            if (fault.Code is not null)
            {
                Stats.Record(operation, fault.Code);
                return new ApiError(fault.Status, fault.Code, fault.Message);
            }
        }
        return null;
    }

    private SigV4Failure? Verify(HttpContext context, byte[] body, string service)
    {
        if (!Options.VerifySignatures) return null;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var q = raw.IndexOf('?');
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal);
        var signed = new SignedRequest(context.Request.Method, q < 0 ? raw : raw[..q], q < 0 ? "" : raw[(q + 1)..], headers, body);
        return _verifier.Verify(signed, service);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, ct);
        return ms.ToArray();
    }

    private static async Task WriteXmlAsync(HttpContext context, XmlAnswer answer, string requestId)
    {
        if (answer.Body.Name.LocalName == "ErrorResponse" && answer.Body.Elements().FirstOrDefault(e => e.Name.LocalName == "RequestId") is { } rid)
            rid.Value = requestId;
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "text/xml";
        if (answer.Location is not null) context.Response.Headers.Location = answer.Location;
        var text = "<?xml version=\"1.0\"?>\n" + answer.Body.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        await context.Response.WriteAsync(text, Encoding.UTF8);
    }

    internal static async Task WriteJsonAsync(HttpContext context, JsonNode json, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(json.ToJsonString(), Encoding.UTF8);
    }

    internal static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is null || IPAddress.IsLoopback(context.Connection.RemoteIpAddress);

    public void Dispose()
    {
        Route53.Dispose();
        Domains.Dispose();
    }
}
