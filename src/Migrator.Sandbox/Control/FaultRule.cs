namespace Migrator.Sandbox.Control;

/// <summary>
/// An injected fault: for calls to <see cref="Operation"/> (null = every operation), with <see cref="Probability"/>,
/// answer with error <see cref="Code"/> (null = no error, latency only) after <see cref="LatencyMs"/>.
/// <see cref="Count"/> limits the rule to the next N matching calls ("next 3 ChangeResourceRecordSets fail").
/// </summary>
public sealed class FaultRule
{
    public string? Operation { get; set; }
    public string? Code { get; set; }
    public int? Status { get; set; }
    public string? Message { get; set; }
    public double Probability { get; set; } = 1.0;
    public int? Count { get; set; }
    public int LatencyMs { get; set; }
}

/// <summary>What a fault decided for one call.</summary>
public sealed record FaultDecision(int LatencyMs, string? Code, int Status, string Message);

/// <summary>Thread-safe set of fault rules; rules whose Count is used up disappear.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Random _random;

    public FaultInjector(IEnumerable<FaultRule> initial, int? seed = null)
    {
        _rules.AddRange(initial);
        _random = seed is null ? new Random() : new Random(seed.Value);
    }

    /// <summary>Raised (under the injector's lock, keep handlers short) each time a rule applies to a call.</summary>
    public event Action<string, FaultRule>? Matched;

    public void Add(FaultRule rule) { lock (_gate) _rules.Add(rule); }
    public void Clear() { lock (_gate) _rules.Clear(); }
    public IReadOnlyList<FaultRule> Snapshot() { lock (_gate) return _rules.ToList(); }

    public FaultDecision? Decide(string operation)
    {
        lock (_gate)
        {
            var latency = 0;
            FaultDecision? error = null;
            foreach (var rule in _rules.ToList())
            {
                if (rule.Operation is not null && !string.Equals(rule.Operation, operation, StringComparison.OrdinalIgnoreCase)) continue;
                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability) continue;
                if (rule.Count is { } n)
                {
                    if (n <= 1) _rules.Remove(rule); else rule.Count = n - 1;
                }
                latency += rule.LatencyMs;
                Matched?.Invoke(operation, rule);
                if (rule.Code is not null && error is null)
                    error = new FaultDecision(0, rule.Code, rule.Status ?? DefaultStatus(rule.Code), rule.Message ?? DefaultMessage(rule.Code));
            }
            if (error is null && latency == 0) return null;
            return error is null ? new FaultDecision(latency, null, 0, "") : error with { LatencyMs = latency };
        }
    }

    public static int DefaultStatus(string code) => code switch
    {
        "InternalError" or "InternalFailure" => 500,
        "ServiceUnavailable" => 503,
        "NoSuchHostedZone" or "NoSuchChange" or "NoSuchQueryLoggingConfig" => 404,
        "HostedZoneAlreadyExists" or "QueryLoggingConfigAlreadyExists" => 409,
        "AccessDenied" or "SignatureDoesNotMatch" or "InvalidClientTokenId" or "RequestExpired" => 403,
        _ => 400,
    };

    public static string DefaultMessage(string code) => code switch
    {
        "Throttling" => "Rate exceeded",
        "PriorRequestNotComplete" => "The request was rejected because Route 53 was still processing a prior request.",
        "InternalError" or "InternalFailure" => "We encountered an internal error. Please try again.",
        "ServiceUnavailable" => "Service Unavailable",
        _ => $"Injected fault {code}",
    };
}

/// <summary>Account-wide token bucket, the shape of AWS's current Route 53 request-rate model.</summary>
public sealed class TokenBucket(TimeProvider time, double burst, double perSecond)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public double Burst { get; private set; } = burst;
    public double PerSecond { get; private set; } = perSecond;

    public void Configure(double burstSize, double refillPerSecond)
    {
        lock (_gate) { Burst = burstSize; PerSecond = refillPerSecond; _tokens = burstSize; _last = time.GetTimestamp(); }
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            if (PerSecond <= 0) return true;
            var now = time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * PerSecond);
            _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>Call counts per operation and outcome, for GET /_emulator/stats.</summary>
public sealed class CallStats
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);

    public void Record(string operation, string outcome)
    {
        lock (_gate)
        {
            if (!_counts.TryGetValue(operation, out var byOutcome)) _counts[operation] = byOutcome = new(StringComparer.Ordinal);
            byOutcome[outcome] = byOutcome.GetValueOrDefault(outcome) + 1;
        }
    }

    public Dictionary<string, Dictionary<string, long>> Snapshot()
    {
        lock (_gate) return _counts.ToDictionary(kv => kv.Key, kv => new Dictionary<string, long>(kv.Value));
    }

    public void Reset() { lock (_gate) _counts.Clear(); }
}
