using System.Collections.Concurrent;
using System.Net;
using Migrator.Core.Ports;

namespace Migrator.Core.Route53;

/// <summary>Rate, polling and retry settings of one account's scheduler.</summary>
public sealed record Route53SchedulerOptions
{
    /// <summary>Requests per second for the whole account (Route 53's legacy limit is 5).</summary>
    public double RequestsPerSecond { get; init; } = 5;
    /// <summary>
    /// Tokens that may accumulate (null = one second's worth, as golang's rate.Limiter(r, r)). Tokens saved while a
    /// slow ChangeResourceRecordSets answer is awaited are spent afterwards, so the long-run rate is kept without
    /// losing the time the server spends; 1 spaces calls strictly at 1/rate.
    /// </summary>
    public double? Burst { get; init; }

    public double EffectiveBurst => Burst ?? Math.Max(1, RequestsPerSecond);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Attempts of one request before its last error is thrown.</summary>
    public int MaxAttempts { get; init; } = 15;
    public TimeSpan ChangeTimeout { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>Counters since the scheduler was created (for benchmarks and the UI).</summary>
public sealed record Route53SchedulerStats(long Calls, long ChangeCalls, long GetChangeCalls, long Retried, long Throttled);

/// <summary>
/// A change batch whose earlier attempt had an unknown outcome (timeout, connection loss, 5xx) and whose retry was
/// rejected as InvalidChangeBatch: the first attempt probably applied. The caller re-reads the zone and diffs again.
/// </summary>
public sealed class Route53AmbiguousChangeException(string zoneId, Exception first, Route53Exception retry)
    : Exception($"zone {zoneId}: a change batch whose response was lost was rejected on retry ({retry.Code}); the zone must be read again", retry)
{
    public Exception FirstFailure { get; } = first;

    /// <summary>Changes of the same <see cref="Route53ChangeScheduler.ApplyAsync"/> call that were INSYNC before this one.</summary>
    public IReadOnlyList<ChangeInfo> CompletedBefore { get; internal set; } = [];
}

/// <summary>
/// The single gate to Route 53 for one AWS account, shared by every migration: a token bucket (default 5 requests/s),
/// at most one change in flight per hosted zone, GetChange until INSYNC after each batch, and full-jitter exponential
/// backoff on Throttling, PriorRequestNotComplete, 5xx and transport failures. InvalidChangeBatch and InvalidInput are
/// never retried. Invariant: every request made through it consumes one token first.
/// </summary>
public sealed class Route53ChangeScheduler
{
    private readonly Route53Client _client;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _zoneLocks = new(StringComparer.Ordinal);
    private readonly Lock _bucketLock = new();
    private double _tokens;
    private long _lastRefill;
    private long _calls, _changeCalls, _getChangeCalls, _retried, _throttled;

    public Route53ChangeScheduler(Route53Client client, TimeProvider time, Route53SchedulerOptions? options = null, Random? random = null)
    {
        _client = client;
        Options = options ?? new Route53SchedulerOptions();
        if (Options.RequestsPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(options), "RequestsPerSecond must be positive");
        _time = time;
        _random = random ?? Random.Shared;
        _tokens = Options.EffectiveBurst;
        _lastRefill = _time.GetTimestamp();
    }

    public Route53SchedulerOptions Options { get; }
    public Route53Client Client => _client;

    /// <summary>Raised after each batch of a zone is in sync (zone id, progress).</summary>
    public event Action<string, ZoneSyncProgress>? ProgressChanged;

    public Route53SchedulerStats Stats => new(Interlocked.Read(ref _calls), Interlocked.Read(ref _changeCalls),
        Interlocked.Read(ref _getChangeCalls), Interlocked.Read(ref _retried), Interlocked.Read(ref _throttled));

    /// <summary>Adds the tokens earned since the last refill, up to the burst; the caller holds <c>_bucketLock</c>.</summary>
    private void RefillLocked()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        _tokens = Math.Min(Options.EffectiveBurst, _tokens + elapsed * Options.RequestsPerSecond);
    }

    /// <summary>Waits for a token of the account's bucket.</summary>
    public async Task AcquireTokenAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        TimeSpan wait;
        lock (_bucketLock)
        {
            RefillLocked();
            _tokens -= 1; // reserve: a negative balance is the queue of callers ahead
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Options.RequestsPerSecond);
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        Interlocked.Increment(ref _calls);
    }

