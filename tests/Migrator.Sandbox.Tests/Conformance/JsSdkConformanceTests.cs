using System.Net;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;
using Xunit.Abstractions;

namespace Migrator.Sandbox.Tests.Conformance;

/// <summary>
/// Runs tests/conformance (node's test runner driving the official AWS SDK for JavaScript v3) against a fresh
/// emulator, so `dotnet test` covers every operation and error case the SDK can observe.
/// </summary>
public sealed class JsSdkConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NodeConformanceSuite_PassesAgainstEmulator_WhenDrivenByOfficialJsSdk()
    {
        var dir = Path.Combine(TestProcess.RepoRoot(), "tests", "conformance");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "@aws-sdk", "client-route-53")),
            $"{dir}/node_modules is missing: run scripts/setup.d/emulator.sh (npm ci)");
        var options = new EmulatorOptions { Url = "http://127.0.2.10:0", AccessKey = "AKIDCONFORMANCE", SecretKey = "conformance/secret+key" };
        await using var host = await EmulatorHost.StartAsync(options);
        var env = new Dictionary<string, string>
        {
            ["EMULATOR_ENDPOINT"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["EMULATOR_ACCESS_KEY"] = options.AccessKey,
            ["EMULATOR_SECRET_KEY"] = options.SecretKey,
            ["EMULATOR_CONTROL_TOKEN"] = host.ControlToken,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["NODE_NO_WARNINGS"] = "1",
        };
        var result = await TestProcess.RunAsync("node", ["--test", "--test-concurrency=1", "--test-reporter=spec"], dir, env, TimeSpan.FromMinutes(3));
        output.WriteLine(result.StdOut);
        Assert.True(result.ExitCode == 0, $"node --test failed:\n{result}");
        Assert.Matches(@"tests [1-9]\d*", result.StdOut);
        Assert.Contains("fail 0", result.StdOut);
    }
}
