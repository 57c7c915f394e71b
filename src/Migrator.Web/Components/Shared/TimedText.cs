using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Migrator.Web.Display;

namespace Migrator.Web.Components.Shared;

/// <summary>A message from Core with every UTC instant in it shown by <see cref="When"/> (the viewer's zone, UTC on hover).</summary>
public sealed class TimedText : ComponentBase
{
    [Parameter] public string? Text { get; set; }

    // Fixed sequence numbers per kind of part (the renderer diffs by them), as a .razor loop would produce.
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        foreach (var part in TimeText.Split(Text))
        {
            if (part.At is { } at)
            {
                builder.OpenComponent<When>(0);
                builder.AddComponentParameter(1, nameof(When.At), at);
                builder.CloseComponent();
            }
            else
            {
                builder.AddContent(2, part.Text);
            }
        }
    }
}
