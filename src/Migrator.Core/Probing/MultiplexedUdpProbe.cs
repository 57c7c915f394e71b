using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

/// <summary>
/// A fast <see cref="IDnsProbe"/> for bulk work (parity over thousands of names): per server one connected UDP socket,
/// many queries in flight matched by message id and question, one receive thread, timeouts with resends.
/// Truncated answers and TCP-only queries are asked again through <see cref="DnsClientProbe"/> over TCP.
/// </summary>
/// <remarks>
/// Cost per query is what bounds a sweep on a small machine, so the hot path allocates little: a query is one object
/// (its own task source), outstanding queries sit in a fixed table indexed by the low bits of the id, the answer is
/// read on the receive thread without copying names the query already holds, and resends and timeouts are driven by
/// one sweeper thread that scans the tables every <see cref="Tick"/> while queries are in flight, not by a timer per
/// query. The sweeper is a thread of its own, not a timer: a timer wakes a thread-pool worker every tick, and an idle
/// worker spins before it sleeps, which cost more CPU than the queries on a two-core machine.
/// </remarks>
public sealed class MultiplexedUdpProbe : IDnsProbe, IDisposable
{
    /// <summary>How often outstanding queries are checked for a resend, a timeout or a cancellation.</summary>
    internal static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly DnsProbeSettings _settings;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<DnsEndpoint, Channel> _channels = new();
    private readonly Lazy<DnsClientProbe> _tcp;
    private readonly object _sweepLock = new();
    private Thread? _sweeper;
    private int _inFlight; // over all servers; the sweeper sleeps while it is 0
    private int _disposed;

    public MultiplexedUdpProbe(DnsProbeSettings? settings = null)
    {
        _settings = settings ?? DnsProbeSettings.Default;
        if (_settings.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(settings), "timeout must be positive");
        if (_settings.MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(settings), "concurrency must be at least 1");
        _gate = new SemaphoreSlim(_settings.MaxConcurrency, _settings.MaxConcurrency);
        _tcp = new Lazy<DnsClientProbe>(() => new DnsClientProbe(_settings));
    }

    public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= ProbeOptions.Default;
        if (options.TcpOnly) return _tcp.Value.QueryAsync(server, name, type, options, cancellationToken);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<ProbeResult>(cancellationToken);

