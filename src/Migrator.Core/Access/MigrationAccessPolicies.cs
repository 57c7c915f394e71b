using System.Text;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;

namespace Migrator.Core.Access;

/// <summary>One IAM policy document a migration's plan calls for, as JSON, with whom it is for.</summary>
/// <param name="Name">Stable file-name part: read-only, record-editor, updater-NAME.</param>
/// <param name="Warning">Why the document is broader than it should be (an updater whose records the plan does not name).</param>
public sealed record AccessPolicyDocument(string Name, string Title, string For, string Json, string? Warning = null);

/// <summary>
/// The least-privilege policies of one migrated zone, from its plan's answers (the article's question "who needs console
/// access", and each automated updater with the record names and types it changes), scoped to the hosted zone's ARN.
/// </summary>
public static class MigrationAccessPolicies
{
    public static IReadOnlyList<AccessPolicyDocument> For(string hostedZoneId, DomainName zone, MigrationPlanAnswers answers)
    {
        var console = answers.ConsoleAccess.Count == 0 ? "nobody named in the plan" : string.Join(", ", answers.ConsoleAccess);
        var documents = new List<AccessPolicyDocument>
        {
            new("read-only", "Read-only", $"people who look at the zone in the console ({console})",
                Route53AccessPolicies.ToJson(Route53AccessPolicies.ReadOnly(hostedZoneId))),
            new("record-editor", "Record editor", $"people who change records in the console ({console})",
                Route53AccessPolicies.ToJson(Route53AccessPolicies.RecordEditor(hostedZoneId))),
        };
        foreach (var u in answers.Updaters)
        {
            var names = u.RecordNamesIn(zone) ?? [];
            var types = u.RecordTypes() ?? [];
            var title = $"Updater {u.Name}";
            var who = $"the automated updater {u.Name} (owner {u.Owner})";
            if (names.Count == 0 && types.Count == 0)
                documents.Add(new($"updater-{Slug(u.Name)}", title, who, Route53AccessPolicies.ToJson(Route53AccessPolicies.RecordEditor(hostedZoneId)),
                    "the plan names no record or type this updater changes, so it may change every record: name them in the plan to limit it"));
            else
                documents.Add(new($"updater-{Slug(u.Name)}", title, who,
                    Route53AccessPolicies.ToJson(Route53AccessPolicies.Updater(hostedZoneId, new RecordUpdaterScope(u.Name, names, types, [])))));
        }
        return documents;
    }

    /// <summary>Lower-case letters, digits and single hyphens: safe in a file name and a URL segment.</summary>
    public static string Slug(string text)
    {
        var b = new StringBuilder();
        foreach (var c in text.Trim().ToLowerInvariant())
            if (char.IsAsciiLetterOrDigit(c)) b.Append(c);
            else if (b.Length > 0 && b[^1] != '-') b.Append('-');
        var slug = b.ToString().Trim('-');
        return slug.Length == 0 ? "unnamed" : slug;
    }
}
