using System.Security.Cryptography;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Domains;

public sealed record DomainNameserver(string Name, IReadOnlyList<string> GlueIps);

public sealed record DnssecKeyData(string Id, int Algorithm, int Flags, string PublicKey, int KeyTag, int DigestType, string Digest);

/// <summary>A registered domain; <see cref="Nameservers"/> is what the registry (parent zone) has been told.</summary>
public sealed class DomainState
{
    public required string Name { get; init; }
    public required List<DomainNameserver> Nameservers { get; set; }
    public List<DnssecKeyData> DnssecKeys { get; set; } = [];
    public required DateTimeOffset CreationDate { get; init; }
    public DateTimeOffset UpdatedDate { get; set; }
    public required DateTimeOffset ExpirationDate { get; init; }
    public bool AutoRenew { get; set; } = true;
}

/// <summary>An asynchronous registrar operation: IN_PROGRESS, then SUCCESSFUL or FAILED.</summary>
public sealed class OperationState
{
    public required string OperationId { get; init; }
    public required string DomainName { get; init; }
    public required string Type { get; init; }
    public string Status { get; set; } = "IN_PROGRESS";
    public string? Message { get; set; }
    public required DateTimeOffset SubmittedDate { get; init; }
    public DateTimeOffset LastUpdatedDate { get; set; }
    public bool IsTerminal => Status is "SUCCESSFUL" or "FAILED" or "ERROR";
}

/// <summary>
/// The emulated registrar. Name-server and DS changes take <see cref="EmulatorOptions.DomainOperationDelay"/>, are
/// pushed to the configured parent zone by RFC 2136 (so lab resolvers see the delegation move), and fail when the
/// parent refuses.
/// </summary>
public sealed class DomainRegistry : IDisposable
{
    private readonly Lock _gate = new();
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DomainState> _domains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationState> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _timers = new(StringComparer.Ordinal);

    public DomainRegistry(EmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        OperationDelay = options.DomainOperationDelay;
        foreach (var d in options.Domains) Register(d.Name, d.NameServers);
    }

    public event Action? Committed;
    public TimeSpan OperationDelay { get; set; }
    public ParentZoneSpec? ParentZone { get => _options.ParentZone; set => _options.ParentZone = value; }

    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>Adds (or replaces) a registered domain; used by options, the CLI and the control API.</summary>
    public DomainState Register(string name, IEnumerable<string> nameServers)
    {
        var now = _time.GetUtcNow();
        var domain = new DomainState
        {
            Name = Normalize(name),
            Nameservers = nameServers.Select(n => new DomainNameserver(Normalize(n), [])).ToList(),
            CreationDate = now, UpdatedDate = now, ExpirationDate = now.AddYears(1),
        };
        lock (_gate) { _domains[domain.Name] = domain; Committed?.Invoke(); }
        return domain;
    }

    public Result<DomainState> Get(string? name)
    {
        lock (_gate)
            return name is not null && _domains.TryGetValue(Normalize(name), out var d) ? d
                : ApiError.InvalidInput($"Domain {name} not found in {_options.AccountId} account.");
    }

    public IReadOnlyList<DomainState> All() { lock (_gate) return _domains.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(); }

    public Result<OperationState> GetOperation(string? id)
    {
        lock (_gate)
            return id is not null && _operations.TryGetValue(id, out var o) ? o
                : ApiError.InvalidInput($"Operation {id} not found.");
    }

    public Result<OperationState> UpdateNameservers(string? domainName, IReadOnlyList<DomainNameserver> nameservers)
    {
        if (nameservers.Count == 0) return ApiError.InvalidInput("Nameservers must contain at least one name server.");
        if (nameservers.Count > 6) return ApiError.InvalidInput("You can specify at most 6 name servers.");
        var domain = Get(domainName);
        if (domain.Error is not null) return domain.Error;
        var d = domain.Value!;
        foreach (var ns in nameservers)
        {
            if (!R53Name.TryParse(ns.Name, out var nsName, out _) || nsName.LabelCount < 2)
                return ApiError.InvalidInput($"Name server {ns.Name} is not a valid host name.");
            var inBailiwick = ns.Name == d.Name || ns.Name.EndsWith("." + d.Name, StringComparison.Ordinal);
            if (inBailiwick && ns.GlueIps.Count == 0)
                return ApiError.InvalidInput($"Glue IPs are required for name server {ns.Name} because it is a subdomain of {d.Name}.");
            if (!inBailiwick && ns.GlueIps.Count > 0)
                return ApiError.InvalidInput($"Glue IPs are only allowed for name servers under {d.Name}; {ns.Name} is not.");
            if (ns.GlueIps.Any(ip => !System.Net.IPAddress.TryParse(ip, out _)))
                return ApiError.InvalidInput($"Glue IP of {ns.Name} is not a valid IP address.");
            // AWS allows at most one IPv4 and one IPv6 glue address per name server.
            if (ns.GlueIps.Select(ip => System.Net.IPAddress.Parse(ip).AddressFamily).GroupBy(f => f).Any(g => g.Count() > 1))
                return ApiError.InvalidInput($"Name server {ns.Name} can have at most one IPv4 and one IPv6 glue address.");
        }
        return StartOperation(d, "UPDATE_NAMESERVER", ApplyNameservers(d, nameservers));
    }

