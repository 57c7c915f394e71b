namespace Migrator.Cli;

/// <summary>
/// Every exit code of <c>migrator</c>, in one place. 0 success; 1 the command ran and found something the caller must
/// act on (an unsafe plan, lint errors, differences, a failed transfer); 2 input that does not parse (FILE:LINE:COLUMN on
/// stderr); 64 bad arguments (EX_USAGE from sysexits.h).
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Success = 0;

    /// <summary>Findings, differences, an unsafe plan or a failed operation: the command ran, the answer is "no".</summary>
    public const int Problems = 1;

    /// <summary>A zone file (or other input) had syntax errors; each is on stderr as FILE:LINE:COLUMN.</summary>
    public const int Syntax = 2;

    /// <summary>Bad command-line arguments (EX_USAGE).</summary>
    public const int Usage = 64;
}
