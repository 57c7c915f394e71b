using System.Text.Json;
using System.Text.Json.Serialization;

namespace Migrator.Cli.Client;

/// <summary>What `migrator login` saved: one server and a token for it.</summary>
public sealed record StoredLogin(
    [property: JsonPropertyName("server")] string Server,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("tokenId")] Guid TokenId,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);

/// <summary>
/// The credentials file: <c>$XDG_CONFIG_HOME/migrator/credentials.json</c>, else <c>~/.config/migrator/credentials.json</c>.
/// Written atomically with mode 0600 (its folder 0700), so no other local user can read the token.
/// </summary>
public sealed class CredentialStore(string path)
{
    public string Path { get; } = path;

    public static CredentialStore Default(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg && System.IO.Path.IsPathFullyQualified(xdg)
            ? xdg
            : System.IO.Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new CredentialStore(System.IO.Path.Combine(config, "migrator", "credentials.json"));
    }

    public StoredLogin? Read()
    {
        if (!File.Exists(Path)) return null;
        try
        {
            return JsonSerializer.Deserialize<StoredLogin>(File.ReadAllText(Path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(StoredLogin login)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var temporary = Path + $".{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, login, new JsonSerializerOptions { WriteIndented = true });
        // A leftover temporary file keeps its old mode through FileMode.Create (and umask may differ): set it explicitly.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, Path, overwrite: true);
    }

    public bool Delete()
    {
        if (!File.Exists(Path)) return false;
        File.Delete(Path);
        return true;
    }
}
