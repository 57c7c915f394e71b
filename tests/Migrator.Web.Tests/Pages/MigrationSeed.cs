using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Diffing;
using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;
using Migrator.Core.Zones;

namespace Migrator.Web.Tests.Pages;

/// <summary>
/// Puts migrations straight into the database in a given state, with an inventory, lint findings and a cutover plan
/// computed by the real linter and diff — for page tests and the page benchmark (which links this file), where driving
/// every step through the sandbox would test the steps, not the page.
/// </summary>
public static class MigrationSeed
{
    /// <summary>A zone of <paramref name="count"/> records besides SOA and NS: A, CNAME, TXT and MX (mostly at TTL 3600), and every 1,000th a HINFO, which Route 53 does not serve.</summary>
    public static IReadOnlyList<ResourceRecord> Zone(string zone, int count)
    {
        var apex = DomainName.Parse(zone);
        var records = new List<ResourceRecord>(count + 3)
        {
            new(apex, RecordType.SOA, new Ttl(3600), $"ns1.{apex} hostmaster.{apex} 2026120101 7200 900 1209600 300"),
            new(apex, RecordType.NS, new Ttl(86400), $"ns1.{apex}"),
            new(DomainName.Parse($"ns1.{zone}"), RecordType.A, new Ttl(86400), "192.0.2.53"),
        };
        for (var i = 0; i < count; i++)
        {
            var name = DomainName.Parse($"host{i.ToString(CultureInfo.InvariantCulture)}.{zone}");
            records.Add(i % 1000 == 999 ? new ResourceRecord(name, RecordType.HINFO, new Ttl(3600), "\"PC\" \"Linux\"") : (i % 4) switch
            {
                0 => new ResourceRecord(name, RecordType.A, new Ttl(3600), $"198.51.{(i / 250) % 256}.{i % 250 + 1}"),
                1 => new ResourceRecord(name, RecordType.CNAME, new Ttl(3600), $"host{i - 1}.{zone}"),
                2 => new ResourceRecord(name, RecordType.TXT, new Ttl(300), $"\"record {i}\""),
                _ => new ResourceRecord(name, RecordType.MX, new Ttl(3600), $"10 host{i - 3}.{zone}"),
            });
        }
        return records;
    }

    /// <summary>The findings the inventory step would store for <paramref name="records"/> (same linter, same keys).</summary>
    public static IReadOnlyList<InventoryFinding> FindingsOf(string zone, IReadOnlyList<ResourceRecord> records) =>
        Route53Linter.Lint(DomainName.Parse(zone), records).Findings
            .Select(f => new InventoryFinding(InventoryFinding.KeyOf(f), f.RuleId, f.Severity.ToString(), f.Owner.ToString(), f.Type?.ToString(), f.Message, f.SuggestedFix))
            .GroupBy(f => f.Key).Select(g => g.First()).ToList();

    /// <summary>
    /// What Route 53 holds after the rehearsal and the TTL lowering: the inventory's records at the target TTL, but every
    /// 10th missing (the plan creates it) and every 25th at another TTL (the plan updates it) — a plan the safety check passes.
    /// </summary>
    public static IReadOnlyList<ResourceRecord> Route53After(string zone, IReadOnlyList<ResourceRecord> inventory, uint targetTtl)
    {
        var apex = DomainName.Parse(zone);
        return inventory.Where((r, i) => i < 3 || i % 10 != 0)
            .Select((r, i) => r.Type == RecordType.SOA && r.Name.Equals(apex) ? r
                : r with { Ttl = new Ttl(i >= 3 && i % 25 == 0 ? 60 : Math.Min(r.Ttl.Seconds, targetTtl)) })
            .ToList();
    }

