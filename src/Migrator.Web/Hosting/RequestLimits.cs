using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Migrator.Web.Hosting;

/// <summary>
/// Request body caps. Kestrel refuses anything over <see cref="UploadBodyBytes"/> (the largest zone upload);
/// /api endpoints get <see cref="ApiBodyBytes"/> unless they declare their own limit
/// (<c>.WithMetadata(new RequestSizeLimitAttribute(RequestLimits.UploadBodyBytes))</c> on a zone upload).
/// </summary>
public static class RequestLimits
{
    /// <summary>64 MiB: a 500,000-record zone file in presentation format fits with room to spare.</summary>
    public const long UploadBodyBytes = 64L * 1024 * 1024;

    /// <summary>1 MiB for JSON requests: no legitimate API call (names, settings, plans to approve) comes near it.</summary>
    public const long ApiBodyBytes = 1024 * 1024;

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/api") && http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is null)
        {
            if (http.Request.ContentLength > ApiBodyBytes)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return http.Response.WriteAsJsonAsync(new { title = "Request body too large", detail = $"API requests are limited to {ApiBodyBytes} bytes." });
            }
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = ApiBodyBytes;
            else
                http.Request.Body = new CappedReadStream(http.Request.Body, ApiBodyBytes); // servers without the feature (TestServer)
        }
        return next(http);
    });
}

/// <summary>Fails a read past <c>limit</c> bytes the way Kestrel does: BadHttpRequestException with 413.</summary>
internal sealed class CappedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit) throw new BadHttpRequestException($"API requests are limited to {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        return n;
    }
}
