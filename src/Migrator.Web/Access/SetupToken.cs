using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Migrator.Core.Hosting;

namespace Migrator.Web.Access;

/// <summary>
/// Real mode's one-time proof that whoever creates the first administrator can read the console or the data directory:
/// issued at start while no account exists, printed once and written to &lt;data&gt;/setup-token (0600), consumed by /setup.
/// </summary>
public sealed class SetupToken(IOptions<MigratorOptions> options)
{
    public const string FileName = "setup-token";

    private readonly Lock _gate = new();
    private byte[]? _token;

    public string FilePath => Path.Combine(options.Value.DataDirectory!, FileName);

    public bool IsIssued { get { lock (_gate) return _token is not null; } }

    /// <summary>A new token (the previous one, if any, stops working).</summary>
    public string Issue()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(24));
        lock (_gate) _token = Encoding.ASCII.GetBytes(token);
        var path = FilePath;
        File.Delete(path);
        using (var stream = Migrator.Web.Hosting.PrivateFile.CreateNew(path))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(token);
        return token;
    }

    /// <summary>Constant-time comparison; false when no token is issued.</summary>
    public bool Matches(string? candidate)
    {
        lock (_gate)
        {
            if (_token is null || candidate is null) return false;
            return CryptographicOperations.FixedTimeEquals(_token, Encoding.ASCII.GetBytes(candidate.Trim()));
        }
    }

    public void Consume()
    {
        lock (_gate) _token = null;
        try { File.Delete(FilePath); } catch (IOException) { }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
