using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Migrator.Web.Access;

/// <summary>The "Migrator:SignIn" section: attempts per client address on the anonymous account forms.</summary>
public sealed class AccountRateLimitOptions
{
    public const string SectionName = "Migrator:SignIn";

    /// <summary>Sign-in and setup posts per client address per minute (a typo-prone human needs a handful).</summary>
    public int PerAddressPerMinute { get; set; } = 20;
}

public static class AccountRateLimits
{
    /// <summary>ASP.NET Core's rate limiter on the account forms, partitioned by client address (after forwarded headers); over the limit: 429.</summary>
    public static IServiceCollection AddAccountRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AccountRateLimitOptions.SectionName).Get<AccountRateLimitOptions>() ?? new AccountRateLimitOptions();
        if (options.PerAddressPerMinute < 1) throw new InvalidOperationException($"{AccountRateLimitOptions.SectionName}:PerAddressPerMinute must be at least 1.");
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AccountEndpoints.RateLimitPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "-",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = options.PerAddressPerMinute, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0,
                }));
        });
        return services;
    }
}