    /// <summary>
    /// Waits for a token that a change would not need: dashboard reads yield to changes, rollbacks and their polls. A
    /// read takes a token only while the bucket holds more than half its burst and nobody else is queued, so a cutover
    /// or rollback always finds tokens at hand and never waits behind a page.
    /// </summary>
    public async Task AcquireReadTokenAsync(CancellationToken ct)
    {
        var reserve = Options.EffectiveBurst / 2;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            TimeSpan wait;
            lock (_bucketLock)
            {
                RefillLocked();
                if (_tokens - 1 >= reserve)
                {
                    _tokens -= 1;
                    break;
                }
                wait = TimeSpan.FromSeconds(Math.Max(reserve + 1 - _tokens, 0.05) / Options.RequestsPerSecond);
            }
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }
        Interlocked.Increment(ref _calls);
    }

    /// <summary>A low-priority read (pages, the API's listings): <see cref="AcquireReadTokenAsync"/>, at most three attempts.</summary>
    public async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await AcquireReadTokenAsync(ct).ConfigureAwait(false);
            try { return await call(ct).ConfigureAwait(false); }
            catch (Exception e) when (IsTransient(e, ct) && attempt + 1 < Math.Min(3, Options.MaxAttempts))
            {
                await BackoffAsync(e, attempt, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs a read-only or idempotent call under the rate limit, retrying what is retryable.</summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await AcquireTokenAsync(ct).ConfigureAwait(false);
            try { return await call(ct).ConfigureAwait(false); }
            catch (Exception e) when (IsTransient(e, ct) && attempt + 1 < Options.MaxAttempts)
            {
                await BackoffAsync(e, attempt, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every record set of a zone, each page fetched under the rate limit.</summary>
    public IAsyncEnumerable<Route53RecordSet> ListRecordSetsAsync(string zoneId, CancellationToken ct) =>
        _client.ListResourceRecordSetsAsync(zoneId, ct, fetch => CallAsync(_ => fetch(), ct));

    /// <summary>
    /// Sends the batches to one zone in order, each after the previous is INSYNC, and reports progress. Holds the zone's
    /// lock for the whole sequence so two migrations never interleave changes to one zone.
    /// </summary>
    public async Task<IReadOnlyList<ChangeInfo>> ApplyAsync(string zoneId, IReadOnlyList<ChangeBatch> batches,
        IProgress<ZoneSyncProgress>? progress, CancellationToken ct)
    {
        var zoneLock = _zoneLocks.GetOrAdd(Route53Names.BareId(zoneId), _ => new SemaphoreSlim(1, 1));
        await zoneLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var done = new List<ChangeInfo>(batches.Count);
            Report(zoneId, progress, new ZoneSyncProgress(0, batches.Count, $"{batches.Count} change batches to send"));
            for (var i = 0; i < batches.Count; i++)
            {
                ChangeInfo info;
                var sent = _time.GetTimestamp();
                try { info = await SubmitAsync(zoneId, batches[i], ct).ConfigureAwait(false); }
                catch (Route53AmbiguousChangeException e) { e.CompletedBefore = done; throw; }
                info = await WaitInSyncAsync(info, ct, sent).ConfigureAwait(false);
                done.Add(info);
                Report(zoneId, progress, new ZoneSyncProgress(i + 1, batches.Count,
                    $"batch {i + 1}/{batches.Count} in sync ({batches[i].Changes.Count} changes, change {info.Id})"));
            }
            return done;
        }
        finally { zoneLock.Release(); }
    }

    private void Report(string zoneId, IProgress<ZoneSyncProgress>? progress, ZoneSyncProgress p)
    {
        progress?.Report(p);
        ProgressChanged?.Invoke(zoneId, p);
    }

    /// <summary>One ChangeResourceRecordSets with retries; detects a retry rejected because a lost attempt applied.</summary>
    public async Task<ChangeInfo> SubmitAsync(string zoneId, ChangeBatch batch, CancellationToken ct)
    {
        Exception? ambiguous = null;
        for (var attempt = 0; ; attempt++)
        {
            await AcquireTokenAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _changeCalls);
            try { return await _client.ChangeResourceRecordSetsAsync(zoneId, batch, ct).ConfigureAwait(false); }
            catch (Route53Exception e) when (ambiguous is not null && e.Code is "InvalidChangeBatch")
            {
                throw new Route53AmbiguousChangeException(zoneId, ambiguous, e);
            }
            catch (Exception e) when (IsTransient(e, ct) && attempt + 1 < Options.MaxAttempts)
            {
                if (IsOutcomeUnknown(e)) ambiguous ??= e;
                await BackoffAsync(e, attempt, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Polls GetChange every <see cref="Route53SchedulerOptions.PollInterval"/> until INSYNC. The first poll is due one
    /// interval after <paramref name="submittedTimestamp"/> (when the request was sent), not after its answer.
    /// </summary>
    public async Task<ChangeInfo> WaitInSyncAsync(ChangeInfo info, CancellationToken ct, long? submittedTimestamp = null)
    {
        var started = submittedTimestamp ?? _time.GetTimestamp();
        var lastPoll = started;
        while (info.Status != ChangeStatus.InSync)
        {
            if (_time.GetElapsedTime(started) > Options.ChangeTimeout)
                throw new TimeoutException($"change {info.Id} still PENDING after {Options.ChangeTimeout}");
            var wait = Options.PollInterval - _time.GetElapsedTime(lastPoll);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            lastPoll = _time.GetTimestamp();
            var id = info.Id;
            info = await CallAsync(c => { Interlocked.Increment(ref _getChangeCalls); return _client.GetChangeAsync(id, c); }, ct).ConfigureAwait(false);
        }
        return info;
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        Route53Exception r => r.Retryable,
        HttpRequestException => true,
        IOException => true,
        TaskCanceledException when !ct.IsCancellationRequested => true, // HttpClient timeout
        _ => false,
    };

    /// <summary>Failures after which the request may have been applied: no answer, or a server fault.</summary>
    private static bool IsOutcomeUnknown(Exception e) => e switch
    {
        Route53Exception r => (int)r.StatusCode >= 500,
        _ => true,
    };

    private async Task BackoffAsync(Exception e, int attempt, CancellationToken ct)
    {
        Interlocked.Increment(ref _retried);
        if (e is Route53Exception { Code: "Throttling" or "ThrottlingException" } || e is Route53Exception { StatusCode: HttpStatusCode.TooManyRequests })
            Interlocked.Increment(ref _throttled);
        var cap = Math.Min(Options.MaxBackoff.TotalMilliseconds, Options.BaseBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        double jitter;
        lock (_random) jitter = _random.NextDouble();
        await Task.Delay(TimeSpan.FromMilliseconds(cap * jitter), _time, ct).ConfigureAwait(false);
    }
}
