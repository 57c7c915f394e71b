using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Authentication.Cookies;
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
using Migrator.Web.Dashboard;
using Migrator.Web.Display;
using Migrator.Web.Live;
using Migrator.Core.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Migrator.Web.Health;
using Migrator.Web.Infrastructure;
using Migrator.Web.Tokens;
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
        DataDirectoryPermissions.RestrictNewFiles();
        AppDirectoryConfiguration.UseAppDirectoryWhenContentRootLacksSettings(builder);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.UploadBodyBytes);

        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext());

        var services = builder.Services;
        // First hosted service: the data directory is private before the database, keys or jobs touch it.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DataDirectoryPermissions>());
        services.AddTrustedForwardedHeaders(builder.Configuration);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<MigratorOptions>, ILoggerFactory>((keys, migrator, loggers) =>
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(migrator.Value.KeysDirectory), loggers));
        services.AddDataProtection().SetApplicationName("Migrator");

        services.AddDbContextFactory<MigratorIdentityDbContext>((sp, db) => MigratorDbContext.UseMigratorDatabase(
            db, sp.GetRequiredService<IOptions<MigratorOptions>>().Value, MigratorIdentityDbContext.MigrationsHistoryTable));
        // After Core's DatabasePreparation (AddMigratorCore comes first) and before AccountBootstrap reads the accounts.
        services.AddHostedService<IdentityDatabasePreparation>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddMigratorApiTokens();
        services.AddIdentityCore<IdentityUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<MigratorIdentityDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "Migrator.Auth";
            cookie.LoginPath = AccountEndpoints.SignInPath;
            cookie.AccessDeniedPath = AccountEndpoints.AccessDeniedPath;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            // Every request re-checks the account (disabled, locked out, signed out elsewhere): see UserSessionGuard.
            cookie.Events.OnValidatePrincipal = UserSessionGuard.ValidateCookieAsync;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
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
        services.AddSingleton<SetupToken>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInAudit>();
        services.AddScoped<DummyPasswordCheck>();
        services.AddScoped<UserSessionGuard>();
        services.AddScoped<UserAdministration>();
        services.AddAccountRateLimits(builder.Configuration);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddMudServices();
        services.AddScoped<ViewerTimeZone>();
        services.AddSingleton<RecordsReviewSource>();
        services.AddSingleton<Migrator.Web.Settings.NewPlanDefaultsStore>();
        services.TryAddSingleton<IMigrationNotifier, InProcessMigrationNotifier>();
        services.AddHostedService<MigrationChangeWatcher>();

        services.AddProblemDetails();
        services.AddMigratorApi();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        services.AddSingleton<HeartbeatHealthCheck>();
        services.AddHostedService<HealthHeartbeatRegistration>();
        services.AddHealthChecks()
            .AddCheck<DataDirectoryHealthCheck>("data-directory", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<HangfireStorageHealthCheck>("hangfire-storage", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<HangfireServerHealthCheck>("hangfire-server", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("heartbeat-job",
                sp => sp.GetRequiredService<HeartbeatHealthCheck>(), null, [HealthTags.Ready], TimeSpan.FromSeconds(5)));
        return builder;
    }

    public static WebApplication MapMigratorWeb(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseSerilogRequestLogging();
        app.UseApiBodyLimit();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteHealthAsync };
        app.MapHealthChecks("/healthz", ready).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            AppPath = "/",
            DashboardTitle = "Migrator jobs",
        }).RequireAuthorization(Policies.IsAdmin);
        app.MapAccountEndpoints();
        app.MapAdminEndpoints();
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
            failing = report.Entries.Where(e => e.Value.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy).Select(e => e.Key).ToList(),
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
