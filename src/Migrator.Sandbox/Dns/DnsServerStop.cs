using ARSoft.Tools.Net.Dns;

namespace Migrator.Sandbox.Dns;

/// <summary>
/// Stops an ARSoft <see cref="DnsServer"/>. Its Stop cancels the listeners' pending receives and can rethrow that
/// cancellation (a TaskCanceledException) once a server has answered queries; at shutdown that is the expected end,
/// not an error, and must not stop the rest of the world (or the app) from shutting down.
/// </summary>
public static class DnsServerStop
{
    public static void Quietly(DnsServer? server)
    {
        if (server is null) return;
        try { server.Stop(); }
        catch (OperationCanceledException) { }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException)) { }
    }
}
