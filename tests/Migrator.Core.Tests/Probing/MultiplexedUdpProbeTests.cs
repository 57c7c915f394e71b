using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Probing;

/// <summary>
/// The multiplexed probe against a scripted server on loopback: an answer reaches the query it answers (by id and
/// question), a lost datagram is sent again with the same id, a truncated answer is asked again over TCP, and a query
/// nobody answers ends as a timeout.
/// </summary>
public sealed class MultiplexedUdpProbeTests
{
    private static readonly DomainName A = DomainName.Parse("a.shop.example.");
    private static readonly DomainName B = DomainName.Parse("b.shop.example.");

    /// <summary>A UDP socket on 127.0.0.1 whose received queries the test reads and answers one by one.</summary>
    private sealed class ScriptedServer : IDisposable
    {
        private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Channel<(byte[] Query, EndPoint From)> _received = Channel.CreateUnbounded<(byte[], EndPoint)>();
        private readonly CancellationTokenSource _stop = new();

        public ScriptedServer()
        {
            _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Endpoint = new DnsEndpoint(IPAddress.Loopback, ((IPEndPoint)_udp.LocalEndPoint!).Port);
            _ = ReceiveAsync();
        }

        public DnsEndpoint Endpoint { get; }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var r = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                    await _received.Writer.WriteAsync((buffer.AsSpan(0, r.ReceivedBytes).ToArray(), r.RemoteEndPoint));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
        }

        public async Task<(byte[] Query, EndPoint From)> NextAsync() => await _received.Reader.ReadAsync();

        /// <summary>The next query with an id not seen before (a resend of a slow test's query is skipped).</summary>
        public async Task<(byte[] Query, EndPoint From)> NextNewAsync(HashSet<ushort> seen)
        {
            while (true)
            {
                var q = await NextAsync();
                if (seen.Add(Id(q.Query))) return q;
            }
        }

        /// <summary>Answers every query from now on with <paramref name="address"/>.</summary>
        public void AnswerAll(string address) => _ = Task.Run(async () =>
        {
            while (true)
            {
                var q = await NextAsync();
                Reply(q, Answer(q.Query, address));
            }
        });

        public void Reply((byte[] Query, EndPoint From) to, byte[] response) => _udp.SendTo(response, to.From);

        public void Dispose()
        {
            _stop.Cancel();
            _udp.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>An authoritative answer to <paramref name="query"/> with one A record, the owner compressed to the
    /// question; <paramref name="askedName"/> replaces the question's name when given (an answer to another question).</summary>
    private static byte[] Answer(byte[] query, string address, DomainName? askedName = null, bool truncated = false)
    {
        var questionEnd = QuestionEnd(query);
        var question = query.AsSpan(DnsWire.HeaderLength, questionEnd - DnsWire.HeaderLength).ToArray();
        if (askedName is not null)
        {
            var other = DnsWire.BuildQuery(0, askedName, RecordType.A, false, 1232);
            question = other.AsSpan(DnsWire.HeaderLength, QuestionEnd(other) - DnsWire.HeaderLength).ToArray();
        }
        var answer = truncated ? [] : new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4 }.Concat(IPAddress.Parse(address).GetAddressBytes()).ToArray();
        var header = new byte[DnsWire.HeaderLength];
        header[0] = query[0];
        header[1] = query[1];
        header[2] = (byte)(0x84 | (truncated ? 0x02 : 0)); // QR, AA, TC
        header[5] = 1;
        header[7] = (byte)(truncated ? 0 : 1);
        return [.. header, .. question, .. answer];
    }

    private static int QuestionEnd(byte[] query)
    {
        var p = DnsWire.HeaderLength;
        while (query[p] != 0) p += query[p] + 1;
        return p + 1 + 4;
    }

