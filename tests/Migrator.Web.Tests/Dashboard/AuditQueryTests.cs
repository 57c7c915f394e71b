using Migrator.Core.Auditing;
using Migrator.Web.AuditTrail;
using Migrator.Web.Display;

namespace Migrator.Web.Tests.Dashboard;

public sealed class AuditQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToFilter_MatchesEverything_WhenNothingChosen() =>
        Assert.Equal(new AuditFilter(), new AuditQuery().ToFilter(Now, null));

    [Fact]
    public void ToFilter_TargetsMigrationAndActor_WhenBothChosen()
    {
        var id = Guid.NewGuid();
        var filter = new AuditQuery(id, "op@x.test").ToFilter(Now, null);
        Assert.Equal($"migration:{id}", filter.Target);
        Assert.Equal("op@x.test", filter.Actor);
    }

    [Fact]
    public void ToFilter_StartsOneHourAgo_WhenLastHour()
    {
        var filter = new AuditQuery(Period: AuditPeriod.LastHour).ToFilter(Now, null);
        Assert.Equal(Now.AddHours(-1), filter.From);
        Assert.Null(filter.To);
    }

    [Fact]
    public void ToFilter_CoversWholeLocalDays_WhenBetweenDatesInViewersZone()
    {
        var query = new AuditQuery(Period: AuditPeriod.Between, FromDate: new DateTime(2026, 12, 1), ToDate: new DateTime(2026, 12, 1));
        var filter = query.ToFilter(Now, TimeDisplay.FindZone("Asia/Tokyo"));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero), filter.From); // Dec 1 00:00 in Tokyo
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), filter.To);    // Dec 2 00:00 in Tokyo, excluded
    }

    [Fact]
    public void Problem_SaysWhatToDo_WhenEndDateBeforeStart()
    {
        var query = new AuditQuery(Period: AuditPeriod.Between, FromDate: new DateTime(2026, 12, 2), ToDate: new DateTime(2026, 12, 1));
        Assert.Contains("pick an end date on or after the start date", query.Problem);
    }

    [Fact]
    public void ExportUrl_CarriesResolvedUtcFilter_WhenFiltered()
    {
        var url = AuditQuery.ExportUrl(new AuditFilter("migration:1", "a b@x.test", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("/audit/export.csv?target=migration%3A1&actor=a%20b%40x.test&from=2026-12-01T00%3A00%3A00.0000000Z", url);
    }

    [Fact]
    public async Task WriteCsv_EscapesFormulaCellsAndQuotesCommas_WhenDetailsAreUserText()
    {
        var events = new[] { AuditEvent.Create(Now, "op@x.test", "migration drafted", "migration:1", "=HYPERLINK(\"x\"), evil") };
        await using var writer = new StringWriter();
        await AuditQuery.WriteCsvAsync(events, writer, CancellationToken.None);
        var lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at_utc,actor,action,target,details", lines[0]);
        Assert.StartsWith("2026-12-01T23:00:00.000Z,op@x.test,migration drafted,migration:1,\"'=HYPERLINK", lines[1]);
    }
}
