using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;

namespace Migrator.Cli.Client;

/// <summary>
/// <c>migrator migration list | create | show | plan | advance | request-approval | withdraw-approval | drift check|resync|accept | dnssec set|turn-off | approve | reject | rollback | abandon | wait</c>: the REST API from a terminal or
/// a pipeline. Every command takes --server/--token/--json; exit codes as in <see cref="ExitCodes"/>.
/// </summary>
internal static class MigrationCommands
{
    public static Command Create(Func<CliConsole> console)
    {
        var migration = new Command("migration", "Drive zone migrations on a Migrator server (login first, or --server/--token).");
        migration.Subcommands.Add(List(console));
        migration.Subcommands.Add(CreateMigration(console));
        migration.Subcommands.Add(Show(console));
        migration.Subcommands.Add(Plan(console));
        migration.Subcommands.Add(Step("advance", "Run the next step now (or schedule it when it must wait).", "advance", console));
        migration.Subcommands.Add(Step("request-approval", "Freeze the cutover plan under its hash and ask an Approver (in Waited).", "request-approval", console));
        migration.Subcommands.Add(Step("withdraw-approval", "Withdraw your own open approval request (its requester or an Admin); the plan stays.", "request-approval/withdraw", console));
        migration.Subcommands.Add(Drift(console));
        migration.Subcommands.Add(Dnssec(console));
        migration.Subcommands.Add(Approve(console));
        migration.Subcommands.Add(WithReason("reject", "Refuse the cutover plan waiting for approval.", "reject", console));
        migration.Subcommands.Add(WithReason("rollback", "Put the saved delegation back (no approval needed; a reason is).", "rollback", console));
        migration.Subcommands.Add(WithReason("abandon", "End a migration that has not touched the delegation (or was rolled back).", "abandon", console));
        migration.Subcommands.Add(Wait(console));
        return migration;
    }

    private static Argument<string> Key() => new("zone") { Description = "Zone name (its open migration, else its latest) or migration id" };

