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
        // Serilog's request logging already records the exception with the request; only expected mappings are noted here.
        if (status < 500) logger.LogInformation("Mapped {ExceptionType} to {Status} for {Method} {Path}", exception.GetType().Name, status, http.Request.Method, http.Request.Path);

        http.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
