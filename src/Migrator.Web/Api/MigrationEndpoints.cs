using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Migrator.Core.Migrations;
using Migrator.Web.Access;
using Migrator.Web.Dashboard;

namespace Migrator.Web.Api;

/// <summary>
/// What `migrator migration show` prints and scripts read: the state, the next step and who must take it (<see cref="NextActor"/>
/// in words, <see cref="NextStepRoles"/> as roles), when a timed step is due, the plan hashes (current and approved), the
/// inventory, findings, updaters, the plan's answers and the delegation snapshot saved before cutover.
/// </summary>
public sealed record MigrationStatusResponse(
    Guid Id, string ZoneName, MigrationState State, long Version,
    MigrationStep? NextStep, string NextActor, IReadOnlyList<MigrationRole> NextStepRoles, bool NextStepIsTimed, string? NextStepPreconditions,
    DateTimeOffset? DueAt, string? PlanHash, string? ApprovedPlanHash, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalRequestedBy,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? RunningStep, string? CutoverStage, string? Blocker,
    string? HostedZoneId, IReadOnlyList<string> TargetNameServers, long? InventorySerial, string? InventoryHash, int InventoryRecordCount,
    IReadOnlyList<InventoryFinding> Findings, IReadOnlyList<UpdaterStatus> Updaters, MigrationPlanAnswers? Plan,
    DelegationSnapshot? Snapshot, string? SnapshotSha256)
{
    public static MigrationStatusResponse From(MigrationStatus s) => new(
        s.Id, s.Zone, s.State, s.Version, s.NextStep, s.WhoActsNext, s.NextStepRoles, s.NextStepIsTimed, s.NextStepPreconditions,
        s.DueAt, s.PlanHash, s.ApprovedPlanHash, s.ApprovedBy, s.ApprovedAt, s.ApprovalRequestedBy,
        s.CreatedBy, s.CreatedAt, s.UpdatedAt, s.RunningStep, s.CutoverStage, s.Blocker,
        s.HostedZoneId, s.TargetNameServers, s.InventorySerial, s.InventoryHash, s.InventoryRecordCount,
        s.Findings, s.Updaters, s.Plan, s.Snapshot, s.SnapshotSha256);
}

public sealed record CreateMigrationRequest(string? ZoneName);

/// <param name="PlanHash">The hash of the cutover plan the approver reviewed; refused (409) when the plan changed since.</param>
public sealed record ApproveRequest(string? PlanHash);

/// <param name="Reason">Why; recorded with your name in the history and the audit log. Required.</param>
public sealed record ReasonRequest(string? Reason);

/// <param name="Key">The finding's key as shown in the status (rule, owner, type).</param>
public sealed record AcceptFindingRequest(string? Key, string? Reason);

public sealed record TickUpdaterRequest(string? Name);

public sealed record ConfirmOperationRequest(string? Note);

/// <param name="Signing">Whether completion signs the zone at Route 53: AfterMigration, Now or Never. Required.</param>
/// <param name="KmsKeyArn">The customer-managed KMS key (ECC_NIST_P256, us-east-1) of the key-signing key; omitted keeps the stored one, "" removes it.</param>
/// <summary>The advisor's proposals to plan: those of these rule ids (SECnnn), or all of them when empty or absent.</summary>
public sealed record AdviceProposeRequest(IReadOnlyList<string>? RuleIds);

public sealed record DnssecRequest(DnssecTiming? Signing, string? KmsKeyArn);

/// <summary>/api/migrations: the lifecycle over HTTP. Every command goes through <see cref="MigrationWorkflow"/>, which checks roles and compare-and-set again.</summary>
public static class MigrationEndpoints
{
    /// <summary>The largest zone file accepted by upload (64 MiB: about a million records).</summary>
    public const long MaxZoneFileBytes = 64L * 1024 * 1024;

