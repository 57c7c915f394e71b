using Migrator.Core.Route53;

namespace Migrator.Core.Tests.Route53;

/// <summary>Credentials through AWSSDK.Core's chain; environment changes are process-wide, so these run alone.</summary>
[CollectionDefinition(nameof(AwsEnvironmentCollection), DisableParallelization = true)]
public sealed class AwsEnvironmentCollection;

[Collection(nameof(AwsEnvironmentCollection))]
public sealed class AwsCredentialSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r53creds").FullName;
    private readonly Dictionary<string, string?> _saved = [];

    public AwsCredentialSourceTests() => Set("AWS_EC2_METADATA_DISABLED", "true");

    private void Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    [Fact]
    public async Task For_ReadsNamedProfile_FromSharedCredentialsFile()
    {
        var file = Path.Combine(_dir, "credentials");
        await File.WriteAllTextAsync(file, "[migrator-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n");
        var creds = await SdkCredentialSource.For(new AwsAccountOptions { Name = "p", Profile = "migrator-test", ProfilesLocation = file }).GetAsync(CancellationToken.None);
        Assert.Equal(("AKIDPROFILE", "profile-secret", (string?)null), (creds.AccessKey, creds.SecretKey, creds.SessionToken));
    }

    [Fact]
    public void For_ThrowsWithProfileName_WhenProfileIsMissing()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SdkCredentialSource.For(new AwsAccountOptions { Profile = "nope", ProfilesLocation = Path.Combine(_dir, "none") }));
        Assert.Contains("'nope'", e.Message);
    }

    [Fact]
    public async Task For_UsesEnvironment_WhenNoProfileOrKeysAreConfigured()
    {
        Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_dir, "none"));
        Set("AWS_CONFIG_FILE", Path.Combine(_dir, "none-config"));
        Set("AWS_PROFILE", null);
        Set("AWS_ACCESS_KEY_ID", "AKIDENV");
        Set("AWS_SECRET_ACCESS_KEY", "env-secret");
        Set("AWS_SESSION_TOKEN", "env-token");
        var creds = await SdkCredentialSource.For(new AwsAccountOptions()).GetAsync(CancellationToken.None);
        Assert.Equal(("AKIDENV", "env-secret", "env-token"), (creds.AccessKey, creds.SecretKey, creds.SessionToken));
    }

    [Fact]
    public async Task For_PrefersExplicitKeys_OverChain()
    {
        var creds = await SdkCredentialSource.For(new AwsAccountOptions { AccessKey = "AKIDEXPLICIT", SecretKey = "s" }).GetAsync(CancellationToken.None);
        Assert.Equal("AKIDEXPLICIT", creds.AccessKey);
        Assert.DoesNotContain("SecretKey = s", new AwsAccountOptions { AccessKey = "AKIDEXPLICIT", SecretKey = "s" }.ToString());
    }

    public void Dispose()
    {
        foreach (var (k, v) in _saved) Environment.SetEnvironmentVariable(k, v);
        Directory.Delete(_dir, recursive: true);
    }
}
