using Microsoft.AspNetCore.Components;
using Migrator.Core.Migrations;
using Migrator.Web.Dashboard;
using Migrator.Web.Display;

namespace Migrator.Web.Components.Shared;

/// <summary>
/// The plan's questions as a form. It starts from <see cref="Initial"/> (the stored answers, or the sandbox's defaults
/// for a demo zone) so a newcomer can simply confirm; saving hands the answers to <see cref="OnSave"/>, whose caller runs
/// the workflow (which validates them and checks the role). A refusal comes back through <see cref="Refusal"/>.
/// </summary>
public partial class PlanForm
{
    [Parameter] public string Title { get; set; } = "Plan";
    [Parameter] public MigrationPlanAnswers? Initial { get; set; }
    /// <summary>Says where the prefilled answers come from, shown above the form; null when they are the stored plan.</summary>
    [Parameter] public string? PrefilledFrom { get; set; }
    [Parameter] public string SaveLabel { get; set; } = "Save the plan";
    [Parameter] public bool Busy { get; set; }
    /// <summary>The workflow's refusal of the last save ("the plan is not complete: a; b"), shown as a list.</summary>
    [Parameter] public string? Refusal { get; set; }
    [Parameter] public EventCallback<MigrationPlanAnswers> OnSave { get; set; }
    [Parameter] public EventCallback OnCancel { get; set; }

    [Inject] private ViewerTimeZone Viewer { get; set; } = default!;

    private PlanDraft draft = new();
    private string? shownInitial;
    private TimeZoneInfo? draftZone;
    private IReadOnlyList<string> problems = [];

    /// <summary>The zone the window's times are typed in: the viewer's when known as the form was filled, else UTC.</summary>
    private string ZoneName => draftZone?.Id ?? "UTC";

    protected override void OnParametersSet()
    {
        // A new starting point (another migration, a reload after save) resets the form; re-renders of the page while
        // someone types do not.
        var json = (Initial ?? new MigrationPlanAnswers()).ToJson();
        if (json != shownInitial)
        {
            shownInitial = json;
            draftZone = Viewer.Zone;
            draft = PlanDraft.From(Initial ?? new MigrationPlanAnswers(), draftZone);
            problems = [];
        }
    }

    private async Task SaveAsync()
    {
        var (answers, found) = draft.ToAnswers(draftZone);
        problems = found;
        if (answers is null) return;
        await OnSave.InvokeAsync(answers);
    }

    /// <summary>"the plan is not complete: a; b" → [a, b], so each problem is one line of the list.</summary>
    public static IReadOnlyList<string> RefusalItems(string refusal)
    {
        var text = refusal;
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (text.StartsWith("the plan is not complete", StringComparison.Ordinal) && colon >= 0) text = text[(colon + 2)..];
        return text.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