    private static ushort Id(byte[] message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    private static string Value(ProbeResult r) => Assert.Single(r.AnswerSet).Data;

    [Fact]
    public async Task QueryAsync_IgnoresAnAnswerWithItsIdToAnotherQuestion_AndTakesTheRightOne()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10)));

        var pending = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);
        var q = await server.NextAsync();
        server.Reply(q, Answer(q.Query, "192.0.2.99", askedName: B)); // same id, another name: not the answer
        server.Reply(q, Answer(q.Query, "192.0.2.1"));

        var r = await pending;
        Assert.Equal(ProbeErrorKind.None, r.Error);
        Assert.Equal("192.0.2.1", Value(r));
    }

    [Fact]
    public async Task QueryAsync_MatchesEachAnswerToItsQuery_WhenAnswersComeBackInReverseOrder()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10)));

        var first = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);
        var second = probe.QueryAsync(server.Endpoint, B, RecordType.A, ProbeOptions.Bulk);
        var seen = new HashSet<ushort>();
        var q1 = await server.NextNewAsync(seen);
        var q2 = await server.NextNewAsync(seen);
        server.Reply(q2, Answer(q2.Query, "192.0.2.2"));
        server.Reply(q1, Answer(q1.Query, "192.0.2.1"));

        Assert.Equal("192.0.2.1", Value(await first));
        Assert.Equal("192.0.2.2", Value(await second));
        Assert.Equal(A, Assert.Single((await first).Answers).Name);
    }

    [Fact]
    public async Task QueryAsync_AcceptsTheQuestionInAnotherCase()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10)));

        var pending = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);
        var q = await server.NextAsync();
        server.Reply(q, Answer(q.Query, "192.0.2.1", askedName: DomainName.Parse("A.Shop.EXAMPLE.")));

        var r = await pending;
        Assert.Equal("192.0.2.1", Value(r));
        Assert.Equal("A.Shop.EXAMPLE.", r.Answers[0].Name.ToString());
    }

    [Fact]
    public async Task QueryAsync_SendsAgainWithTheSameId_WhenTheFirstDatagramIsLost()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10)));

        var pending = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);
        var lost = await server.NextAsync(); // not answered
        var again = await server.NextAsync();
        server.Reply(again, Answer(again.Query, "192.0.2.1"));

        Assert.Equal(Id(lost.Query), Id(again.Query));
        Assert.Equal("192.0.2.1", Value(await pending));
    }

    [Fact]
    public async Task QueryAsync_AsksOverTcp_WhenTheUdpAnswerIsTruncated()
    {
        using var server = new ScriptedServer();
        using var tcp = new TcpListener(IPAddress.Loopback, server.Endpoint.Port);
        tcp.Start();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10)));

        var pending = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);
        var q = await server.NextAsync();
        server.Reply(q, Answer(q.Query, "", truncated: true));
        using var client = await tcp.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var length = new byte[2];
        await stream.ReadExactlyAsync(length);
        var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(query);
        var answer = Answer(query, "192.0.2.7");
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)answer.Length);
        await stream.WriteAsync(length);
        await stream.WriteAsync(answer);

        var r = await pending;
        Assert.Equal(ProbeErrorKind.None, r.Error);
        Assert.Equal("192.0.2.7", Value(r));
    }

    [Fact]
    public async Task QueryAsync_TimesOut_WhenNothingAnswers()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromMilliseconds(100), Retries: 1));

        var r = await probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk);

        Assert.Equal(ProbeErrorKind.Timeout, r.Error);
        Assert.Null(r.ResponseCode);
        Assert.True(r.Latency >= TimeSpan.FromMilliseconds(200), r.Latency.ToString());
    }

    [Fact]
    public async Task QueryAsync_IsCancelled_WhenTheTokenIsCancelledWhileWaiting()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource();

        var pending = probe.QueryAsync(server.Endpoint, A, RecordType.A, ProbeOptions.Bulk, cts.Token);
        await server.NextAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task QueryAsync_GivesBackItsConcurrency_SoMoreQueriesThanTheLimitAllComplete()
    {
        using var server = new ScriptedServer();
        using var probe = new MultiplexedUdpProbe(new DnsProbeSettings(TimeSpan.FromSeconds(10), MaxConcurrency: 2));

        var names = Enumerable.Range(0, 6).Select(i => DomainName.Parse($"h{i}.shop.example.")).ToArray();
        server.AnswerAll("192.0.2.1");
        var pending = names.Select(n => probe.QueryAsync(server.Endpoint, n, RecordType.A, ProbeOptions.Bulk)).ToArray();

        var results = await Task.WhenAll(pending);
        Assert.All(results, r => Assert.Equal("192.0.2.1", Value(r)));
        Assert.Equal(names, results.Select(r => r.Name));
    }
}
