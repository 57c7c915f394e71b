using Microsoft.Extensions.Configuration;
using Migrator.Core.Route53;

namespace Migrator.Core.Migrations.Adapters;

/// <summary>
/// Where the process's <see cref="Route53Accounts"/> come from (one per process, so one scheduler per account).
/// Core reads real accounts from "Migrator:AwsAccounts"; sandbox mode replaces this with the in-process emulator's
/// account (Web registers it). Jobs reach Route 53 through this too.
/// </summary>
public interface IRoute53AccountSource
{
    Task<Route53Accounts> GetAsync();
}

/// <summary>The accounts of "Migrator:AwsAccounts" (real mode).</summary>
public sealed class ConfiguredRoute53AccountSource(IConfiguration configuration, TimeProvider time) : IRoute53AccountSource, IDisposable
{
    public const string SectionName = "Migrator:AwsAccounts";

    private readonly Lazy<Route53Accounts> _accounts = new(() =>
        new Route53Accounts(configuration.GetSection(SectionName).Get<List<AwsAccountOptions>>() ?? [], time));

    public Task<Route53Accounts> GetAsync() => Task.FromResult(_accounts.Value);

    public void Dispose()
    {
        if (_accounts.IsValueCreated) _accounts.Value.Dispose();
    }
}

/// <summary>Fixed accounts (tests, the lab, benchmarks).</summary>
public sealed class FixedRoute53AccountSource(Route53Accounts accounts) : IRoute53AccountSource
{
    public Task<Route53Accounts> GetAsync() => Task.FromResult(accounts);
}
