using System.Collections.Concurrent;

namespace Migrator.Core.Route53;

/// <summary>The clients and the one shared change scheduler of one AWS account.</summary>
public sealed record Route53Account(AwsAccountOptions Options, Route53Client Client, Route53DomainsClient Domains,
    Route53ChangeScheduler Scheduler, Route53DomainsDelegationChanger DelegationChanger);

/// <summary>
/// The configured AWS accounts. Invariant: one <see cref="Route53ChangeScheduler"/> per account name for the life of
/// this object, so every migration writing to an account shares its rate limit and per-zone serialisation.
/// Register as a singleton.
/// </summary>
public sealed class Route53Accounts : IDisposable
{
    private readonly Dictionary<string, AwsAccountOptions> _options;
    private readonly ConcurrentDictionary<string, Lazy<Route53Account>> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Func<AwsAccountOptions, Route53SchedulerOptions> _schedulerOptions;

    public Route53Accounts(IEnumerable<AwsAccountOptions> accounts, TimeProvider time, HttpClient? http = null,
        Func<AwsAccountOptions, Route53SchedulerOptions>? schedulerOptions = null)
    {
        _options = accounts.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };
        _time = time;
        _schedulerOptions = schedulerOptions ?? (o => new Route53SchedulerOptions { RequestsPerSecond = o.RequestsPerSecond });
    }

    public IReadOnlyCollection<string> Names => _options.Keys;

    /// <summary>The accounts as configured (for display: callers must not show their keys).</summary>
    public IReadOnlyCollection<AwsAccountOptions> Configured => _options.Values;

    public Route53Account Get(string name) => _accounts.GetOrAdd(name, n => new Lazy<Route53Account>(() =>
    {
        if (!_options.TryGetValue(n, out var o)) throw new KeyNotFoundException($"no AWS account named '{n}' is configured");
        var credentials = SdkCredentialSource.For(o);
        var client = new Route53Client(_http, o.EffectiveRoute53Endpoint, credentials, _time);
        var domains = new Route53DomainsClient(_http, o.EffectiveDomainsEndpoint, credentials, _time);
        var scheduler = new Route53ChangeScheduler(client, _time, _schedulerOptions(o));
        return new Route53Account(o, client, domains, scheduler, new Route53DomainsDelegationChanger(domains, scheduler, o.Name, _time));
    })).Value;

    public void Dispose() => _http.Dispose();
}
