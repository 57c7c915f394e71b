using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Migrator.Web.Infrastructure;

/// <summary>The one place where an exception becomes an HTTP answer: a ProblemDetails body, no stack trace, no message of an unexpected exception.</summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "Changed by someone else", "Reload and try again."),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "Client closed request", null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The error was logged with the trace id below."),
        };
        // The trace id the answer shows is the one in this log line, so "trace id X" on an error page finds its stack trace.
        var traceId = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
        if (status < 500) logger.LogInformation("Mapped {ExceptionType} to {Status} for {Method} {Path} (trace id {TraceId})", exception.GetType().Name, status, http.Request.Method, http.Request.Path, traceId);
        else logger.LogError(exception, "Unexpected error for {Method} {Path} (trace id {TraceId})", http.Request.Method, http.Request.Path, traceId);

        http.Response.StatusCode = status;
        var body = new ProblemDetails { Status = status, Title = title, Detail = detail };
        body.Extensions["traceId"] = traceId;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = body,
        });
    }
}
