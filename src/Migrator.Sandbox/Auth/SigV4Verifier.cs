using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Migrator.Sandbox.Auth;

/// <summary>The parts of an HTTP request that SigV4 covers, exactly as they were received.</summary>
public sealed record SignedRequest(string Method, string RawPath, string RawQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>Why a signature was refused; codes are AWS's.</summary>
public sealed record SigV4Failure(string Code, string Message);

/// <summary>
/// Verifies AWS Signature Version 4 from scratch: parses the Authorization header, rebuilds the canonical
/// request from the bytes received, derives the key with the HMAC chain and compares in constant time.
/// </summary>
public sealed class SigV4Verifier(Func<string, string?> secretForAccessKey, TimeProvider time, TimeSpan maxSkew)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public SigV4Failure? Verify(SignedRequest request, string expectedService, string expectedRegion = "us-east-1")
    {
        if (!request.Headers.TryGetValue("authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization))
            return new SigV4Failure("MissingAuthenticationToken", "Missing Authentication Token");
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
            return new SigV4Failure("IncompleteSignature", $"Unsupported AWS 'algorithm': '{authorization.Split(' ')[0]}'");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) fields[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
            return new SigV4Failure("IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
            return new SigV4Failure("IncompleteSignature", "Credential should be scoped to a valid region, not ''. ");
        var (accessKey, scopeDate, region, service) = (scope[0], scope[1], scope[2], scope[3]);
        var secret = secretForAccessKey(accessKey);
        if (secret is null)
            return new SigV4Failure("InvalidClientTokenId", "The security token included in the request is invalid.");
        if (service != expectedService)
            return new SigV4Failure("SignatureDoesNotMatch", $"Credential should be scoped to correct service: '{expectedService}'. ");
        if (region != expectedRegion)
            return new SigV4Failure("SignatureDoesNotMatch", $"Credential should be scoped to a valid region, not '{region}'. ");

        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate) ||
            !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
            return new SigV4Failure("IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        if (!amzDate.StartsWith(scopeDate, StringComparison.Ordinal))
            return new SigV4Failure("SignatureDoesNotMatch", $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        var now = time.GetUtcNow().UtcDateTime;
        if ((signedAt - now).Duration() > maxSkew)
        {
            var bound = signedAt < now ? $"is now earlier than {now.Add(-maxSkew):yyyyMMdd'T'HHmmss'Z'} ({now:yyyyMMdd'T'HHmmss'Z'} - {maxSkew.TotalMinutes:0} min.)"
                                       : $"is now later than {now.Add(maxSkew):yyyyMMdd'T'HHmmss'Z'} ({now:yyyyMMdd'T'HHmmss'Z'} + {maxSkew.TotalMinutes:0} min.)";
            return new SigV4Failure("RequestExpired", $"Signature expired: {amzDate} {bound}");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host"))
            return new SigV4Failure("SignatureDoesNotMatch", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        var canonical = CanonicalRequest(request, headerNames);
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scopeDate}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = SigningKey(secret, scopeDate, region, service);
        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
            return new SigV4Failure("SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        return null;
    }

    public static string CanonicalRequest(SignedRequest request, IReadOnlyList<string> signedHeaders)
    {
        var sb = new StringBuilder();
        sb.Append(request.Method).Append('\n');
        sb.Append(CanonicalPath(request.RawPath)).Append('\n');
        sb.Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (var h in signedHeaders)
            sb.Append(h).Append(':').Append(request.Headers.TryGetValue(h, out var v) ? NormalizeHeaderValue(v) : "").Append('\n');
        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n');
        sb.Append(Hex(SHA256.HashData(request.Body)));
        return sb.ToString();
    }

    /// <summary>Non-S3 services encode each path segment once more on top of the encoding already on the wire.</summary>
    public static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath)) return "/";
        return string.Join('/', rawPath.Split('/').Select(UriEncode));
    }

    public static string CanonicalQuery(string rawQuery)
    {
        var q = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (q.Length == 0) return "";
        return string.Join('&', q.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=');
                var k = eq < 0 ? p : p[..eq];
                var v = eq < 0 ? "" : p[(eq + 1)..];
                return (K: UriEncode(Uri.UnescapeDataString(k)), V: UriEncode(Uri.UnescapeDataString(v)));
            })
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal)
            .Select(p => p.K + "=" + p.V));
    }

    private static string NormalizeHeaderValue(string value)
    {
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c is ' ' or '\t') { if (!space) sb.Append(' '); space = true; continue; }
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static string UriEncode(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(k, "aws4_request"u8.ToArray());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
