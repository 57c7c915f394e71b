namespace Migrator.Cli;

/// <summary>
/// Every exit code of <c>migrator</c>, in one place. 0 success; 1 the command ran and the answer is "no" (an unsafe plan,
/// lint errors, differences, a failed transfer; from the server 401/403/409: a role or four-eyes refusal, a lost race);
/// 2 bad input (syntax errors as FILE:LINE:COLUMN on stderr, invalid names or options, 400/404/422 from the server);
/// 3 a wait timed out; 64 bad arguments of an offline command (EX_USAGE); 69 the server is unreachable or failing (EX_UNAVAILABLE).
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Success = 0;

    /// <summary>Findings, differences, an unsafe plan or a failed operation: the command ran, the answer is "no".</summary>
    public const int Problems = 1;

    /// <summary>The same code as <see cref="Problems"/>, named for the REST client: the server refused (401/403/409).</summary>
    public const int Refused = Problems;

    /// <summary>A zone file (or other input) had syntax errors; each is on stderr as FILE:LINE:COLUMN.</summary>
    public const int Syntax = 2;

    /// <summary>The same code as <see cref="Syntax"/>, named for the REST client: invalid input, or 400/404/422 from the server.</summary>
    public const int BadInput = Syntax;

    /// <summary>A wait ran out of time before the condition held.</summary>
    public const int Timeout = 3;

    /// <summary>Bad command-line arguments (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The server could not be reached or answered 5xx (EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;
}
