using System.CommandLine;
using Migrator.Core.Access;
using Migrator.Core.Zones;

namespace Migrator.Cli;

/// <summary>
/// <c>migrator route53 policy --zone-id ID --role read-only|editor|updater [--updater NAME --name N... --type T... --action A...]</c>:
/// prints an IAM policy document scoped to the hosted zone's ARN. Exit 0, or 64 for bad usage.
/// </summary>
internal static class Route53PolicyCommand
{
    public static Command Create()
    {
        var zoneId = new Option<string>("--zone-id") { Description = "Hosted zone id (Z… or /hostedzone/Z…).", Required = true };
        var role = new Option<string>("--role") { Description = "read-only, editor or updater.", Required = true };
        role.AcceptOnlyFromAmong("read-only", "editor", "updater");
        var updater = new Option<string>("--updater") { Description = "Updater name (used in statement ids).", DefaultValueFactory = _ => "updater" };
        var names = new Option<string[]>("--name") { Description = "Record name the updater may change (repeatable), e.g. _acme-challenge.example.com.", AllowMultipleArgumentsPerToken = true };
        var types = new Option<string[]>("--type") { Description = "Record type it may change (repeatable), e.g. TXT.", AllowMultipleArgumentsPerToken = true };
        var actions = new Option<string[]>("--action") { Description = "CREATE, UPSERT or DELETE (repeatable); default: all three.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("policy", "Print a least-privilege IAM policy for one hosted zone: read-only, record editor, or an automated updater limited by record names, types and actions.");
        foreach (var o in new Option[] { zoneId, role, updater, names, types, actions }) command.Options.Add(o);
        command.SetAction(p => Run(p.GetValue(zoneId)!, p.GetValue(role)!, p.GetValue(updater)!, p.GetValue(names) ?? [], p.GetValue(types) ?? [],
            p.GetValue(actions) ?? [], Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string zoneId, string role, string updaterName, string[] nameTexts, string[] typeTexts, string[] actionTexts,
        TextWriter stdout, TextWriter stderr)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(zoneId, "^(/hostedzone/)?[A-Z0-9]{1,32}$"))
        {
            stderr.WriteLine($"migrator: --zone-id '{zoneId}' is not a hosted zone id");
            return ExitCodes.Usage;
        }
        if (role != "updater")
        {
            if (nameTexts.Length + typeTexts.Length + actionTexts.Length > 0)
            {
                stderr.WriteLine("migrator: --name, --type and --action apply to --role updater only");
                return ExitCodes.Usage;
            }
            stdout.WriteLine(Route53AccessPolicies.ToJson(role == "editor" ? Route53AccessPolicies.RecordEditor(zoneId) : Route53AccessPolicies.ReadOnly(zoneId)));
            return ExitCodes.Success;
        }
        var names = new List<DomainName>();
        foreach (var t in nameTexts.SelectMany(Split))
        {
            if (!DomainName.TryParse(t.EndsWith('.') ? t : t + ".", null, out var n, out var error))
            { stderr.WriteLine($"migrator: --name '{t}': {error}"); return ExitCodes.Usage; }
            names.Add(n);
        }
        var types = new List<RecordType>();
        foreach (var t in typeTexts.SelectMany(Split))
        {
            if (!RecordType.TryParse(t, out var rt)) { stderr.WriteLine($"migrator: --type '{t}' is not a record type"); return ExitCodes.Usage; }
            types.Add(rt);
        }
        var actions = new List<RecordChangeAction>();
        foreach (var t in actionTexts.SelectMany(Split))
        {
            if (!Enum.TryParse<RecordChangeAction>(t, ignoreCase: true, out var a) || !Enum.IsDefined(a))
            { stderr.WriteLine($"migrator: --action '{t}' is not CREATE, UPSERT or DELETE"); return ExitCodes.Usage; }
            actions.Add(a);
        }
        if (names.Count == 0 && types.Count == 0)
        {
            stderr.WriteLine("migrator: an updater needs --name or --type to be limited to");
            return ExitCodes.Usage;
        }
        stdout.WriteLine(Route53AccessPolicies.ToJson(Route53AccessPolicies.Updater(zoneId, new RecordUpdaterScope(updaterName, names, types, actions))));
        return ExitCodes.Success;
    }

    private static IEnumerable<string> Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
