using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Migrator.Cli.Client;

/// <summary>One answer of the server: its status, its JSON body (a ProblemDetails on failure), and the exit code it maps to.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement? Body)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;

    /// <summary>401/403/409/423 are refusals (exit 1); other 4xx are bad input (exit 2); 5xx means the server failed (exit 69).</summary>
    public int ExitCode => (int)Status switch
    {
        >= 200 and < 300 => ExitCodes.Success,
        401 or 403 or 409 or 423 => ExitCodes.Refused,
        >= 400 and < 500 => ExitCodes.BadInput,
        _ => ExitCodes.Unavailable,
    };

    /// <summary>"403 Forbidden: title: detail" plus each field error, for stderr.</summary>
    public string Describe()
    {
        var text = $"{(int)Status} {Status}";
        if (Body is not { ValueKind: JsonValueKind.Object } b) return text;
        if (b.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) text += ": " + title.GetString();
        if (b.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) text += ": " + detail.GetString();
        if (b.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            foreach (var field in errors.EnumerateObject())
                foreach (var message in field.Value.EnumerateArray())
                    text += $"\n  {field.Name}: {message.GetString()}";
        return text;
    }
}

/// <summary>The server could not be reached at all (refused connection, DNS, TLS, timeout of one request).</summary>
public sealed class ServerUnreachableException(Uri server, Exception inner)
    : Exception($"cannot reach {server}: {inner.Message}", inner);

/// <summary>A thin JSON client of the REST API: bearer token, ProblemDetails bodies, no retries (scripts decide).</summary>
public sealed class MigratorApiClient : IDisposable
{
    private readonly HttpClient http;

    public MigratorApiClient(ServerConnection connection, HttpMessageHandler? handler = null)
    {
        Server = connection.Server;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = connection.Server;
        http.Timeout = TimeSpan.FromSeconds(100);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("migrator-cli", typeof(MigratorApiClient).Assembly.GetName().Version?.ToString() ?? "0"));
        if (connection.Token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
    }

    public Uri Server { get; }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken);

    public Task<ApiAnswer> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = JsonContent.Create(body ?? new { }) }, cancellationToken);

    public Task<ApiAnswer> PutAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, Relative(path)) { Content = JsonContent.Create(body) }, cancellationToken);

    public Task<ApiAnswer> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, Relative(path)), cancellationToken);

    public async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ServerUnreachableException(Server, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(Server, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement? body = null;
            if (text.Length > 0)
            {
                try { body = JsonDocument.Parse(text).RootElement.Clone(); }
                catch (JsonException) { body = JsonSerializer.SerializeToElement(new { title = "The server's answer is not JSON", detail = text.Length > 300 ? text[..300] : text }); }
            }
            return new ApiAnswer(response.StatusCode, body);
        }
    }

    /// <summary>Paths are relative so a server URL with a path prefix (https://host/migrator/) keeps it.</summary>
    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    public void Dispose() => http.Dispose();
}
