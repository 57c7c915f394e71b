using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Migrator.Core.Tests.ZoneTransfer;

/// <summary>
/// A TCP proxy in front of a real server that flips one byte near the end of answer message
/// <paramref name="messageIndex"/> (inside the answer records, before the TSIG) — an on-path forgery.
/// </summary>
public sealed class TamperingProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public TamperingProxy(IPAddress address, IPEndPoint upstream, int messageIndex)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                using var server = new TcpClient();
                await server.ConnectAsync(upstream, _stop.Token);
                var c = client.GetStream();
                var s = server.GetStream();
                var query = await ReadFramedAsync(c);
                await s.WriteAsync(query, _stop.Token);
                for (var i = 0; ; i++)
                {
                    var message = await ReadFramedAsync(s);
                    if (message.Length == 0) return;
                    if (i == messageIndex)
                    {
                        // The first answer's RDATA starts well inside the message; the TSIG sits at the end, so a byte
                        // at one third of the length is record data.
                        message[2 + (message.Length - 2) / 3] ^= 0x01;
                    }
                    await c.WriteAsync(message, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
        });
    }

    private async Task<byte[]> ReadFramedAsync(NetworkStream stream)
    {
        var header = new byte[2];
        try { await stream.ReadExactlyAsync(header, _stop.Token); }
        catch (EndOfStreamException) { return []; }
        var framed = new byte[2 + BinaryPrimitives.ReadUInt16BigEndian(header)];
        header.CopyTo(framed, 0);
        await stream.ReadExactlyAsync(framed.AsMemory(2), _stop.Token);
        return framed;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
