using Hangfire.Dashboard;

namespace Migrator.Web.Access;

/// <summary>
/// Second lock on the Hangfire dashboard: the endpoint already requires <see cref="Policies.IsAdmin"/>;
/// this filter makes the dashboard itself refuse anyone else should the endpoint policy ever be lost.
/// </summary>
internal sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User is { Identity.IsAuthenticated: true } user && user.IsInRole(MigratorRoles.Admin);
}