    /// <summary>A cutover plan from Route 53 holding <paramref name="route53"/> to the inventory under the TTL policy, with a delegation change to two Route 53 servers.</summary>
    public static CutoverPlan PlanOf(string zone, IReadOnlyList<ResourceRecord> inventory, IReadOnlyList<ResourceRecord> route53, uint targetTtl)
    {
        var apex = DomainName.Parse(zone);
        var desired = MigrationStepRunner.WithCeiling(MigrationStepRunner.MigratableSets(inventory, null), new Ttl(targetTtl), apex);
        var plan = ZoneDiff.Compute(apex, RecordSet.Group(route53), desired, ZoneDiffOptions.Route53);
        IReadOnlyList<DomainName> ns = [DomainName.Parse("ns-1.awsdns-01.example."), DomainName.Parse("ns-2.awsdns-02.example.")];
        var from = DelegationView.From(new Delegation(apex, [new DelegatedNameServer(DomainName.Parse($"ns1.{zone}"), [IPAddress.Parse("192.0.2.53")])], [], new Ttl(86400)));
        var to = DelegationView.From(new Delegation(apex, ns.Select(n => new DelegatedNameServer(n, [])).ToList(), [], new Ttl(targetTtl)));
        return CutoverPlan.Create(plan, ns, from, to, null);
    }

    /// <summary>Adds one migration of <paramref name="zone"/> in <paramref name="state"/> and returns its id.</summary>
    public static async Task<Guid> AddAsync(IDbContextFactory<MigratorDbContext> contexts, string zone, MigrationState state, DateTimeOffset createdAt,
        IReadOnlyList<ResourceRecord>? inventory = null, CutoverPlan? plan = null, string createdBy = "operator@sandbox.local",
        string? blocker = null, string? approvalRequestedBy = null, IReadOnlyList<InventoryFinding>? accepted = null)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var m = Build(zone, state, createdAt, inventory, plan, createdBy, blocker, approvalRequestedBy, accepted, db);
        await db.SaveChangesAsync();
        return m.Id;
    }

    /// <summary>Adds many migrations in one transaction (the Migrations page benchmark's 1,000).</summary>
    public static async Task AddManyAsync(IDbContextFactory<MigratorDbContext> contexts, int count, DateTimeOffset start, IReadOnlyList<ResourceRecord> inventoryEach)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var states = Enum.GetValues<MigrationState>();
        for (var i = 0; i < count; i++)
        {
            var state = states[i % states.Length];
            var zone = $"zone{i.ToString(CultureInfo.InvariantCulture)}.example";
            var withInventory = state is not (MigrationState.Drafted or MigrationState.Planned);
            Build(zone, state, start.AddMinutes(i), withInventory ? inventoryEach : null, null, i % 3 == 0 ? "admin@sandbox.local" : "operator@sandbox.local",
                null, state == MigrationState.Waited && i % 2 == 0 ? "operator@sandbox.local" : null, null, db);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>Adds the migration to <paramref name="db"/> (saved by the caller) with the columns the steps would have written.</summary>
    private static Migration Build(string zone, MigrationState state, DateTimeOffset createdAt, IReadOnlyList<ResourceRecord>? inventory, CutoverPlan? plan,
        string createdBy, string? blocker, string? approvalRequestedBy, IReadOnlyList<InventoryFinding>? accepted, MigratorDbContext db)
    {
        var m = Migration.Draft(DomainName.Parse(zone), createdBy, createdAt);
        var entry = db.Migrations.Add(m);
        entry.Property(x => x.State).CurrentValue = state;
        entry.Property(x => x.PlanJson).CurrentValue = new MigrationPlanAnswers { OldServers = ["127.0.0.12"], TargetTtlSeconds = 300 }.ToJson();
        if (inventory is not null)
        {
            entry.Property(x => x.InventoryJson).CurrentValue = InventoryRecords.ToJson(inventory);
            entry.Property(x => x.InventoryHash).CurrentValue = MigrationStepRunner.InventoryHash(inventory);
            entry.Property(x => x.InventorySerial).CurrentValue = 2026120101;
            entry.Property(x => x.LintJson).CurrentValue = JsonSerializer.Serialize(FindingsOf(zone, inventory), MigrationPlanAnswers.Json);
        }
        if (accepted is not null) entry.Property(x => x.AcceptedFindingsJson).CurrentValue = JsonSerializer.Serialize(accepted, MigrationPlanAnswers.Json);
        if (plan is not null)
        {
            entry.Property(x => x.CutoverPlanJson).CurrentValue = plan.ToJson();
            entry.Property(x => x.PlanHash).CurrentValue = plan.Hash;
        }
        entry.Property(x => x.Blocker).CurrentValue = blocker;
        entry.Property(x => x.ApprovalRequestedBy).CurrentValue = approvalRequestedBy;
        return m;
    }
}