    public static void MapMigrationEndpoints(this RouteGroupBuilder api)
    {
        var migrations = api.MapGroup("/migrations").WithTags("Migrations");
        migrations.MapGet("", ListAsync).WithSummary("All migrations, newest first.");
        migrations.MapPost("", CreateAsync).RequireAuthorization(Policies.CanOperate).WithSummary("Draft a migration of a zone (one open migration per zone).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        migrations.MapGet("/lifecycle", () => TypedResults.Ok(MigrationLifecycle.Transitions))
            .WithSummary("The transition table: each step's states, roles, preconditions, action, evidence and timed follow-up.");

        var one = migrations.MapGroup("/{key}");
        one.MapGet("", ShowAsync).WithSummary("One migration by id or zone name (its open migration, else its latest).").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/history", HistoryAsync).WithSummary("Every transition: from, to, who, when, evidence.").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/operations", OperationsAsync).WithSummary("Evidence of work outside: Route 53 changes, Domains operations, RFC 2136 updates, manual steps.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/samples", SamplesAsync).WithSummary("Stored drift, propagation and delegation samples, oldest first (kind: drift, propagation, delegation).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/snapshot", SnapshotAsync).WithSummary("The delegation snapshot exactly as saved before cutover (its SHA-256 in the ETag).")
            .Produces<DelegationSnapshot>(contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);

        one.MapGet("/security", SecurityAsync).WithSummary("The security-records advice on the inventoried zone (SPF, DMARC, TLS-RPT, MTA-STS, CAA, SOA) and the IAM policies its plan calls for.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/advice", AdvicePlanAsync).WithSummary("The latest security-records plan: its proposals, changes, hash, who proposed and approved it, and where it stands.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/access-policies/{name}", AccessPolicyAsync).WithSummary("One IAM policy document of the migration as a JSON file (read-only, record-editor, updater-NAME).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var operate = one.MapGroup("").RequireAuthorization(Policies.CanOperate);
        operate.MapPut("/plan", PlanAsync).WithSummary("Answer the plan's questions (Drafted → Planned; later changes void an approval).").Produces422();
        operate.MapPut("/zone-file", UploadZoneAsync).Accepts<string>("text/plain")
            // Zone files are the one /api body allowed past the 1 MiB JSON cap (RequestLimits.UseApiBodyLimit).
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(Migrator.Web.Hosting.RequestLimits.UploadBodyBytes))
            .WithSummary($"Upload the old zone as a BIND zone file (text/plain, at most {MaxZoneFileBytes / 1024 / 1024} MiB) for the Upload source.")
            .Produces422().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        operate.MapPost("/findings/accept", AcceptFindingAsync).WithSummary("Accept one lint finding with a reason.").Produces422();
        operate.MapPost("/updaters/tick", TickUpdaterAsync).WithSummary("Tick off an automated updater as re-pointed to Route 53.").Produces422();
        operate.MapPost("/operations/{operationId:guid}/confirm", ConfirmOperationAsync).WithSummary("Confirm a manual operation (registrar or console change).").Produces422();
        operate.MapPost("/advance", AdvanceAsync).WithSummary("Take the next step now; timed and long steps are scheduled (202).").Produces422();
        operate.MapPost("/steps/{step}", RunStepAsync).WithSummary("Take a named step (Inventory, Rehearse, LowerTtls, Wait, CutOver, Verify, Soak, Complete, Decommission).").Produces422();
        operate.MapPost("/request-approval", RequestApprovalAsync).WithSummary("Freeze the cutover plan under its hash and ask an Approver (in Waited).").Produces422();
        operate.MapPost("/request-approval/withdraw", WithdrawApprovalRequestAsync).WithSummary("Withdraw your own open approval request (its requester or an Admin).").Produces422();
        operate.MapPost("/drift/check", CheckDriftAsync).WithSummary("Compare old and new now while waiting for cutover; stored as a drift sample (a match clears a drift block).").Produces422();
        operate.MapPost("/drift/resync", ResyncAsync).WithSummary("Re-sync after drift (Waited, Approved): re-read the old zone, import it into Route 53, recompute the cutover plan; voids the approval (202 while it runs).").Produces422();
        operate.MapPost("/drift/accept", AcceptDriftAsync).WithSummary("Accept the latest drift sample's differences with a reason; the same differences no longer block cutover.").Produces422();
        operate.MapPut("/dnssec", SetDnssecAsync).WithSummary("Choose whether completion signs the zone (DNSSEC) and with which KMS key; does not void an approval. After completion, choosing signing with a key turns it on now, DS last (202 while it waits; 409 when it is on or being turned on or off).").Produces422();
        operate.MapPost("/dnssec/turn-off", TurnOffDnssecAsync).WithSummary("After completion: withdraw the DS at the parent, wait out its TTL, then stop signing (a reason; 202 while it waits).").Produces422();
        operate.MapPost("/advice/propose", ProposeAdviceAsync).WithSummary("After completion: plan the security-records advisor's proposals (all, or those of ruleIds) against the hosted zone and ask an Approver (GET …/advice shows the plan and its hash).").Produces422();
        operate.MapPost("/advice/apply", ApplyAdviceAsync).WithSummary("Apply the approved security-records plan: recomputed first (a changed zone voids the approval), then journalled Route 53 changes (202 while it waits for INSYNC).").Produces422();
        operate.MapPost("/cutover", CutOverAsync).WithSummary("Cut over (Approved): snapshot, re-export, recompute, apply, prove parity, delegate, test.").Produces422();
        operate.MapPost("/rollback", RollBackAsync).WithSummary("Put the saved delegation back (CutOver, Verified, Soaked); no approval, a reason.").Produces422();
        operate.MapPost("/abandon", AbandonAsync).WithSummary("End a migration that has not touched the delegation (or was rolled back), with a reason.").Produces422();
        operate.MapPost("/retry", RetryAsync).WithSummary("After a rollback: back to Waited, where a new approval is needed.").Produces422();

        var approve = one.MapGroup("").RequireAuthorization(Policies.CanApprove);
        approve.MapPost("/approve", ApproveAsync).WithSummary("Sign the cutover plan with the hash you reviewed (never your own request).").Produces422();
        approve.MapPost("/advice/approve", ApproveAdviceAsync).WithSummary("Sign the security-records plan with the hash you reviewed (never your own proposal).").Produces422();
        approve.MapPost("/reject", RejectAsync).WithSummary("Refuse the approval request, with a reason.").Produces422();
    }