    public Result<OperationState> AssociateDelegationSigner(string? domainName, int algorithm, int flags, string? publicKey)
    {
        var domain = Get(domainName);
        if (domain.Error is not null) return domain.Error;
        if (string.IsNullOrEmpty(publicKey)) return ApiError.InvalidInput("SigningAttributes.PublicKey is required.");
        byte[] key;
        try { key = Convert.FromBase64String(publicKey); }
        catch (FormatException) { return ApiError.InvalidInput("SigningAttributes.PublicKey must be base64."); }
        if (flags is not (256 or 257)) return ApiError.InvalidInput("SigningAttributes.Flags must be 256 or 257.");
        var d = domain.Value!;
        lock (_gate)
            if (d.DnssecKeys.Count >= 5) return new ApiError(400, "DnssecLimitExceeded", "This operation can't be performed because it would exceed the maximum number of DS records allowed for the domain.");
        var (tag, digest) = DsDigest.Compute(d.Name, flags, algorithm, key);
        var keyData = new DnssecKeyData(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), algorithm, flags, publicKey, tag, 2, digest);
        return StartOperation(d, "ADD_DNSSEC", ApplyDnssec(d, add: keyData, removeId: null));
    }

    public Result<OperationState> DisassociateDelegationSigner(string? domainName, string? id)
    {
        var domain = Get(domainName);
        if (domain.Error is not null) return domain.Error;
        var d = domain.Value!;
        lock (_gate)
            if (!d.DnssecKeys.Any(k => k.Id == id)) return ApiError.InvalidInput($"DNSSEC key {id} not found for domain {d.Name}.");
        return StartOperation(d, "REMOVE_DNSSEC", ApplyDnssec(d, add: null, removeId: id));
    }

    private Result<OperationState> StartOperation(DomainState domain, string type, Func<Task<string?>> apply)
    {
        lock (_gate)
        {
            if (_operations.Values.Any(o => o.DomainName == domain.Name && !o.IsTerminal))
                return new ApiError(400, "DuplicateRequest", $"The request is already in progress for the domain {domain.Name}.");
            var now = _time.GetUtcNow();
            var op = new OperationState
            {
                OperationId = Guid.NewGuid().ToString(), DomainName = domain.Name, Type = type, SubmittedDate = now, LastUpdatedDate = now,
            };
            _operations[op.OperationId] = op;
            _timers[op.OperationId] = _time.CreateTimer(_ => _ = CompleteAsync(op, apply), null, OperationDelay, Timeout.InfiniteTimeSpan);
            Committed?.Invoke();
            return op;
        }
    }

    private async Task CompleteAsync(OperationState op, Func<Task<string?>> apply)
    {
        string? failure;
        try { failure = await apply(); }
        catch (Exception e) { failure = $"The registry could not be updated: {e.Message}"; }
        lock (_gate)
        {
            if (_timers.Remove(op.OperationId, out var t)) t.Dispose();
            op.Status = failure is null ? "SUCCESSFUL" : "FAILED";
            op.Message = failure;
            op.LastUpdatedDate = _time.GetUtcNow();
            Committed?.Invoke();
        }
    }

    private Func<Task<string?>> ApplyNameservers(DomainState domain, IReadOnlyList<DomainNameserver> nameservers) => async () =>
    {
        List<DomainNameserver> old;
        lock (_gate) old = domain.Nameservers.ToList();
        if (ParentZone is { } parent)
        {
            var failure = await ParentZoneUpdater.ReplaceDelegationAsync(parent, domain.Name, old, nameservers);
            if (failure is not null) return failure;
        }
        lock (_gate) { domain.Nameservers = nameservers.ToList(); domain.UpdatedDate = _time.GetUtcNow(); }
        return null;
    };

    private Func<Task<string?>> ApplyDnssec(DomainState domain, DnssecKeyData? add, string? removeId) => async () =>
    {
        List<DnssecKeyData> keys;
        lock (_gate) keys = domain.DnssecKeys.Where(k => k.Id != removeId).Concat(add is null ? [] : [add]).ToList();
        if (ParentZone is { } parent)
        {
            var failure = await ParentZoneUpdater.ReplaceDsAsync(parent, domain.Name, keys);
            if (failure is not null) return failure;
        }
        lock (_gate) { domain.DnssecKeys = keys; domain.UpdatedDate = _time.GetUtcNow(); }
        return null;
    };

    internal Persistence.DomainsSnapshot Export()
    {
        lock (_gate)
            return new Persistence.DomainsSnapshot
            {
                Domains = [.. _domains.Values],
                Operations = [.. _operations.Values.Where(o => o.IsTerminal)],
            };
    }

    internal void Import(Persistence.DomainsSnapshot snapshot)
    {
        lock (_gate)
        {
            foreach (var d in snapshot.Domains) _domains[d.Name] = d;
            foreach (var o in snapshot.Operations) _operations[o.OperationId] = o;
        }
    }

    public void Dispose()
    {
        lock (_gate) { foreach (var t in _timers.Values) t.Dispose(); _timers.Clear(); }
    }
}
