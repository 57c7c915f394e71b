using Migrator.Core.Probing;

namespace Migrator.Core.Tests.Probing;

public sealed class PropagationModelTests
{
    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.75)]
    [InlineData(3, 0.875)]
    [InlineData(4, 0.9375)]
    [InlineData(5, 0.96875)]
    [InlineData(6, 0.984375)]
    public void ExpectedShare_MatchesTheArticlesHalfLifeTable_WhenNoIspFloor(int periods, double share)
    {
        var model = PropagationModel.FromSeconds(300);
        Assert.Equal(share, model.ExpectedShare(TimeSpan.FromSeconds(300 * periods)), 12);
    }

    [Fact]
    public void ExpectedShare_IsZero_BeforeOrAtTheChange()
    {
        var model = PropagationModel.FromSeconds(300);
        Assert.Equal(0, model.ExpectedShare(TimeSpan.Zero));
        Assert.Equal(0, model.ExpectedShare(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void ExpectedShare_IsMonotonicAndBelowOne()
    {
        var model = new PropagationModel(TimeSpan.FromSeconds(60), 0.1);
        var last = 0.0;
        for (var t = 1; t < 200_000; t += 997)
        {
            var s = model.ExpectedShare(TimeSpan.FromSeconds(t));
            Assert.True(s >= last && s < 1, $"share {s} at {t}s after {last}");
            last = s;
        }
    }

    [Fact]
    public void ExpectedShare_HoldsBackTheFloorPopulation_WhenIspFloorIsConfigured()
    {
        // 10% of resolvers keep answers for at least 24 h: after 5 × 300 s they have barely moved
        var model = new PropagationModel(TimeSpan.FromSeconds(300), ispFloorShare: 0.10);
        var t = TimeSpan.FromSeconds(1500);
        var floor = 1 - Math.Pow(0.5, 1500.0 / 86400);
        Assert.Equal(0.9 * 0.96875 + 0.1 * floor, model.ExpectedShare(t), 12);
        Assert.True(model.ExpectedShare(t) < 0.88);
    }

    [Fact]
    public void WaitBeforeCutover_IsFiveTtls_WhenNoFloor()
    {
        Assert.Equal(TimeSpan.FromMinutes(25), PropagationModel.FromSeconds(300).WaitBeforeCutover());
        Assert.Equal(TimeSpan.FromDays(35), PropagationModel.FromSeconds(604800).WaitBeforeCutover());
    }

    [Fact]
    public void WaitBeforeCutover_IsFiveFloorTtls_WhenFloorPopulationExists()
    {
        Assert.Equal(TimeSpan.FromHours(120), new PropagationModel(TimeSpan.FromSeconds(300), 0.05).WaitBeforeCutover());
        // a TTL longer than the floor is its own floor
        Assert.Equal(TimeSpan.FromDays(35), new PropagationModel(TimeSpan.FromDays(7), 0.05).WaitBeforeCutover());
    }

    [Fact]
    public void TimeToReach_InvertsExpectedShare()
    {
        var model = PropagationModel.FromSeconds(300);
        Assert.InRange(model.TimeToReach(0.5).TotalMilliseconds, 300_000 - 1, 300_000 + 2);
        Assert.InRange(model.TimeToReach(0.96875).TotalMilliseconds, 1_500_000 - 1, 1_500_000 + 2);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Constructor_Throws_WhenFloorShareIsOutOfRange(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PropagationModel(TimeSpan.FromSeconds(1), share));

    [Fact]
    public void Constructor_Throws_WhenTtlIsNotPositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PropagationModel(TimeSpan.Zero));
}