    private static RouteHandlerBuilder Produces422(this RouteHandlerBuilder b) =>
        b.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
         .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static MigrationActor Actor(ClaimsPrincipal user) =>
        MigrationActor.FromRoleNames(ApiEndpoints.ActorOf(user), user.FindAll(ClaimTypes.Role).Select(c => c.Value));

    /// <summary>Resolves {key}: a migration id, else a zone name (its open migration, else its latest).</summary>
    private static async Task<MigrationStatus?> FindAsync(string key, MigrationWorkflow workflow, CancellationToken ct) =>
        Guid.TryParse(key, out var id) ? await workflow.GetStatusAsync(id, ct) : await workflow.FindByZoneAsync(key, ct);

    private static ProblemHttpResult NotFound(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such migration", detail: $"No migration has the id or zone '{key}'.");

    private static ValidationProblem Required(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The one mapping of workflow outcomes to HTTP: 200/202 with the status; 403, 404, 409, 422 as ProblemDetails.</summary>
    internal static Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult> ToHttp(WorkflowResult result)
    {
        var status = result.Status is { } s ? MigrationStatusResponse.From(s) : null;
        (int Code, string Title) problem = result.Outcome switch
        {
            WorkflowOutcome.Succeeded when status is not null => (0, ""),
            WorkflowOutcome.Accepted when status is not null => (0, ""),
            WorkflowOutcome.Conflict => (StatusCodes.Status409Conflict, "Changed by someone else, or not possible in this state"),
            WorkflowOutcome.Forbidden => (StatusCodes.Status403Forbidden, "Not allowed"),
            WorkflowOutcome.NotFound => (StatusCodes.Status404NotFound, "No such migration"),
            WorkflowOutcome.Invalid => (StatusCodes.Status422UnprocessableEntity, "Cannot do that now"),
            _ => throw new InvalidOperationException($"The workflow answered {result.Outcome} without a status."),
        };
        if (problem.Code == 0)
            return result.Outcome == WorkflowOutcome.Accepted ? TypedResults.Accepted($"/api/migrations/{status!.Id}", status) : TypedResults.Ok(status!);
        var extensions = new Dictionary<string, object?> { ["outcome"] = result.Outcome.ToString() };
        if (status is not null) extensions["state"] = status.State.ToString();
        return TypedResults.Problem(statusCode: problem.Code, title: problem.Title, detail: result.Message, extensions: extensions);
    }

    private delegate Task<WorkflowResult> Command(Guid id, MigrationActor actor);

    private static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> OnAsync(
        string key, MigrationWorkflow workflow, ClaimsPrincipal user, Command command, CancellationToken ct) =>
        await FindAsync(key, workflow, ct) is { } s ? ToHttp(await command(s.Id, Actor(user))) : NotFound(key);

    internal static async Task<Ok<MigrationStatusResponse[]>> ListAsync(MigrationWorkflow workflow, CancellationToken ct) =>
        TypedResults.Ok((await workflow.ListAsync(ct)).Select(MigrationStatusResponse.From).ToArray());

    internal static async Task<Results<Created<MigrationStatusResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateMigrationRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        var result = await workflow.CreateAsync(request.ZoneName ?? "", Actor(user), ct);
        return result switch
        {
            { IsSuccess: true, Status: { } s } => TypedResults.Created($"/api/migrations/{s.Id}", MigrationStatusResponse.From(s)),
            { Outcome: WorkflowOutcome.Invalid } => Required("zoneName", result.Message),
            { Outcome: WorkflowOutcome.Conflict } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Migration already in progress", detail: result.Message),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: result.Message),
        };
    }

    internal static async Task<Results<Ok<MigrationStatusResponse>, ProblemHttpResult>> ShowAsync(string key, MigrationWorkflow workflow, CancellationToken ct) =>
        await FindAsync(key, workflow, ct) is { } s ? TypedResults.Ok(MigrationStatusResponse.From(s)) : NotFound(key);

    internal static async Task<Results<Ok<IReadOnlyList<MigrationHistoryView>>, ProblemHttpResult>> HistoryAsync(string key, MigrationWorkflow workflow, CancellationToken ct) =>
        await FindAsync(key, workflow, ct) is { } s ? TypedResults.Ok(await workflow.GetHistoryAsync(s.Id, ct)) : NotFound(key);

    internal static async Task<Results<Ok<IReadOnlyList<MigrationOperationView>>, ProblemHttpResult>> OperationsAsync(string key, MigrationWorkflow workflow, CancellationToken ct) =>
        await FindAsync(key, workflow, ct) is { } s ? TypedResults.Ok(await workflow.GetOperationsAsync(s.Id, ct)) : NotFound(key);

    internal static async Task<Results<Ok<IReadOnlyList<MigrationSampleView>>, ProblemHttpResult>> SamplesAsync(
        string key, string? kind, int? take, MigrationWorkflow workflow, CancellationToken ct) =>
        await FindAsync(key, workflow, ct) is { } s ? TypedResults.Ok(await workflow.GetSamplesAsync(s.Id, kind, take ?? 1000, ct)) : NotFound(key);

    /// <summary>The stored bytes, not a re-serialisation, so a client can compare them with what rollback restores.</summary>
    internal static async Task<IResult> SnapshotAsync(string key, HttpContext http, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (await FindAsync(key, workflow, ct) is not { } s) return NotFound(key);
        if (await workflow.GetSnapshotAsync(s.Id, ct) is not { } saved)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No snapshot yet", detail: $"{s.Zone} has not reached cutover; the snapshot is saved at its first sub-step.");
        http.Response.Headers.ETag = $"\"{saved.Sha256}\"";
        return TypedResults.Text(saved.Json, "application/json", Encoding.UTF8);
    }

    internal static async Task<IResult> SecurityAsync(string key, MigrationWorkflow workflow, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(key, workflow, ct) is not { } s) return NotFound(key);
        var view = await SecurityView.LoadAsync(s, workflow, time, ct);
        return TypedResults.Ok(new
        {
            zone = s.Zone,
            findings = view.Findings,
            findingsMissing = view.FindingsMissing,
            policies = view.Policies?.Select(p => new
            {
                p.Name, p.Title, p.For, p.Warning, download = $"/api/migrations/{s.Id}/access-policies/{p.Name}",
                document = System.Text.Json.Nodes.JsonNode.Parse(p.Json),
            }),
            policiesMissing = view.PoliciesMissing,
            advicePlan = await workflow.GetAdvicePlanAsync(s.Id, ct),
        });
    }