        Channel channel;
        try
        {
            if (!_channels.TryGetValue(server, out channel!))
            {
                channel = _channels.GetOrAdd(server, static (s, probe) => new Channel(s, probe), this);
                StartSweeper();
            }
        }
        catch (SocketException se)
        {
            return Task.FromResult(ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, TimeSpan.Zero, $"{server}: {se.SocketErrorCode}"));
        }
        return _gate.Wait(0) ? Start(channel, server, name, type, options, cancellationToken)
            : WaitThenStartAsync(channel, server, name, type, options, cancellationToken);
    }

    private async Task<ProbeResult> WaitThenStartAsync(Channel channel, DnsEndpoint server, DomainName name, RecordType type, ProbeOptions options,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Start(channel, server, name, type, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds one slot of the gate, which <see cref="Finish"/> gives back.</summary>
    private Task<ProbeResult> Start(Channel channel, DnsEndpoint server, DomainName name, RecordType type, ProbeOptions options,
        CancellationToken cancellationToken)
    {
        // One id per logical query, resent with the same id: a late answer to an earlier send still counts.
        // Resends follow an adaptive timeout (4 × smoothed RTT, at least 15 ms, doubling), so one dropped packet costs
        // milliseconds, not the full timeout; the total wait stays Timeout × (Retries + 1).
        var q = new Query(channel, server, name, type, options, cancellationToken,
            DnsWire.BuildQuery(0, name, type, options.Recursion, (ushort)_settings.EdnsBufferSize));
        var now = Stopwatch.GetTimestamp();
        q.Started = now;
        q.Rto = channel.RetransmitTimeout(_settings.Timeout);
        q.Deadline = now + (long)((_settings.Timeout * (_settings.Retries + 1)).TotalSeconds * Stopwatch.Frequency);
        q.NextSend = Math.Min(now + q.Rto, q.Deadline);
        if (!channel.Register(q))
        {
            _gate.Release();
            return Task.FromResult(ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, TimeSpan.Zero,
                $"{server}: more than {channel.Capacity} queries in flight"));
        }
        channel.Send(q);
        return q.Task;
    }

    /// <summary>Completes a query once: its slot and its share of the gate are given back before its caller runs on.</summary>
    private bool Claim(Query q)
    {
        if (!q.TryClaim()) return false;
        q.Channel.Unregister(q);
        _gate.Release();
        return true;
    }

    private void Finish(Query q, ProbeResult result)
    {
        if (Claim(q)) q.TrySetResult(result);
    }

    private void Answered(Query q, DnsWire.Parsed response, long now)
    {
        if (!Claim(q)) return;
        if (q.Sends == 1) q.Channel.ObserveRtt(now - q.Started);
        if (response.Truncated)
        {
            _ = AskOverTcpAsync(q);
            return;
        }
        var refused = response.Rcode == 5;
        q.TrySetResult(new ProbeResult(q.Server, q.Name, q.Type, refused ? ProbeErrorKind.Refused : ProbeErrorKind.None,
            DnsClientProbe.RcodeName(response.Rcode), response.Authoritative, false, response.Answers, response.Authorities,
            response.Additionals, Stopwatch.GetElapsedTime(q.Started, now), refused ? $"{q.Server} refused the query" : null));
    }

    private async Task AskOverTcpAsync(Query q)
    {
        try
        {
            q.TrySetResult(await _tcp.Value.QueryAsync(q.Server, q.Name, q.Type, q.Options with { TcpOnly = true }, q.CancellationToken)
                .ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (q.CancellationToken.IsCancellationRequested) { q.TrySetCanceled(q.CancellationToken); }
        catch (Exception e) { q.TrySetException(e); }
    }

    private void StartSweeper()
    {
        lock (_sweepLock)
        {
            if (_sweeper is not null || _disposed != 0) return;
            _sweeper = new Thread(SweepLoop) { IsBackground = true, Name = "dns-udp sweeper" };
            _sweeper.Start();
        }
    }

    private void Registered()
    {
        if (Interlocked.Increment(ref _inFlight) != 1) return;
        lock (_sweepLock) Monitor.PulseAll(_sweepLock);
    }

    private void Unregistered() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Every <see cref="Tick"/> while queries are in flight, each of them checked; asleep otherwise.</summary>
    private void SweepLoop()
    {
        while (true)
        {
            lock (_sweepLock)
            {
                while (Volatile.Read(ref _inFlight) == 0 && _disposed == 0) Monitor.Wait(_sweepLock);
                if (_disposed != 0) return;
                Monitor.Wait(_sweepLock, Tick); // woken early only by Dispose
                if (_disposed != 0) return;
            }
            var now = Stopwatch.GetTimestamp();
            foreach (var c in _channels.Values) c.SweepAll(now);
        }
    }

    /// <summary>The sweeper's round over one outstanding query: cancel, give up, or send again.</summary>
    private void Sweep(Channel channel, Query q, long now)
    {
        if (q.CancellationToken.IsCancellationRequested)
        {
            if (Claim(q)) q.TrySetCanceled(q.CancellationToken);
        }
        else if (now >= q.Deadline)
        {
            var total = _settings.Timeout * (_settings.Retries + 1);
            Finish(q, ProbeResult.Failed(q.Server, q.Name, q.Type, ProbeErrorKind.Timeout, Stopwatch.GetElapsedTime(q.Started, now),
                $"no response from {q.Server} within {total.TotalMilliseconds:0} ms ({q.Sends} sends)"));
        }
        else if (now >= q.NextSend)
        {
            q.Rto *= 2;
            q.NextSend = Math.Min(now + q.Rto, q.Deadline);
            channel.Send(q);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_sweepLock) Monitor.PulseAll(_sweepLock);
        foreach (var c in _channels.Values) c.Dispose();
        if (_tcp.IsValueCreated) _tcp.Value.Dispose();
    }

    /// <summary>One query in flight; it is its own task source (one object per query).</summary>
    private sealed class Query(Channel channel, DnsEndpoint server, DomainName name, RecordType type, ProbeOptions options,
        CancellationToken cancellationToken, byte[] message)
        // Continuations run inline on the receive thread: on a loaded machine every thread-pool hop costs a
        // scheduler wake-up, which bounded the query rate far more than CPU did. Callers only await, never block.
        : TaskCompletionSource<ProbeResult>(TaskCreationOptions.None)
    {
        private int _claimed;
        public Channel Channel { get; } = channel;
        public DnsEndpoint Server { get; } = server;
        public DomainName Name { get; } = name;
        public RecordType Type { get; } = type;
        public ProbeOptions Options { get; } = options;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public byte[] Message { get; } = message;
        public ushort Id { get; set; }
        public int Sends;
        public long Started, Deadline, NextSend, Rto; // Stopwatch timestamps and ticks
        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }

    /// <summary>One connected UDP socket to one server, a dedicated receive thread, the table of outstanding queries,
    /// and a smoothed RTT.</summary>
    private sealed class Channel : IDisposable
    {
        private readonly MultiplexedUdpProbe _probe;
        private readonly Query?[] _slots;
        private readonly int _mask;
        private readonly Thread _receiver;
        private volatile bool _stopped;
        private int _nextId = Random.Shared.Next(0, 65536);
        private long _srtt = Stopwatch.Frequency / 100; // 10 ms
        public Socket Socket { get; }
        public int Capacity => _slots.Length;

        public Channel(DnsEndpoint server, MultiplexedUdpProbe probe)
        {
            _probe = probe;
            // a power of two at least twice the concurrency: a free slot is found in a step or two
            var size = (int)Math.Min(65536, Math.Max(256, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)probe._settings.MaxConcurrency * 2)));
            _slots = new Query?[size];
            _mask = size - 1;
            Socket = new Socket(server.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            Socket.ReceiveBufferSize = 1 << 20;
            Socket.Connect(server.ToIPEndPoint());
            // a blocking receive on its own thread costs less per packet than an async receive loop
            _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"dns-udp {server}" };
            _receiver.Start();
        }

        public long RetransmitTimeout(TimeSpan max)
        {
            var rto = Interlocked.Read(ref _srtt) * 4;
            var min = Stopwatch.Frequency * 15 / 1000;
            var cap = (long)(max.TotalSeconds * Stopwatch.Frequency);
            return Math.Min(Math.Max(rto, min), cap);
        }

        public void ObserveRtt(long sample)
        {
            var old = Interlocked.Read(ref _srtt);
            Interlocked.Exchange(ref _srtt, old - old / 8 + sample / 8);
        }

        /// <summary>Gives the query a free id whose low bits index its slot; false when the table is full.</summary>
        public bool Register(Query q)
        {
            for (var attempt = 0; attempt < _slots.Length; attempt++)
            {
                var id = (ushort)Interlocked.Increment(ref _nextId);
                if (Interlocked.CompareExchange(ref _slots[id & _mask], q, null) is not null) continue;
                q.Id = id;
                q.Message[0] = (byte)(id >> 8);
                q.Message[1] = (byte)id;
                _probe.Registered();
                return true;
            }
            return false;
        }

        public void Unregister(Query q)
        {
            if (Interlocked.CompareExchange(ref _slots[q.Id & _mask], null, q) == q) _probe.Unregistered();
        }

        public void Send(Query q)
        {
            try
            {
                // a UDP send does not wait for the peer: the plain call is cheaper than the async machinery
                Interlocked.Increment(ref q.Sends);
                Socket.Send(q.Message, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                var error = e is SocketException se ? se.SocketErrorCode.ToString() : "probe closed";
                _probe.Finish(q, ProbeResult.Failed(q.Server, q.Name, q.Type, ProbeErrorKind.Network, Stopwatch.GetElapsedTime(q.Started), $"{q.Server}: {error}"));
            }
        }

        public void SweepAll(long now)
        {
            for (var i = 0; i < _slots.Length; i++)
                if (Volatile.Read(ref _slots[i]) is { } q) _probe.Sweep(this, q, now);
        }

        private void ReceiveLoop()
        {
            var buffer = new byte[65535];
            while (!_stopped)
            {
                int n;
                try { n = Socket.Receive(buffer, SocketFlags.None); }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) when (!_stopped) { continue; } // ICMP unreachable on a connected socket: the waiting queries time out
                catch (SocketException) { return; }
                if (n < DnsWire.HeaderLength) continue;
                var id = (ushort)((buffer[0] << 8) | buffer[1]);
                if (Volatile.Read(ref _slots[id & _mask]) is not { } q || q.Id != id) continue; // late or foreign answer
                if (!DnsWire.TryParseAnswerTo(buffer.AsSpan(0, n), q.Message, q.Name, q.Type, q.Options.AnswersOnly, out var parsed))
                    continue; // malformed or another question: let it time out
                _probe.Answered(q, parsed, Stopwatch.GetTimestamp());
            }
        }

        public void Dispose()
        {
            _stopped = true;
            try { Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
            Socket.Dispose();
            foreach (var q in _slots)
                if (q is not null)
                    _probe.Finish(q, ProbeResult.Failed(q.Server, q.Name, q.Type, ProbeErrorKind.Network, Stopwatch.GetElapsedTime(q.Started), $"{q.Server}: probe closed"));
        }
    }
}
