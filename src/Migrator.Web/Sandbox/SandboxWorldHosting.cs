using System.Security.Claims;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.World;
using Migrator.Web.Access;

namespace Migrator.Web.Sandbox;

/// <summary>
/// Runs the sandbox world beside the Route 53 emulator for the life of the app. <see cref="Started"/> completes once
/// every server listens; <see cref="ResetAsync"/> puts the world and the registrar back to their first state.
/// </summary>
public sealed class SandboxWorldService(WorldOptions options, EmulatorHostedService emulator, ILogger<SandboxWorldService> logger) : IHostedService
{
    private readonly TaskCompletionSource<SandboxWorld> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<SandboxWorld> Started => _started.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // What the world costs the process: measured around its start (the issue's "under 2 s, under 50 MB").
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var setBefore = Environment.WorkingSet;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var world = await SandboxWorld.StartAsync(options, cancellationToken);
            var elapsed = clock.Elapsed;
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            logger.LogInformation("Sandbox world started in {Milliseconds} ms on port {Port} (TTLs: records {RecordTtl} s, delegations {DelegationTtl} s, DNSKEY {DnskeyTtl} s, ISP floor {IspTtlFloor} s); managed heap +{HeapKiB} KiB, working set +{WorkingSetKiB} KiB",
                (long)elapsed.TotalMilliseconds, world.Port, options.RecordTtl, options.DelegationTtl, options.DnskeyTtl, options.IspTtlFloor,
                (heapAfter - heapBefore) / 1024, (Environment.WorkingSet - setBefore) / 1024);
            _started.TrySetResult(world);
        }
        catch (Exception e) { _started.TrySetException(e); throw; }
    }

    /// <summary>Zones, delegations and caches as first shipped; the demo domains at Route 53 Domains back on the old provider.</summary>
    public async Task ResetAsync()
    {
        var world = await Started;
        await world.ResetAsync();
        var host = await emulator.Started;
        foreach (var domain in SandboxWorld.RegisteredDomains()) host.Emulator.Domains.Register(domain.Name, domain.NameServers);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_started.Task.IsCompletedSuccessfully) await _started.Task.Result.DisposeAsync();
    }
}

public sealed record ManualDelegationRequest(IReadOnlyList<string>? NameServers);

public static class SandboxWorldHosting
{
    public const string SectionName = "Migrator:Sandbox:World";
    public const string WorldResetAction = "sandbox world reset";
    public const string ManualDelegationAction = "delegation changed at the manual registrar";

