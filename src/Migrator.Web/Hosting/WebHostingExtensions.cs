using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Migrator.Core.Hosting;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Api;
using Migrator.Web.AuditTrail;
using Migrator.Web.Components;
using Migrator.Web.Display;
using Migrator.Web.Live;
using Migrator.Core.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Migrator.Web.Health;
using Migrator.Web.Infrastructure;
using MudBlazor.Services;
using Serilog;

namespace Migrator.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>Logging, Identity (cookie sign-in, four roles, policies), Blazor + MudBlazor, API, health checks.</summary>
    public static WebApplicationBuilder AddMigratorWeb(this WebApplicationBuilder builder)
    {
        // The build output (not only `dotnet run` in Development) must serve _content/MudBlazor/*; a no-op for publish output.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext());

        var services = builder.Services;
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<MigratorOptions>, ILoggerFactory>((keys, migrator, loggers) =>
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(migrator.Value.KeysDirectory), loggers));
        services.AddDataProtection().SetApplicationName("Migrator");

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<IdentityUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<MigratorDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "Migrator.Auth";
            cookie.LoginPath = AccountEndpoints.SignInPath;
            cookie.AccessDeniedPath = AccountEndpoints.AccessDeniedPath;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            // API clients get status codes, not an HTML sign-in page.
            cookie.Events.OnRedirectToLogin = ctx => StatusOrRedirect(ctx, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = ctx => StatusOrRedirect(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.CanView, p => p.RequireRole(MigratorRoles.All))
            .AddPolicy(Policies.CanOperate, p => p.RequireRole(MigratorRoles.Operator, MigratorRoles.Admin))
            .AddPolicy(Policies.CanApprove, p => p.RequireRole(MigratorRoles.Approver, MigratorRoles.Admin))
            .AddPolicy(Policies.IsAdmin, p => p.RequireRole(MigratorRoles.Admin));
        services.AddHostedService<AccountBootstrap>();
        services.AddSingleton<AccountDirectory>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddMudServices();
        services.AddScoped<ViewerTimeZone>();
        services.TryAddSingleton<IMigrationNotifier, InProcessMigrationNotifier>();
        services.AddHostedService<MigrationChangeWatcher>();

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", timeout: TimeSpan.FromSeconds(5))
            .AddCheck<HangfireStorageHealthCheck>("hangfire-storage", timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    public static WebApplication MapMigratorWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseSerilogRequestLogging();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            AppPath = "/",
            DashboardTitle = "Migrator jobs",
        }).RequireAuthorization(Policies.IsAdmin);
        app.MapAccountEndpoints();
        app.MapMigratorApi();
        app.MapAuditExport();

        app.Lifetime.ApplicationStarted.Register(() => PrintAddresses(app));
        return app;
    }

    private static Task StatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task WriteHealthAsync(HttpContext http, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report) =>
        http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });

    private static void PrintAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0) return; // in-memory test server
        var mode = app.Services.GetRequiredService<IOptions<MigratorOptions>>().Value.Mode;
        foreach (var address in addresses)
            Console.Out.WriteLine($"Migrator dashboard ({mode} mode) listening at {address}");
        Console.Out.Flush();
    }
}
