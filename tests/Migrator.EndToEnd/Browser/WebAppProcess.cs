using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Migrator.EndToEnd.Browser;

/// <summary>
/// The real web app as its own process (`dotnet Migrator.Web.dll`, Production environment) on a free loopback port
/// (Kestrel binds port 0 and the app prints the address) with a temporary data directory, ready once /healthz answers 200.
/// </summary>
public sealed partial class WebAppProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly bool ownsDataDirectory;

    private WebAppProcess(Process process, string dataDirectory, bool ownsDataDirectory)
    {
        this.process = process;
        DataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public bool HasExited => process.HasExited;
    public int ProcessId => process.Id;

    /// <summary>Everything the process wrote so far (stdout and stderr), for assertions and failure messages.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    [GeneratedRegex(@"listening at (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>Path of the Web build output of the configuration these tests were built with.</summary>
    public static string WebDll
    {
        get
        {
            var path = typeof(WebAppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MigratorWebDll").Value!;
            if (!File.Exists(path)) throw new FileNotFoundException($"Migrator.Web is not built at {path}", path);
            return path;
        }
    }

    /// <param name="dataDirectory">Reuse a directory (e.g. after a restart); it is then left in place on dispose.</param>
    /// <param name="environment">Extra environment variables (Migrator__Mode=Real, ...).</param>
    /// <param name="workingDirectory">Where the process starts (default: the app's own directory).</param>
    public static async Task<WebAppProcess> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("migrator-e2e-").FullName;
        var dll = WebDll;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Migrator__DataDirectory"] = dataDirectory;
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var app = new WebAppProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, dataDirectory, owns);
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.process.OutputDataReceived += (_, e) => app.Collect(e.Data, address);
        app.process.ErrorDataReceived += (_, e) => app.Collect(e.Data, address);
        app.process.Exited += (_, _) => address.TrySetException(new InvalidOperationException($"Migrator.Web exited with {app.process.ExitCode} before listening:\n{app.Output}"));
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();

        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            app.BaseAddress = await address.Task.WaitAsync(timeout.Token);
            await app.WaitHealthyAsync(timeout.Token);
            return app;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"Migrator.Web was not healthy within {StartTimeout}:\n{app.Output}");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private void Collect(string? line, TaskCompletionSource<Uri> address)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success) address.TrySetResult(new Uri(match.Groups[1].Value));
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited) throw new InvalidOperationException($"Migrator.Web exited with {process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/healthz", cancellationToken)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { /* not accepting yet */ }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { /* one slow answer (a busy machine); the start timeout decides */ }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>SIGKILL, like `kill -9`: no shutdown hooks run, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); } catch (InvalidOperationException) { /* never started */ }
        process.Dispose();
        if (ownsDataDirectory)
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
