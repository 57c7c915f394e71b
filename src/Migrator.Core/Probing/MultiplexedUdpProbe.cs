using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

/// <summary>
/// A fast <see cref="IDnsProbe"/> for bulk work (parity over thousands of names): per server one connected UDP socket,
/// many queries in flight matched by message id and question, one receive loop, timeouts with resends.
/// Truncated answers and TCP-only queries are asked again through <see cref="DnsClientProbe"/> over TCP.
/// </summary>
public sealed class MultiplexedUdpProbe : IDnsProbe, IDisposable
{
    private readonly DnsProbeSettings _settings;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<DnsEndpoint, Channel> _channels = new();
    private readonly Lazy<DnsClientProbe> _tcp;
    private int _disposed;

    public MultiplexedUdpProbe(DnsProbeSettings? settings = null)
    {
        _settings = settings ?? DnsProbeSettings.Default;
        if (_settings.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(settings), "timeout must be positive");
        if (_settings.MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(settings), "concurrency must be at least 1");
        _gate = new SemaphoreSlim(_settings.MaxConcurrency, _settings.MaxConcurrency);
        _tcp = new Lazy<DnsClientProbe>(() => new DnsClientProbe(_settings));
    }

    public async Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= ProbeOptions.Default;
        if (options.TcpOnly) return await _tcp.Value.QueryAsync(server, name, type, options, cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        Channel channel;
        try { channel = _channels.GetOrAdd(server, s => new Channel(s)); }
        catch (SocketException se) { return ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, TimeSpan.Zero, $"{server}: {se.SocketErrorCode}"); }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        try
        {
            // One id per logical query, resent with the same id: a late answer to an earlier send still counts.
            // Resends follow an adaptive timeout (4 × smoothed RTT, at least 15 ms, doubling), so one dropped packet costs
            // milliseconds, not the full timeout; the total wait stays Timeout × (Retries + 1).
            var total = _settings.Timeout * (_settings.Retries + 1);
            var (id, pending) = channel.Register(name, type, options.AnswersOnly);
            try
            {
                var query = DnsWire.BuildQuery(id, name, type, options.Recursion, (ushort)_settings.EdnsBufferSize);
                var rto = channel.RetransmitTimeout(_settings.Timeout);
                var sends = 0;
                DnsWire.Parsed? response;
                while (true)
                {
                    try
                    {
                        // a UDP send does not wait for the peer: the plain call is cheaper than the async machinery
                        channel.Socket.Send(query, SocketFlags.None);
                        sends++;
                    }
                    catch (SocketException se)
                    {
                        return ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, sw.Elapsed, $"{server}: {se.SocketErrorCode}");
                    }
                    var remaining = total - sw.Elapsed;
                    try
                    {
                        response = await pending.Task.WaitAsync(rto < remaining ? rto : remaining, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (TimeoutException)
                    {
                        if (sw.Elapsed >= total)
                            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Timeout, sw.Elapsed,
                                $"no response from {server} within {total.TotalMilliseconds:0} ms ({sends} sends)");
                        rto *= 2;
                    }
                }
                if (sends == 1) channel.ObserveRtt(sw.Elapsed);
                if (response is null) return ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, sw.Elapsed, $"{server}: probe closed");
                if (response.Truncated)
                    return await _tcp.Value.QueryAsync(server, name, type, options with { TcpOnly = true }, cancellationToken).ConfigureAwait(false);
                sw.Stop();
                var rcode = DnsClientProbe.RcodeName(response.Rcode);
                return new ProbeResult(server, name, type, response.Rcode == 5 ? ProbeErrorKind.Refused : ProbeErrorKind.None, rcode,
                    response.Authoritative, false, response.Answers, response.Authorities, response.Additionals, sw.Elapsed,
                    response.Rcode == 5 ? $"{server} refused the query" : null);
            }
            finally
            {
                channel.Unregister(id);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var c in _channels.Values) c.Dispose();
        if (_tcp.IsValueCreated) _tcp.Value.Dispose();
        _gate.Dispose();
    }

    /// <summary>One connected UDP socket to one server, a dedicated receive thread and a smoothed RTT.</summary>
    private sealed class Channel : IDisposable
    {
        private sealed record Pending(DomainName Name, RecordType Type, bool AnswersOnly, TaskCompletionSource<DnsWire.Parsed?> Tcs);

        private readonly ConcurrentDictionary<ushort, Pending> _pending = new();
        private readonly Thread _receiver;
        private volatile bool _stopped;
        private int _nextId = Random.Shared.Next(0, 65536);
        private long _srttTicks = TimeSpan.FromMilliseconds(10).Ticks;
        public Socket Socket { get; }

        public Channel(DnsEndpoint server)
        {
            Socket = new Socket(server.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            Socket.ReceiveBufferSize = 1 << 20;
            Socket.Connect(server.ToIPEndPoint());
            // a blocking receive on its own thread costs less per packet than an async receive loop
            _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"dns-udp {server}" };
            _receiver.Start();
        }

        public TimeSpan RetransmitTimeout(TimeSpan max)
        {
            var rto = TimeSpan.FromTicks(Interlocked.Read(ref _srttTicks) * 4);
            if (rto < TimeSpan.FromMilliseconds(15)) rto = TimeSpan.FromMilliseconds(15);
            return rto > max ? max : rto;
        }

        public void ObserveRtt(TimeSpan sample)
        {
            var old = Interlocked.Read(ref _srttTicks);
            Interlocked.Exchange(ref _srttTicks, old - old / 8 + sample.Ticks / 8);
        }

        public (ushort Id, TaskCompletionSource<DnsWire.Parsed?> Pending) Register(DomainName name, RecordType type, bool answersOnly)
        {
            // Continuations run inline on the receive thread: on a loaded machine every thread-pool hop costs a
            // scheduler wake-up, which bounded the query rate far more than CPU did. Callers only await, never block.
            var tcs = new TaskCompletionSource<DnsWire.Parsed?>(TaskCreationOptions.None);
            while (true)
            {
                var id = (ushort)Interlocked.Increment(ref _nextId);
                if (_pending.TryAdd(id, new Pending(name, type, answersOnly, tcs))) return (id, tcs);
            }
        }

        public void Unregister(ushort id) => _pending.TryRemove(id, out _);

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
                if (!_pending.TryGetValue(id, out var p)) continue; // late or foreign answer
                if (!DnsWire.TryParse(buffer.AsSpan(0, n), out var parsed, p.AnswersOnly)) continue; // malformed: let it time out
                if (parsed.QuestionName is null || !parsed.QuestionName.Equals(p.Name) || parsed.QuestionType != p.Type) continue;
                p.Tcs.TrySetResult(parsed);
            }
        }

        public void Dispose()
        {
            _stopped = true;
            try { Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
            Socket.Dispose();
            foreach (var p in _pending.Values) p.Tcs.TrySetResult(null);
        }
    }
}