    private static Command List(Func<CliConsole> console)
    {
        var command = new Command("list", "All migrations, newest first.");
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
            {
                var answer = await client.GetAsync("api/migrations", ct);
                if (!answer.Succeeded) return RemoteCommand.Fail(answer, json, io);
                if (json) RemoteCommand.PrintJson(answer.Body, io);
                else
                {
                    io.Out.WriteLine($"{"ZONE",-40} {"STATE",-14} {"UPDATED (UTC)",-17} ID");
                    foreach (var m in answer.Body!.Value.EnumerateArray())
                        io.Out.WriteLine($"{Text(m, "zoneName"),-40} {Text(m, "state"),-14} {Time(m, "updatedAt"),-17} {Text(m, "id")}");
                }
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateMigration(Func<CliConsole> console)
    {
        var zone = new Argument<string>("zone") { Description = "The zone to migrate, e.g. example.com" };
        var command = new Command("create", "Draft a migration of a zone.") { zone };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(zone)!, io, out var name, allowId: false)) return Task.FromResult(ExitCodes.BadInput);
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
            {
                var answer = await client.PostAsync("api/migrations", new { zoneName = name }, ct);
                if (!answer.Succeeded) return RemoteCommand.Fail(answer, json, io);
                if (json) RemoteCommand.PrintJson(answer.Body, io);
                else io.Out.WriteLine($"Drafted {Text(answer.Body!.Value, "zoneName")} ({Text(answer.Body!.Value, "id")})");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command Show(Func<CliConsole> console)
    {
        var key = Key();
        var command = new Command("show", "State, next step and who must take it, due time, plan hash and the saved delegation snapshot.") { key };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
            {
                var answer = await client.GetAsync(MigrationPath(k), ct);
                if (!answer.Succeeded) return RemoteCommand.Fail(answer, json, io);
                if (json) RemoteCommand.PrintJson(answer.Body, io);
                else PrintStatus(answer.Body!.Value, io.Out);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command Plan(Func<CliConsole> console)
    {
        var key = Key();
        var answers = new Option<FileInfo?>("--answers")
        {
            Description = "JSON file with the plan's answers (see GET /openapi/v1.json, PlanAnswers); - reads standard input",
        };
        var sandboxDefaults = new Option<bool>("--sandbox-defaults")
        {
            Description = "Sandbox mode, demo zones only: use the answers the server proposes for the sandbox world (GET /api/sandbox/plan-defaults/ZONE)",
        };
        var command = new Command("plan", "Answer the plan's questions (query logging, DNSSEC, updaters, source, writer, delegation changer, ...).") { key, answers, sandboxDefaults };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            var file = parse.GetValue(answers);
            if (file is null == !parse.GetValue(sandboxDefaults))
            {
                io.Error.WriteLine("migrator: give either --answers FILE or --sandbox-defaults");
                return Task.FromResult(ExitCodes.BadInput);
            }
            if (file is null)
                return RemoteCommand.RunAsync(parse, io, async (client, json) =>
                {
                    var status = await client.GetAsync(MigrationPath(k), ct);
                    if (!status.Succeeded) return RemoteCommand.Fail(status, json, io);
                    var zone = Text(status.Body!.Value, "zoneName");
                    var defaults = await client.GetAsync("api/sandbox/plan-defaults/" + Uri.EscapeDataString(zone), ct);
                    if (!defaults.Succeeded) return RemoteCommand.Fail(defaults, json, io);
                    return Report(await client.PutAsync(MigrationPath(k) + "/plan", defaults.Body!.Value, ct), json, io, "Plan saved (sandbox defaults)");
                });
            JsonElement body;
            try
            {
                var text = file.ToString() == "-" ? io.In.ReadToEnd() : File.ReadAllText(file.FullName);
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                io.Error.WriteLine($"migrator: --answers {file}: {e.Message}");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
            {
                var answer = await client.PutAsync(MigrationPath(k) + "/plan", body, ct);
                return Report(answer, json, io, "Plan saved");
            });
        });
        return command;
    }

    private static Command Step(string name, string description, string action, Func<CliConsole> console)
    {
        var key = Key();
        var command = new Command(name, description) { key };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
                Report(await client.PostAsync($"{MigrationPath(k)}/{action}", new { }, ct), json, io, null));
        });
        return command;
    }

    /// <summary><c>drift check | resync | accept --reason</c>: old and new compared while the migration waits for its cutover.</summary>
    private static Command Drift(Func<CliConsole> console)
    {
        var drift = new Command("drift", "Differences between old and new while waiting for the cutover (they block it until re-synced or accepted).");
        drift.Subcommands.Add(Step("check", "Compare old and new now; a match clears a drift block (exit 0 either way; the status shows the result).", "drift/check", console));
        drift.Subcommands.Add(Step("resync", "Re-read the old zone, import it into Route 53 and recompute the cutover plan (voids the approval; runs in the background).", "drift/resync", console));
        drift.Subcommands.Add(WithReason("accept", "Accept the latest drift check's differences with a reason; the same differences no longer block cutover.", "drift/accept", console));
        return drift;
    }

    /// <summary><c>dnssec set --signing WHEN [--kms-key-arn ARN] | turn-off --reason</c>: DNSSEC signing at Route 53 after the migration.</summary>
    private static Command Dnssec(Func<CliConsole> console)
    {
        var dnssec = new Command("dnssec", "DNSSEC signing at Route 53: chosen before completion (which signs) or after it (signs now), turned off after it (DS withdrawn first).");
        var key = Key();
        var signing = new Option<string>("--signing") { Description = $"Whether completion signs the zone: {string.Join(", ", Enum.GetNames<DnssecTiming>())}", Required = true };
        var arn = new Option<string?>("--kms-key-arn")
        {
            Description = "The customer-managed KMS key (ECC_NIST_P256, us-east-1) for the key-signing key; omitted keeps the stored one, \"\" removes it",
        };
        var set = new Command("set", "Choose whether completion signs the zone and with which KMS key (an approval stays valid); after completion, choosing signing turns it on now (runs in the background).") { key, signing, arn };
        RemoteCommand.AddConnectionOptions(set);
        set.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            if (!Enum.TryParse<DnssecTiming>(parse.GetValue(signing), ignoreCase: true, out var when) || int.TryParse(parse.GetValue(signing), out _))
            {
                io.Error.WriteLine($"migrator: --signing '{parse.GetValue(signing)}' is not one of {string.Join(", ", Enum.GetNames<DnssecTiming>())}");
                return Task.FromResult(ExitCodes.BadInput);
            }
            var kms = parse.GetValue(arn);
            if (kms is not null && kms.Trim().Length > 0 && MigrationPlanAnswers.DnssecKeyError(kms.Trim()) is { } error)
            {
                io.Error.WriteLine($"migrator: --kms-key-arn: {error}");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
                Report(await client.PutAsync($"{MigrationPath(k)}/dnssec", new { signing = when.ToString(), kmsKeyArn = kms?.Trim() }, ct), json, io, null));
        });
        dnssec.Subcommands.Add(set);
        dnssec.Subcommands.Add(WithReason("turn-off", "After completion: withdraw the DS at the parent, wait out its TTL, then stop signing (runs in the background).", "dnssec/turn-off", console));
        return dnssec;
    }

    private static Command Approve(Func<CliConsole> console)
    {
        var key = Key();
        var hash = new Option<string?>("--plan-hash") { Description = "Approve only this plan hash (default: the one the server shows now, read just before)" };
        var command = new Command("approve", "Sign the cutover plan (Approvers; never your own request).") { key, hash };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
            {
                var planHash = parse.GetValue(hash);
                if (planHash is null)
                {
                    var status = await client.GetAsync(MigrationPath(k), ct);
                    if (!status.Succeeded) return RemoteCommand.Fail(status, json, io);
                    var b = status.Body!.Value;
                    planHash = b.TryGetProperty("planHash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
                    if (planHash is null || !b.TryGetProperty("approvalRequestedBy", out var requested) || requested.ValueKind != JsonValueKind.String)
                    {
                        io.Error.WriteLine($"migrator: {Text(b, "zoneName")} has no cutover plan waiting for approval (state {Text(b, "state")})");
                        if (json) RemoteCommand.PrintJson(b, io);
                        return ExitCodes.Refused;
                    }
                    io.Error.WriteLine($"Approving plan {planHash} of {Text(b, "zoneName")}, requested by {requested.GetString()}");
                }
                return Report(await client.PostAsync($"{MigrationPath(k)}/approve", new { planHash }, ct), json, io, null);
            });
        });
        return command;
    }

    private static Command WithReason(string name, string description, string action, Func<CliConsole> console)
    {
        var key = Key();
        var reason = new Option<string>("--reason") { Description = "Why (recorded with your name in the history and the audit log)", Required = true };
        var command = new Command(name, description) { key, reason };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            var why = parse.GetValue(reason)!.Trim();
            if (why.Length == 0)
            {
                io.Error.WriteLine("migrator: --reason must not be empty");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return RemoteCommand.RunAsync(parse, io, async (client, json) =>
                Report(await client.PostAsync($"{MigrationPath(k)}/{action}", new { reason = why }, ct), json, io, null));
        });
        return command;
    }

    private static Command Wait(Func<CliConsole> console)
    {
        var key = Key();
        var state = new Option<string>("--state") { Description = $"The state to wait for: {string.Join(", ", Enum.GetNames<MigrationState>())}", Required = true };
        var timeout = new Option<string>("--timeout") { Description = "Give up after this long (seconds, or with s/m/h); exit 3", DefaultValueFactory = _ => "30m" };
        var interval = new Option<string>("--interval") { Description = "How often to ask the server", DefaultValueFactory = _ => "2s" };
        var command = new Command("wait", "Wait until the migration reaches a state (exit 0), can no longer reach it (exit 1), or time runs out (exit 3).")
        {
            key, state, timeout, interval,
        };
        RemoteCommand.AddConnectionOptions(command);
        command.SetAction((parse, ct) =>
        {
            var io = console();
            if (!TryKey(parse.GetValue(key)!, io, out var k)) return Task.FromResult(ExitCodes.BadInput);
            if (!Enum.TryParse<MigrationState>(parse.GetValue(state), ignoreCase: true, out var target) || int.TryParse(parse.GetValue(state), out _))
            {
                io.Error.WriteLine($"migrator: --state '{parse.GetValue(state)}' is not one of {string.Join(", ", Enum.GetNames<MigrationState>())}");
                return Task.FromResult(ExitCodes.BadInput);
            }
            if (!TryDuration(parse.GetValue(timeout)!, out var limit) || !TryDuration(parse.GetValue(interval)!, out var every) || every <= TimeSpan.Zero)
            {
                io.Error.WriteLine("migrator: --timeout and --interval take seconds or a number with s, m or h (e.g. 90, 90s, 5m)");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return RemoteCommand.RunAsync(parse, io, (client, json) => WaitAsync(client, k, target, limit, every, json, io, TimeProvider.System, ct));
        });
        return command;
    }

    internal static async Task<int> WaitAsync(MigratorApiClient client, string key, MigrationState target, TimeSpan limit, TimeSpan every, bool json,
        CliConsole io, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + limit;
        string? last = null;
        while (true)
        {
            var answer = await client.GetAsync(MigrationPath(key), ct);
            if (!answer.Succeeded) return RemoteCommand.Fail(answer, json, io);
            var body = answer.Body!.Value;
            var current = Text(body, "state");
            if (current != last && !json) io.Error.WriteLine($"{time.GetUtcNow():HH:mm:ss} {Text(body, "zoneName")} {current}");
            last = current;
            if (string.Equals(current, target.ToString(), StringComparison.Ordinal))
            {
                if (json) RemoteCommand.PrintJson(body, io);
                return ExitCodes.Success;
            }
            if (Enum.TryParse<MigrationState>(current, out var now) && CannotReach(now, target))
            {
                io.Error.WriteLine($"migrator: {Text(body, "zoneName")} is {current}; it will not become {target}");
                if (json) RemoteCommand.PrintJson(body, io);
                return ExitCodes.Refused;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                io.Error.WriteLine($"migrator: timed out after {limit} waiting for {target}; {Text(body, "zoneName")} is {current}");
                if (json) RemoteCommand.PrintJson(body, io);
                return ExitCodes.Timeout;
            }
            await Task.Delay(remaining < every ? remaining : every, time, ct);
        }
    }

    /// <summary>Final states never move again, and RolledBack does not go forward.</summary>
    private static bool CannotReach(MigrationState current, MigrationState target) =>
        current is MigrationState.Abandoned or MigrationState.Decommissioned or MigrationState.RolledBack
        || (current is MigrationState.Completed && target is not MigrationState.Decommissioned);

    private static int Report(ApiAnswer answer, bool json, CliConsole io, string? doneText)
    {
        if (!answer.Succeeded) return RemoteCommand.Fail(answer, json, io);
        if (json) RemoteCommand.PrintJson(answer.Body, io);
        else if (answer.Body is { ValueKind: JsonValueKind.Object } body)
        {
            if (doneText is not null) io.Out.WriteLine(doneText);
            PrintStatus(body, io.Out);
        }
        else io.Out.WriteLine(doneText ?? "Done");
        return ExitCodes.Success;
    }

    /// <summary>Scalars as "name: value" lines, then nested objects and lists as indented JSON; whatever the server adds is shown.</summary>
    internal static void PrintStatus(JsonElement body, TextWriter output)
    {
        var nested = new List<JsonProperty>();
        foreach (var p in body.EnumerateObject())
        {
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                if (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0) continue;
                nested.Add(p);
            }
            else if (p.Value.ValueKind != JsonValueKind.Null) output.WriteLine($"{p.Name,-16} {Scalar(p.Value)}");
        }
        foreach (var p in nested)
        {
            output.WriteLine($"{p.Name}:");
            foreach (var line in JsonSerializer.Serialize(p.Value, RemoteCommand.Indented).Split('\n'))
                output.WriteLine("  " + line);
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static bool TryKey(string text, CliConsole io, out string key, bool allowId = true)
    {
        key = text.Trim();
        if (allowId && Guid.TryParse(key, out var id))
        {
            key = id.ToString();
            return true;
        }
        var absolute = key.EndsWith('.') ? key : key + ".";
        if (DomainName.TryParse(absolute, null, out var zone, out var error) && !zone.IsRoot)
        {
            key = zone.ToLowerString();
            return true;
        }
        io.Error.WriteLine($"migrator: '{text}' is not a zone name{(allowId ? " or a migration id" : "")}{(error is null ? "" : ": " + error)}");
        return false;
    }

    internal static string MigrationPath(string key) => "api/migrations/" + Uri.EscapeDataString(key);

    internal static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (text.Length == 0) return false;
        var unit = char.ToLowerInvariant(text[^1]);
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var number = scale == 0 ? text : text[..^1];
        if (scale == 0) scale = 1;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 30 * 86400 / scale) return false;
        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Scalar(v) : "";

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t)
            ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "";
}
