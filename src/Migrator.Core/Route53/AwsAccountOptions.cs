using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Migrator.Core.Route53;

/// <summary>
/// One AWS account the migrator may write to. Invariant: credentials come from <see cref="AccessKey"/>/<see cref="SecretKey"/>
/// when both are set, else from the named <see cref="Profile"/>, else from AWSSDK.Core's default chain; endpoints default
/// to the aws partition's global hosts.
/// </summary>
public sealed class AwsAccountOptions
{
    public string Name { get; set; } = "default";
    public string? Profile { get; set; }
    /// <summary>Shared credentials file to read <see cref="Profile"/> from; null = the SDK's default (~/.aws/credentials and config).</summary>
    public string? ProfilesLocation { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string? SessionToken { get; set; }
    /// <summary>The configured region; Route 53 itself is signed for us-east-1 whatever this says.</summary>
    public string Region { get; set; } = "us-east-1";
    public Uri? Route53Endpoint { get; set; }
    public Uri? DomainsEndpoint { get; set; }
    public double RequestsPerSecond { get; set; } = 5;
    /// <summary>
    /// IP[:port] where this account's hosted zones are answered (the emulator's DNS listener in sandbox mode and the lab);
    /// null in real mode, where the Route 53 name servers are resolved by name.
    /// </summary>
    public string? DnsEndpoint { get; set; }

    public Uri EffectiveRoute53Endpoint => Route53Endpoint ?? new Uri("https://route53.amazonaws.com");
    public Uri EffectiveDomainsEndpoint => DomainsEndpoint ?? new Uri("https://route53domains.us-east-1.amazonaws.com");

    public override string ToString() => $"AWS account {Name} (profile {Profile ?? "default chain"}, {EffectiveRoute53Endpoint})";
}

/// <summary>Supplies the current credentials (refreshed by the SDK for SSO, IMDS and assume-role sources).</summary>
public interface IAwsCredentialSource
{
    ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken);
}

public sealed class StaticCredentialSource(AwsCredentials credentials) : IAwsCredentialSource
{
    public ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}

/// <summary>Credentials through AWSSDK.Core: a named profile (including SSO) or the default chain (env, profile, SSO, IMDS).</summary>
public sealed class SdkCredentialSource : IAwsCredentialSource
{
    private readonly AWSCredentials _credentials;

    public SdkCredentialSource(string? profile, string? profilesLocation = null)
    {
        if (profile is not null)
        {
            var chain = profilesLocation is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(profilesLocation);
            if (!chain.TryGetAWSCredentials(profile, out var fromProfile))
                throw new InvalidOperationException($"AWS profile '{profile}' was not found in the shared config/credentials files");
            _credentials = fromProfile;
        }
        else _credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }

    public async ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var c = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        return new AwsCredentials(c.AccessKey, c.SecretKey, c.UseToken ? c.Token : null);
    }

    public static IAwsCredentialSource For(AwsAccountOptions options) =>
        options is { AccessKey: { } ak, SecretKey: { } sk }
            ? new StaticCredentialSource(new AwsCredentials(ak, sk, options.SessionToken))
            : new SdkCredentialSource(options.Profile, options.ProfilesLocation);
}
