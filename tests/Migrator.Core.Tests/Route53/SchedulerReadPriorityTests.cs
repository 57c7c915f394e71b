using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Route53;

namespace Migrator.Core.Tests.Route53;

/// <summary>Finding 3: dashboard reads never take the tokens a cutover or rollback needs.</summary>
public sealed class SchedulerReadPriorityTests
{
    [Fact]
    public void AcquireReadToken_LeavesHalfTheBurstForChanges_WhenReadsFlood()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var s = new Route53ChangeScheduler(Route53ChangeSchedulerTests.Create().Scheduler.Client, new Route53SchedulerOptions { RequestsPerSecond = 5, Burst = 6 }, time);
        var reads = Enumerable.Range(0, 20).Select(_ => s.AcquireReadTokenAsync(CancellationToken.None)).ToList();
        Assert.Equal(3, reads.Count(r => r.IsCompletedSuccessfully)); // burst 6, reserve 3

        // A rollback arriving now gets its tokens at once: three without waiting.
        for (var i = 0; i < 3; i++)
            Assert.True(s.AcquireTokenAsync(CancellationToken.None).IsCompletedSuccessfully, $"change token {i + 1} had to wait behind reads");
        Assert.Equal(3, reads.Count(r => r.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task AcquireReadToken_WaitsWhileAChangeIsQueued()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var s = new Route53ChangeScheduler(Route53ChangeSchedulerTests.Create().Scheduler.Client, new Route53SchedulerOptions { RequestsPerSecond = 5, Burst = 2 }, time);
        await s.AcquireTokenAsync(CancellationToken.None);
        await s.AcquireTokenAsync(CancellationToken.None);
        var change = s.AcquireTokenAsync(CancellationToken.None); // queued: bucket at -1
        var read = s.AcquireReadTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await change;
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await read.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

public sealed class ZoneNameInputTests
{
    [Theory]
    [InlineData("bücher.de", "xn--bcher-kva.de", "bücher.de")]
    [InlineData("BÜCHER.de.", "xn--bcher-kva.de", "bücher.de")]
    [InlineData("Example.COM", "example.com", "example.com")]
    [InlineData("_dmarc-ok.example", "_dmarc-ok.example", "_dmarc-ok.example")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de", "bücher.de")]
    public void TryCheck_GivesALabelAndUnicodeForms_WhenNameValid(string input, string ascii, string unicode)
    {
        Assert.True(Migrator.Core.Zones.ZoneNameInput.TryCheck(input, out var check, out var error), error);
        Assert.Equal(ascii, check!.Ascii);
        Assert.Equal(unicode, check.Unicode);
        Assert.Equal(ascii + ".", check.Name.ToLowerString());
    }

    [Theory]
    [InlineData("a.*.example.com", "'*'")]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("bad\u0000name.example", "U+0000")]
    [InlineData("evil\u202Emoc.example", "U+202E")]
    [InlineData("zero\u200Bwidth.example", "U+200B")]
    [InlineData("two..dots.example", "empty label")]
    [InlineData("esc\\046aped.example", "backslash")]
    [InlineData("", "required")]
    [InlineData(".", "root")]
    public void TryCheck_RefusesWithClearMessage_WhenNameBad(string input, string expected)
    {
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(input, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryCheck_RefusesWithoutEchoingIt_WhenNameIsMegabytes()
    {
        var huge = new string('a', 20 * 1024 * 1024);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(huge, out _, out var error));
        Assert.True(error.Length < 200, error[..200]);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(new string('b', 64) + ".example", out _, out error));
        Assert.Contains("limit is 63", error);
        Assert.False(Migrator.Core.Zones.ZoneNameInput.TryCheck(string.Join('.', Enumerable.Repeat(new string('c', 60), 5)), out _, out error));
        Assert.Contains("at most 253", error);
        Assert.True(error.Length < 300);
    }
}
