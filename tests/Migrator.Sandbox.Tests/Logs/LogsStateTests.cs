using System.Net;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Logs;

namespace Migrator.Sandbox.Tests.Logs;

/// <summary>The emulator's CloudWatch Logs subset: retention values, the resource-policy check Route 53 applies, the query-log line.</summary>
public class LogsStateTests
{
    private const string Account = "111122223333";
    private const string Zone = "Z0123456789ABCDEFGHIJ";
    private static readonly string Arn = $"arn:aws:logs:us-east-1:{Account}:log-group:/aws/route53/shop.example";

    private static LogsState State() => new(new EmulatorOptions { AccountId = Account });

    private static string Policy(string principal = "route53.amazonaws.com", string actions = "\"logs:CreateLogStream\",\"logs:PutLogEvents\"",
        string resource = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/*", string? condition = null) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"{{principal}}"},"Action":[{{actions}}],"Resource":"{{resource}}"{{(condition is null ? "" : ",\"Condition\":" + condition)}}}]}""";

    [Fact]
    public void AllowsRoute53_IsFalse_WhenThereIsNoPolicy() => Assert.False(State().AllowsRoute53(Arn, Zone));

    [Theory]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/*", null, true)]
    [InlineData("route53.amazonaws.com", "\"logs:*\"", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/shop.example:*", null, true)]
    [InlineData("delivery.logs.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "*", null, false)]
    [InlineData("route53.amazonaws.com", "\"logs:PutLogEvents\"", "*", null, false)]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "arn:aws:logs:us-east-1:111122223333:log-group:/other/*", null, false)]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "*", """{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:route53:::hostedzone/*"}}""", true)]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "*", """{"StringEquals":{"aws:SourceAccount":"999988887777"}}""", false)]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "*", """{"ArnLike":{"aws:SourceArn":"arn:aws:route53:::hostedzone/ZOTHER"}}""", false)]
    [InlineData("route53.amazonaws.com", "\"logs:CreateLogStream\",\"logs:PutLogEvents\"", "*", """{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", false)]
    public void AllowsRoute53_FollowsPrincipalActionsResourceAndConditions(string principal, string actions, string resource, string? condition, bool expected)
    {
        var state = State();
        Assert.Null(state.PutResourcePolicy("p", Policy(principal, actions, resource, condition)).Error);

        Assert.Equal(expected, state.AllowsRoute53(Arn, Zone));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(364, false)]
    [InlineData(365, true)]
    [InlineData(3653, true)]
    public void PutRetentionPolicy_AcceptsOnlyCloudWatchValues(int days, bool accepted)
    {
        var state = State();
        state.CreateLogGroup("/aws/route53/shop.example");

        var r = state.PutRetentionPolicy("/aws/route53/shop.example", days);

        Assert.Equal(accepted, r.Error is null);
        if (!accepted) Assert.Equal("InvalidParameterException", r.Error!.Code);
    }

    [Fact]
    public void PutResourcePolicy_RefusesAnEleventhPolicy()
    {
        var state = State();
        for (var i = 0; i < LogsState.MaxResourcePolicies; i++) Assert.Null(state.PutResourcePolicy($"p{i}", Policy()).Error);

        Assert.Equal("LimitExceededException", state.PutResourcePolicy("p10", Policy()).Error!.Code);
        Assert.Null(state.PutResourcePolicy("p3", Policy()).Error); // replacing one is not a new one
    }

    [Fact]
    public void Format_WritesRoute53sDocumentedQueryLogLine()
    {
        // Route 53 Developer Guide, "Public DNS query logging": 1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -
        var line = QueryLogWriter.Format(new DateTimeOffset(2017, 12, 13, 8, 16, 2, 130, TimeSpan.Zero),
            new AnsweredQuery("Z123412341234", "example.com.", "A", "NOERROR", false, IPAddress.Parse("192.168.1.1"), null), "FRA6");

        Assert.Equal("1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -", line);
    }

    [Fact]
    public void FilterLogEvents_MatchesTermsAndTimeRange()
    {
        var state = State();
        state.CreateLogGroup("/g");
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000);
        state.Append("/g", "s", t0, "1.0 x Z1 a.example A NOERROR UDP SBX1 127.0.0.1 -");
        state.Append("/g", "s", t0.AddSeconds(1), "1.0 x Z1 b.example AAAA NXDOMAIN UDP SBX1 127.0.0.1 -");
        state.Append("/g", "s", t0.AddSeconds(2), "1.0 x Z1 c.example A NXDOMAIN TCP SBX1 127.0.0.1 -");

        var nx = state.FilterLogEvents("/g", null, null, null, "NXDOMAIN UDP", 100, null).Value.Events;
        var window = state.FilterLogEvents("/g", null, t0.AddSeconds(1).ToUnixTimeMilliseconds(), t0.AddSeconds(2).ToUnixTimeMilliseconds(), null, 100, null).Value.Events;

        Assert.Equal(["1.0 x Z1 b.example AAAA NXDOMAIN UDP SBX1 127.0.0.1 -"], nx.Select(e => e.Message));
        Assert.Equal(["1.0 x Z1 b.example AAAA NXDOMAIN UDP SBX1 127.0.0.1 -"], window.Select(e => e.Message));
        Assert.Equal("ResourceNotFoundException", state.FilterLogEvents("/missing", null, null, null, null, 10, null).Error!.Code);
    }
}
