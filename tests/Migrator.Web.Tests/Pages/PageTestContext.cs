using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Web.Display;
using Migrator.Web.Tests.Hosting;
using MudBlazor.Services;

namespace Migrator.Web.Tests.Pages;

/// <summary>A bUnit context for a page: MudBlazor, an interactive renderer, the sandbox app's real services and a signed-in user with one role.</summary>
public static class PageTestContext
{
    public static BunitContext Create(SandboxApp app, string user, string role, Action<IServiceCollection>? services = null,
        Action<Bunit.TestDoubles.BunitAuthorizationContext>? authorization = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddScoped<ViewerTimeZone>();
        ctx.Services.AddSingleton(app.Service<Migrator.Core.Migrations.MigrationWorkflow>());
        ctx.Services.AddSingleton(app.Service<Migrator.Core.Notifications.IMigrationNotifier>());
        ctx.Services.AddSingleton(app.Service<TimeProvider>());
        ctx.Services.AddSingleton(app.Service<Migrator.Web.Dashboard.RecordsReviewSource>());
        services?.Invoke(ctx.Services);
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(user).SetRoles(role);
        authorization?.Invoke(auth);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}
