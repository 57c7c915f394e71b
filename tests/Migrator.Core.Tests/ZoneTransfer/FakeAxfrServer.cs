using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Migrator.Core.Tests.ZoneTransfer;

/// <summary>
/// A TCP listener that answers an AXFR query with hand-built answer records, to produce transfers BIND never sends
/// (no leading SOA, no closing SOA) — or never answers at all (a black hole for the timeout path).
/// </summary>
public sealed class FakeAxfrServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <param name="answers">Answer records to send (null: accept and never answer).</param>
    /// <param name="closeAfter">Close the connection after sending instead of waiting.</param>
    public FakeAxfrServer(IPAddress address, IReadOnlyList<byte[]>? answers, bool closeAfter = true)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (SocketException) { return; }
                _ = Task.Run(() => Serve(client, answers, closeAfter));
            }
        });
    }

    private async Task Serve(TcpClient client, IReadOnlyList<byte[]>? answers, bool closeAfter)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            var lengthBytes = new byte[2];
            await stream.ReadExactlyAsync(lengthBytes, _stop.Token);
            var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
            await stream.ReadExactlyAsync(query, _stop.Token);
            if (answers is null) { await Task.Delay(Timeout.Infinite, _stop.Token); return; }

            // Question section: from offset 12 to the end of QNAME, plus QTYPE and QCLASS.
            var end = 12;
            while (query[end] != 0) end += query[end] + 1;
            end += 5;
            var response = new List<byte>();
            response.AddRange(query[..2]);
            response.AddRange([0x84, 0x00, 0x00, 0x01]);
            response.AddRange([(byte)(answers.Count >> 8), (byte)answers.Count, 0, 0, 0, 0]);
            response.AddRange(query[12..end]);
            foreach (var a in answers) response.AddRange(a);
            var framed = new byte[response.Count + 2];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Count);
            response.CopyTo(framed, 2);
            await stream.WriteAsync(framed, _stop.Token);
            if (!closeAfter) await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    /// <summary>An uncompressed RR: owner labels, type, class IN, TTL, RDATA.</summary>
    public static byte[] Record(string owner, ushort type, byte[] rdata, uint ttl = 300)
    {
        var bytes = new List<byte>(Name(owner));
        bytes.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        bytes.AddRange([(byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl]);
        bytes.AddRange([(byte)(rdata.Length >> 8), (byte)rdata.Length]);
        bytes.AddRange(rdata);
        return [.. bytes];
    }

    public static byte[] Soa(string zone) =>
        Record(zone, 6, [.. Name($"ns1.{zone}"), .. Name($"hostmaster.{zone}"), 0, 0, 0, 1, 0, 0, 0x1c, 0x20, 0, 0, 3, 0x84, 0, 0x12, 0x75, 0, 0, 0, 1, 0x2c]);

    public static byte[] A(string owner, byte a, byte b, byte c, byte d) => Record(owner, 1, [a, b, c, d]);

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(5_000); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