    internal static async Task<IResult> AdvicePlanAsync(string key, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (await FindAsync(key, workflow, ct) is not { } s) return NotFound(key);
        return await workflow.GetAdvicePlanAsync(s.Id, ct) is { } plan ? TypedResults.Ok(plan)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No security-records plan yet", detail: $"Nobody has proposed the advisor's records for {s.Zone} yet.");
    }

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> ProposeAdviceAsync(
        string key, [FromBody] AdviceProposeRequest? request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        await OnAsync(key, workflow, user, (id, actor) => workflow.ProposeAdviceAsync(id, request?.RuleIds, actor, ct), ct);

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> ApproveAdviceAsync(
        string key, ApproveRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.PlanHash)) return Required("planHash", "approve the hash of the security-records plan you reviewed (GET …/advice)");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.ApproveAdviceAsync(id, request.PlanHash, actor, ct), ct));
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> ApplyAdviceAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.ApplyAdviceAsync(id, actor, ct), ct);

    internal static async Task<IResult> AccessPolicyAsync(string key, string name, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (await FindAsync(key, workflow, ct) is not { } s) return NotFound(key);
        // Only the policies: the advice (inventory read, advisor run) is not needed for a download.
        var (policies, missing) = SecurityView.PoliciesOf(s);
        if (policies is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No policies yet", detail: missing);
        if (policies.FirstOrDefault(p => p.Name == name) is not { } policy)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such policy",
                detail: $"{s.Zone} has the policies {string.Join(", ", policies.Select(p => p.Name))}.");
        return TypedResults.File(Encoding.UTF8.GetBytes(policy.Json), "application/json", $"{s.Zone.TrimEnd('.')}-{policy.Name}.json");
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> PlanAsync(
        string key, MigrationPlanAnswers answers, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.PlanAsync(id, answers, actor, ct), ct);

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> UploadZoneAsync(
        string key, HttpRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxZoneFileBytes;
        if (request.ContentLength > MaxZoneFileBytes) return TooLarge();
        if (await FindAsync(key, workflow, ct) is not { } s) return NotFound(key);

        var text = await ReadCappedAsync(request.Body, MaxZoneFileBytes, ct);
        if (text is null) return TooLarge();
        if (text.Length == 0) return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty zone file", detail: "Send the zone file as the request body (text/plain).");
        return ToHttp(await workflow.UploadZoneAsync(s.Id, text, Actor(user), ct));

        static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Zone file too large",
            detail: $"At most {MaxZoneFileBytes / 1024 / 1024} MiB; use the AXFR source for bigger zones.");
    }

    /// <summary>
    /// Reads a text body in chunks with a running count, so a body without Content-Length cannot grow past
    /// <paramref name="maxChars"/> in memory; null when it is longer.
    /// </summary>
    internal static async Task<string?> ReadCappedAsync(Stream body, long maxChars, CancellationToken ct)
    {
        var text = new StringBuilder();
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadBlockAsync(buffer, ct)) > 0)
        {
            if (text.Length + read > maxChars) return null;
            text.Append(buffer, 0, read);
        }
        return text.ToString();
    }

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> AcceptFindingAsync(
        string key, AcceptFindingRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Key)) return Required("key", "the finding's key is required");
        if (string.IsNullOrWhiteSpace(request.Reason)) return Required("reason", "accepting a finding needs a reason");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.AcceptFindingAsync(id, request.Key, request.Reason, actor, ct), ct));
    }

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> TickUpdaterAsync(
        string key, TickUpdaterRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return Required("name", "the updater's name is required");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.TickUpdaterAsync(id, request.Name, actor, ct), ct));
    }

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> ConfirmOperationAsync(
        string key, Guid operationId, ConfirmOperationRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Note)) return Required("note", "say what was done (e.g. 'NS changed at the registrar, ticket 123')");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.ConfirmManualStepAsync(id, operationId, request.Note, actor, ct), ct));
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> AdvanceAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.AdvanceAsync(id, actor, ct), ct);

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> RunStepAsync(
        string key, string step, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (!Enum.TryParse<MigrationStep>(step, ignoreCase: true, out var parsed) || int.TryParse(step, out _)
            || parsed is MigrationStep.Plan or MigrationStep.Approve or MigrationStep.RollBack or MigrationStep.Abandon or MigrationStep.Retry or MigrationStep.VoidApproval
                or MigrationStep.CheckDrift or MigrationStep.Resync or MigrationStep.TurnOffDnssec or MigrationStep.TurnOnDnssec or MigrationStep.ApplyAdvice)
            return Required("step", "one of Inventory, Rehearse, LowerTtls, Wait, CutOver, Verify, Soak, Complete, Decommission (plan, approve, rollback, abandon, retry, drift, dnssec and advice have their own endpoints)");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.RunStepAsync(id, parsed, actor, ct), ct));
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> RequestApprovalAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.RequestApprovalAsync(id, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> WithdrawApprovalRequestAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.WithdrawApprovalRequestAsync(id, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> ResyncAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.ResyncAsync(id, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> CheckDriftAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.CheckDriftAsync(id, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> AcceptDriftAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.AcceptDriftAsync(id, reason, actor, ct), ct);

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> SetDnssecAsync(
        string key, DnssecRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (request.Signing is not { } signing) return Required("signing", "one of AfterMigration, Now, Never");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.SetDnssecAsync(id, signing, request.KmsKeyArn, actor, ct), ct));
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> TurnOffDnssecAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.TurnOffDnssecAsync(id, reason, actor, ct), ct);

    internal static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> ApproveAsync(
        string key, ApproveRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.PlanHash)) return Required("planHash", "approve the plan hash you reviewed (planHash in the status)");
        return Widen(await OnAsync(key, workflow, user, (id, actor) => workflow.ApproveAsync(id, request.PlanHash, actor, ct), ct));
    }

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> RejectAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.RejectAsync(id, reason, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult>> CutOverAsync(
        string key, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        OnAsync(key, workflow, user, (id, actor) => workflow.CutOverAsync(id, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> RollBackAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.RollBackAsync(id, reason, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> AbandonAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.AbandonAsync(id, reason, actor, ct), ct);

    internal static Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> RetryAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, CancellationToken ct) =>
        WithReasonAsync(key, request, user, workflow, (id, reason, actor) => workflow.RetryAsync(id, reason, actor, ct), ct);

    private static async Task<Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem>> WithReasonAsync(
        string key, ReasonRequest request, ClaimsPrincipal user, MigrationWorkflow workflow, Func<Guid, string, MigrationActor, Task<WorkflowResult>> command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason)) return Required("reason", "a reason is required");
        var reason = request.Reason.Trim();
        return Widen(await OnAsync(key, workflow, user, (id, actor) => command(id, reason, actor), ct));
    }

    private static Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult, ValidationProblem> Widen(
        Results<Ok<MigrationStatusResponse>, Accepted<MigrationStatusResponse>, ProblemHttpResult> r) => r.Result switch
        {
            Ok<MigrationStatusResponse> ok => ok,
            Accepted<MigrationStatusResponse> accepted => accepted,
            ProblemHttpResult problem => problem,
            var other => throw new InvalidOperationException($"unexpected result {other.GetType().Name}"),
        };
}
