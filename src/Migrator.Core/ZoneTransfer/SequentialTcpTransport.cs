using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ArDns = ARSoft.Tools.Net.Dns;

namespace Migrator.Core.ZoneTransfer;

/// <summary>
/// A one-connection, in-order TCP transport for ARSoft's client. ARSoft's own TCP transport is pipelined: it hands each
/// received message to the waiter whose (id, question) matches, and BIND's AXFR messages after the first carry no
/// question — so they were dropped and the transfer hung until BIND's idle timeout closed the connection. Here every
/// message with the query's ID is delivered in order, and the transport remembers why it failed, so the caller can
/// tell "connection refused" from "timed out" from "closed mid-transfer" (ARSoft reports all three as null).
/// </summary>
internal sealed class SequentialTcpTransport(int port, TimeSpan timeout) : ArDns.IClientTransport
{
    private readonly TimeSpan _timeout = timeout;

    public AxfrErrorKind? Failure { get; private set; }
    public string FailureDetail { get; private set; } = "";
    public int MessagesReceived => _messages.Count;

    /// <summary>Every message of the answer, in order, without the TCP length prefix.</summary>
    public IReadOnlyList<byte[]> Messages => _messages;

    private readonly List<byte[]> _messages = [];

    /// <summary>The query as sent, without the TCP length prefix (its TSIG MAC starts the response's MAC chain).</summary>
    public byte[]? Request { get; private set; }

    public ushort MaximumAllowedQuerySize => ushort.MaxValue;
    public bool SupportsReliableTransfer => true;
    public bool SupportsMulticastTransfer => false;
    public bool SupportsPooledConnections => false;

    public async Task<ArDns.IClientConnection?> ConnectAsync(ArDns.DnsClientEndpointInfo endpointInfo, int queryTimeout, CancellationToken token)
    {
        var socket = new Socket(endpointInfo.DestinationAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(_timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(endpointInfo.DestinationAddress, port), cts.Token);
            return new Connection(this, socket);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            Fail(AxfrErrorKind.Timeout, $"no TCP connection within {_timeout.TotalSeconds:0.#} s (packets dropped, or the wrong address)");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            Fail(AxfrErrorKind.ConnectionRefused, $"connection refused: nothing listens on TCP port {port} of {endpointInfo.DestinationAddress}");
        }
        catch (SocketException e)
        {
            Fail(AxfrErrorKind.ConnectionRefused, $"cannot connect over TCP to {endpointInfo.DestinationAddress} port {port}: {e.SocketErrorCode}");
        }
        socket.Dispose();
        return null;
    }

    public Task<ArDns.IClientConnection?> GetPooledConnectionAsync(ArDns.DnsClientEndpointInfo endpointInfo, CancellationToken token) =>
        Task.FromResult<ArDns.IClientConnection?>(null);

    private void Fail(AxfrErrorKind kind, string detail)
    {
        Failure ??= kind;
        if (FailureDetail.Length == 0) FailureDetail = detail;
    }

    public void Dispose() { }

    private sealed class Connection(SequentialTcpTransport transport, Socket socket) : ArDns.IClientConnection
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public ArDns.IClientTransport Transport => transport;
        public bool IsFaulty { get; private set; }

        public async Task<bool> SendAsync(ArDns.DnsRawPackage package, CancellationToken token)
        {
            try
            {
                transport.Request = package.ToArraySegment(false).ToArray();
                await _stream.WriteAsync(package.ToArraySegment(true), token);
                return true;
            }
            catch (IOException e)
            {
                transport.Fail(AxfrErrorKind.MalformedTransfer, $"the server closed the connection before the query was sent ({e.Message})");
                MarkFaulty();
                return false;
            }
        }

        public async Task<ArDns.DnsReceivedRawPackage?> ReceiveAsync(ArDns.DnsMessageIdentification identification, CancellationToken token)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
            cts.CancelAfter(transport._timeout);
            try
            {
                while (true)
                {
                    var header = new byte[2];
                    var got = await ReadAsync(header, 0, cts.Token);
                    if (got == 0)
                    {
                        transport.Fail(AxfrErrorKind.MalformedTransfer,
                            transport.MessagesReceived == 0
                                ? "the server closed the connection without answering"
                                : $"the server closed the connection after {transport.MessagesReceived} message(s), before the closing SOA");
                        MarkFaulty();
                        return null;
                    }
                    var length = BinaryPrimitives.ReadUInt16BigEndian(header);
                    var buffer = new byte[length + 2];
                    header.CopyTo(buffer, 0);
                    if (await ReadAsync(buffer, 2, cts.Token) < length)
                    {
                        transport.Fail(AxfrErrorKind.MalformedTransfer, $"the server closed the connection in the middle of message {transport.MessagesReceived + 1}");
                        MarkFaulty();
                        return null;
                    }
                    // Messages for another query on this connection cannot occur (one query per connection), but a
                    // wrong ID means the stream is not ours: skip rather than mix data.
                    if (length < 2 || BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)) != identification.TransactionID) continue;
                    transport._messages.Add(buffer[2..]);
                    return new ArDns.DnsReceivedRawPackage(buffer, (IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!);
                }
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                transport.Fail(AxfrErrorKind.Timeout, transport.MessagesReceived == 0
                    ? $"the server accepted the connection but sent no answer within {transport._timeout.TotalSeconds:0.#} s"
                    : $"the server stopped sending after {transport.MessagesReceived} message(s): nothing for {transport._timeout.TotalSeconds:0.#} s");
                MarkFaulty();
                return null;
            }
            catch (IOException e)
            {
                transport.Fail(AxfrErrorKind.MalformedTransfer, $"the connection broke after {transport.MessagesReceived} message(s): {e.Message}");
                MarkFaulty();
                return null;
            }
        }

        /// <summary>Reads until <paramref name="buffer"/> is full from <paramref name="offset"/>; returns the bytes read (less at end of stream).</summary>
        private async Task<int> ReadAsync(byte[] buffer, int offset, CancellationToken token)
        {
            var read = 0;
            while (offset + read < buffer.Length)
            {
                var n = await _stream.ReadAsync(buffer.AsMemory(offset + read), token);
                if (n == 0) break;
                read += n;
            }
            return read;
        }

        public void RestartIdleTimeout(TimeSpan? timeout) { }
        public void MarkFaulty() => IsFaulty = true;
        public void Dispose() => _stream.Dispose();
    }

}
