using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Migrator.Sandbox.Auth;

namespace Migrator.Sandbox.Tests.Support;

/// <summary>Signs test requests with SigV4 (the verifier's canonical form is checked against AWS vectors separately).</summary>
public sealed class SigningHandler(string accessKey, string secret, string service = "route53") : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.Authority,
            ["x-amz-date"] = amzDate,
        };
        if (request.Content?.Headers.ContentType is { } contentType) headers["content-type"] = contentType.ToString();
        if (request.Headers.TryGetValues("X-Amz-Target", out var target)) headers["x-amz-target"] = target.Single();
        var signed = headers.Keys.Order(StringComparer.Ordinal).ToList();
        var canonical = SigV4Verifier.CanonicalRequest(new SignedRequest(request.Method.Method, request.RequestUri.AbsolutePath,
            request.RequestUri.Query.TrimStart('?'), headers, body), signed);
        var scope = $"{date}/us-east-1/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigV4Verifier.SigningKey(secret, date, "us-east-1", service), Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={string.Join(';', signed)}, Signature={signature}");
        return await base.SendAsync(request, ct);
    }
}
