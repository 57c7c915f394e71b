using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Route53;
using Migrator.Sandbox.Control;
using Migrator.Sandbox.Hosting;

namespace Migrator.Core.Tests.Route53;

/// <summary>The Route 53 emulator (branch emulator) in-process on 127.0.3.x, one per test class.</summary>
public abstract class EmulatorFixtureBase : IAsyncLifetime
{
    public const string AccessKey = "AKIDMIGRATORTEST";
    public const string SecretKey = "migrator-test-secret";
    public EmulatorHost Host { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    protected abstract string Address { get; }

    protected virtual void Configure(EmulatorOptions o) { }

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        var options = new EmulatorOptions
        {
            Url = $"http://{Address}:0", AccessKey = AccessKey, SecretKey = SecretKey,
            InsyncDelay = TimeSpan.FromMilliseconds(30), DomainOperationDelay = TimeSpan.FromMilliseconds(100),
            MaxRecordSetsPerZone = 30_000, Domains = [new("migrate-me.com", ["ns1.old-provider.net", "ns2.old-provider.net"])],
        };
        Configure(options);
        Host = await EmulatorHost.StartAsync(options);
    }

    public Route53Client Client(string secret = SecretKey) =>
        new(Http, Host.BaseAddress, new StaticCredentialSource(new AwsCredentials(AccessKey, secret)), TimeProvider.System);

    public Route53DomainsClient Domains() =>
        new(Http, Host.BaseAddress, new StaticCredentialSource(new AwsCredentials(AccessKey, SecretKey)), TimeProvider.System);

    public void AddFault(string? operation, string code, double probability) =>
        Host.Emulator.Faults.Add(new FaultRule { Operation = operation, Code = code, Probability = probability });

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Http.Dispose();
    }
}

public sealed class ClientEmulatorFixture : EmulatorFixtureBase
{
    protected override string Address => "127.0.3.1";

    /// <summary>The emulator's clock: changes turn INSYNC and Domains operations finish only when a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    // These tests check each operation's answer; the raw client does not retry, so the emulator's own rate limit
    // (tested by the conformance suite and the scheduler tests) must not answer Throttling here. Signatures are dated by
    // the client's real clock: the fake one starts at the real time and moves by seconds; the skew allowed is a day so a slow run never trips it.
    protected override void Configure(EmulatorOptions o)
    {
        o.RateLimitPerSecond = 0;
        o.TimeProvider = Time;
        o.MaxClockSkew = TimeSpan.FromDays(1);
    }
}

public sealed class ImportEmulatorFixture : EmulatorFixtureBase
{
    protected override string Address => "127.0.3.2";
    protected override void Configure(EmulatorOptions o) { o.RateLimitBurst = 50; o.RateLimitPerSecond = 50; }
}
