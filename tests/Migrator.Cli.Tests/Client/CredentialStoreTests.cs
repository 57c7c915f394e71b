using Migrator.Cli.Client;

namespace Migrator.Cli.Tests.Client;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CredentialStoreTests : IDisposable
{
    private readonly DirectoryInfo home = Directory.CreateTempSubdirectory("migrator-cli-home-");

    public void Dispose() => home.Delete(recursive: true);

    private static StoredLogin Login(string server = "http://127.0.0.1:5080/") =>
        new(server, "operator@example.test", "mgr_" + new string('A', 43), Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(30));

    [Fact]
    public void Default_UsesXdgConfigHome_WhenSet()
    {
        var store = CredentialStore.Default(name => name switch { "XDG_CONFIG_HOME" => "/tmp/xdg", "HOME" => "/home/someone", _ => null });
        Assert.Equal("/tmp/xdg/migrator/credentials.json", store.Path);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/dir")]
    public void Default_UsesDotConfigInHome_WhenXdgConfigHomeUnsetOrRelative(string? xdg)
    {
        var store = CredentialStore.Default(name => name switch { "XDG_CONFIG_HOME" => xdg, "HOME" => "/home/someone", _ => null });
        Assert.Equal("/home/someone/.config/migrator/credentials.json", store.Path);
    }

    [Fact]
    public void Write_CreatesFileReadableOnlyByOwner_AndReadsBack()
    {
        var store = new CredentialStore(Path.Combine(home.FullName, "migrator", "credentials.json"));
        var login = Login();
        store.Write(login);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.Path)!));
        Assert.Equal(login, store.Read());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(store.Path)!));
    }

    [Fact]
    public void Write_ResetsMode_WhenReplacingAFileOthersCouldRead()
    {
        var store = new CredentialStore(Path.Combine(home.FullName, "credentials.json"));
        File.WriteAllText(store.Path, "{}");
        File.SetUnixFileMode(store.Path, (UnixFileMode)0b110_100_100);
        store.Write(Login());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Fact]
    public void Read_ReturnsNull_WhenFileMissingOrNotJson()
    {
        var store = new CredentialStore(Path.Combine(home.FullName, "credentials.json"));
        Assert.Null(store.Read());
        File.WriteAllText(store.Path, "not json");
        Assert.Null(store.Read());
    }
}
