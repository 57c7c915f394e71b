namespace Migrator.Cli;

/// <summary>
/// The exit codes of every `migrator` command, in one place because pipelines branch on them.
/// 0 success; 1 refused (findings, unsafe plan, a role or four-eyes refusal, a lost race); 2 bad input;
/// 3 timeout; 64 usage (kept for the offline commands that already return it); 69 server unreachable or failing.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and the answer is no: lint errors, an unsafe plan, 401/403/409 from the server.</summary>
    public const int Refused = 1;

    /// <summary>What was asked cannot be done as given: syntax errors, invalid names or options, 400/404/422 from the server.</summary>
    public const int BadInput = 2;

    /// <summary>A wait ran out of time before the condition held.</summary>
    public const int Timeout = 3;

    /// <summary>Malformed invocation of an offline command (sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The server could not be reached or failed (5xx) (sysexits EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;
}
