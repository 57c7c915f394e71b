using System.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Cli;

/// <summary>`migrator audit verify|export --db FILE`: the audit log's hash chain checked, or exported as JSON lines, straight from the database file (read-only).</summary>
public static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The audit log: verify its hash chain, export it.");
        var db = new Option<FileInfo>("--db") { Description = "The migrator.db file (in the data directory)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };

        var verify = new Command("verify", "Report the first audit row that was changed, removed or inserted (exit 0 intact, 1 broken, 2 unreadable).") { db, json };
        verify.SetAction(async (parse, ct) =>
        {
            if (Open(parse.GetValue(db)!) is not { } context) return ExitCodes.BadInput;
            await using (context)
            {
                AuditChainReport report;
                try { report = await AuditChain.VerifyAsync(context, ct); }
                catch (SqliteException e)
                {
                    Console.Error.WriteLine($"error: cannot read the audit log: {e.Message}");
                    return ExitCodes.BadInput;
                }
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        intact = report.Intact, rowsChecked = report.RowsChecked, legacyRows = report.LegacyRows, headHash = report.HeadHash,
                        kind = report.FirstBreak?.Kind.ToString(), rowId = report.FirstBreak?.RowId, sequence = report.FirstBreak?.Sequence,
                        message = report.FirstBreak?.Message,
                    }));
                else if (report.FirstBreak is { } broken)
                    Console.WriteLine($"BROKEN: {broken.Kind.ToString().ToLowerInvariant()} at row {broken.RowId}: {broken.Message}");
                else
                    Console.WriteLine($"intact: {report.RowsChecked} rows checked ({report.LegacyRows} from before the chain), head {report.HeadHash ?? "(empty)"}");
                return report.Intact ? ExitCodes.Success : ExitCodes.Problems;
            }
        });

        var export = new Command("export", "Write the audit log as JSON lines (chain order, hashes included) to stdout.") { db };
        export.SetAction(async (parse, ct) =>
        {
            if (Open(parse.GetValue(db)!) is not { } context) return ExitCodes.BadInput;
            await using (context)
            {
                await using var stdout = Console.OpenStandardOutput();
                await AuditExport.WriteJsonLinesAsync(context, stdout, ct);
                return ExitCodes.Success;
            }
        });

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(export);
        return audit;
    }

    private static MigratorDbContext? Open(FileInfo file)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"error: {file.FullName} does not exist");
            return null;
        }
        var connection = new SqliteConnectionStringBuilder { DataSource = file.FullName, Mode = SqliteOpenMode.ReadOnly }.ToString();
        return new MigratorDbContext(new DbContextOptionsBuilder<MigratorDbContext>().UseSqlite(connection).Options);
    }
}