    /// <summary>
    /// In sandbox mode: the world (root, TLD, old provider, resolvers) on loopback, and the emulator joined to it (its
    /// DNS listener on the world's port, its name servers in the TLD, Route 53 Domains updating the TLD). Call after
    /// AddMigratorRoute53.
    /// </summary>
    public static WebApplicationBuilder AddSandboxWorld(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue<MigratorMode?>("Migrator:Mode") ?? MigratorMode.Sandbox;
        if (mode != MigratorMode.Sandbox) return builder;
        var services = builder.Services;
        services.AddSingleton(sp =>
        {
            var options = new WorldOptions();
            sp.GetRequiredService<IConfiguration>().GetSection(SectionName).Bind(options);
            options.DataDirectory = Path.Combine(sp.GetRequiredService<IOptions<MigratorOptions>>().Value.DataDirectory!, "sandbox-world");
            options.Address(1); // validates the prefix: loopback only
            if (options.Validate() is { Count: > 0 } errors) throw new InvalidOperationException("sandbox world settings: " + string.Join("; ", errors));
            if (options.Port == 0) options.Port = SandboxWorld.ChoosePort(options);
            return options;
        });
        services.AddSingleton(sp => WorldKeys.LoadOrCreate(sp.GetRequiredService<WorldOptions>().DataDirectory));

        // The emulator's options come from AddMigratorRoute53; the world adds its DNS address, name servers and registrar.
        var original = services.LastOrDefault(d => d.ServiceType == typeof(EmulatorOptions))
            ?? throw new InvalidOperationException("AddSandboxWorld must follow AddMigratorRoute53");
        services.Remove(original);
        services.AddSingleton(sp =>
        {
            var emulator = original.ImplementationFactory is { } f ? (EmulatorOptions)f(sp) : (EmulatorOptions)original.ImplementationInstance!;
            SandboxWorld.ConfigureEmulator(emulator, sp.GetRequiredService<WorldOptions>(), sp.GetRequiredService<WorldKeys>());
            return emulator;
        });
        services.AddSingleton<SandboxWorldService>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxWorldService>());
        services.AddSingleton<SandboxPlanDefaults>();
        // The world's TTLs are seconds: unless "Migrator:Steps" says otherwise, steps poll every second and the wait and
        // the soak sample once per delegation TTL.
        var steps = services.LastOrDefault(d => d.ServiceType == typeof(Migrator.Core.Migrations.MigrationStepOptions));
        if (steps?.ImplementationFactory is { } configuredSteps)
        {
            services.Remove(steps);
            services.AddSingleton(sp =>
            {
                var configured = (Migrator.Core.Migrations.MigrationStepOptions)configuredSteps(sp);
                var section = sp.GetRequiredService<IConfiguration>().GetSection(Migrator.Core.Migrations.MigrationHosting.StepsSection);
                return configured with
                {
                    PollInterval = section["PollInterval"] is null ? TimeSpan.FromSeconds(1) : configured.PollInterval,
                    SampleInterval = section["SampleInterval"] is null
                        ? TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<WorldOptions>().DelegationTtl)) : configured.SampleInterval,
                };
            });
        }

        // Plans name the world's TSIG keys; the workflow finds them through its key store.
        var keyStore = services.LastOrDefault(d => d.ServiceType == typeof(Migrator.Core.Ports.ITsigKeyStore));
        if (keyStore?.ImplementationFactory is { } configuredKeys)
        {
            services.Remove(keyStore);
            services.AddSingleton<Migrator.Core.Ports.ITsigKeyStore>(sp =>
                new SandboxTsigKeyStore(sp.GetRequiredService<WorldKeys>(), (Migrator.Core.Ports.ITsigKeyStore)configuredKeys(sp)));
        }
        return builder;
    }

    /// <summary>
    /// GET /api/sandbox and POST /api/sandbox/reset (Admin); POST /api/sandbox/registrar/{domain} and
    /// GET /api/sandbox/plan-defaults/{zone} (Operator or Admin).
    /// </summary>
    public static WebApplication MapSandboxWorld(this WebApplication app)
    {
        var api = app.MapGroup("/api/sandbox");
        api.MapGet("", async (IServiceProvider services) =>
            services.GetService<SandboxWorldService>() is { } s ? Results.Ok((await s.Started).Describe()) : NotSandbox())
            .RequireAuthorization(Policies.IsAdmin);
        api.MapPost("/reset", async (IServiceProvider services, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
        {
            if (services.GetService<SandboxWorldService>() is not { } s) return NotSandbox();
            await s.ResetAsync();
            await audit.RecordAsync(user.Identity?.Name ?? "(unknown)", WorldResetAction, "sandbox", cancellationToken: ct);
            return Results.Ok((await s.Started).Describe());
        }).RequireAuthorization(Policies.IsAdmin);
        api.MapPost("/registrar/{domain}", async (string domain, ManualDelegationRequest request, IServiceProvider services, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
        {
            if (services.GetService<SandboxWorldService>() is not { } s) return NotSandbox();
            var world = await s.Started;
            var refusal = world.SetDelegationManually(domain, request.NameServers ?? []);
            if (refusal is not null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["nameServers"] = [refusal] });
            await audit.RecordAsync(user.Identity?.Name ?? "(unknown)", ManualDelegationAction, $"zone:{domain}",
                string.Join(", ", request.NameServers ?? []), ct);
            return Results.Ok(world.Describe().Delegations.First(d => d.Zone.Equals(domain.TrimEnd('.') + ".", StringComparison.OrdinalIgnoreCase)));
        }).RequireAuthorization(Policies.CanOperate);
        api.MapGet("/plan-defaults/{zone}", (string zone, IServiceProvider services) =>
            services.GetService<SandboxPlanDefaults>() is not { } d ? NotSandbox()
            : d.For(zone) is { } answers ? Results.Ok(answers)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a demo zone", detail: $"{zone} is not one of {string.Join(", ", DemoZones.Demo)}."))
            .RequireAuthorization(Policies.CanOperate);
        return app;
    }

    private static IResult NotSandbox() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No sandbox world", detail: "The sandbox world runs only in sandbox mode.");
}
