using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using DnsClient;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Probing;

/// <summary>Settings of the probe engine. Invariant: timeout &gt; 0, retries ≥ 0, concurrency ≥ 1.</summary>
public sealed record DnsProbeSettings(TimeSpan Timeout, int Retries = 1, int MaxConcurrency = 64, int EdnsBufferSize = 1232)
{
    public static readonly DnsProbeSettings Default = new(TimeSpan.FromSeconds(2));
}

/// <summary>
/// <see cref="IDnsProbe"/> on DnsClient: one LookupClient per (server, recursion, transport), reused across queries;
/// UDP with EDNS, TCP when the response is truncated, no client-side cache, bounded concurrency.
/// </summary>
public sealed class DnsClientProbe : IDnsProbe, IDisposable
{
    private readonly DnsProbeSettings _settings;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<(DnsEndpoint, bool Recursion, bool Tcp, bool Dnssec), LookupClient> _clients = new();

    public DnsClientProbe(DnsProbeSettings? settings = null)
    {
        _settings = settings ?? DnsProbeSettings.Default;
        if (_settings.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(settings), "timeout must be positive");
        if (_settings.MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(settings), "concurrency must be at least 1");
        _gate = new SemaphoreSlim(_settings.MaxConcurrency, _settings.MaxConcurrency);
    }

    public DnsProbeSettings Settings => _settings;

    public async Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= ProbeOptions.Default;
        var client = _clients.GetOrAdd((server, options.Recursion, options.TcpOnly, options.DnssecOk), k => CreateClient(k.Item1, k.Recursion, k.Tcp, k.Dnssec));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        try
        {
            var question = new DnsQuestion(name.ToString(), (QueryType)type.Code, QueryClass.IN);
            var response = await client.QueryAsync(question, cancellationToken).ConfigureAwait(false);
            sw.Stop();
            return ToResult(server, name, type, response, sw.Elapsed);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Timeout, sw.Elapsed,
                $"no response from {server} within {_settings.Timeout.TotalMilliseconds:0} ms × {_settings.Retries + 1} tries");
        }
        catch (DnsResponseException ex) when (ex.InnerException is SocketException se)
        {
            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, sw.Elapsed, $"{server}: {se.SocketErrorCode}");
        }
        catch (DnsResponseException ex)
        {
            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Malformed, sw.Elapsed, $"{server}: {ex.Message}");
        }
        catch (SocketException se)
        {
            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Network, sw.Elapsed, $"{server}: {se.SocketErrorCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failed(server, name, type, ProbeErrorKind.Timeout, sw.Elapsed, $"no response from {server}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private LookupClient CreateClient(DnsEndpoint server, bool recursion, bool tcpOnly, bool dnssec) =>
        new(new LookupClientOptions(new NameServer(server.Address, server.Port))
        {
            UseCache = false,
            Recursion = recursion,
            Timeout = _settings.Timeout,
            Retries = _settings.Retries,
            UseTcpFallback = true,
            UseTcpOnly = tcpOnly,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseRandomNameServer = false,
            ExtendedDnsBufferSize = _settings.EdnsBufferSize,
            EnableAuditTrail = false,
            RequestDnsSecRecords = dnssec,
        });

    private static ProbeResult ToResult(DnsEndpoint server, DomainName name, RecordType type, IDnsQueryResponse response, TimeSpan latency)
    {
        var header = response.Header;
        var rcode = RcodeName((int)header.ResponseCode);
        return new ProbeResult(server, name, type,
            header.ResponseCode == DnsHeaderResponseCode.Refused ? ProbeErrorKind.Refused : ProbeErrorKind.None,
            rcode, header.HasAuthorityAnswer, header.ResultTruncated,
            Convert(response.Answers), Convert(response.Authorities), Convert(response.Additionals), latency,
            header.ResponseCode == DnsHeaderResponseCode.Refused ? $"{server} refused the query" : null, header.IsAuthenticData);
    }

    private static IReadOnlyList<ResourceRecord> Convert(IReadOnlyList<DnsClient.Protocol.DnsResourceRecord> records)
    {
        if (records.Count == 0) return [];
        var list = new List<ResourceRecord>(records.Count);
        foreach (var r in records)
        {
            var rr = DnsClientRecordFormat.ToResourceRecord(r);
            if (rr is not null) list.Add(rr);
        }
        return list;
    }

    internal static string RcodeName(int code) => code switch
    {
        0 => "NOERROR", 1 => "FORMERR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 4 => "NOTIMP", 5 => "REFUSED",
        6 => "YXDOMAIN", 7 => "YXRRSET", 8 => "NXRRSET", 9 => "NOTAUTH", 10 => "NOTZONE",
        _ => $"RCODE{code}",
    };

    public void Dispose() => _gate.Dispose();
}
