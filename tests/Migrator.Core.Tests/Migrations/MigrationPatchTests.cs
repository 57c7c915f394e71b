using Migrator.Core.Migrations;

namespace Migrator.Core.Tests.Migrations;

/// <summary>The blocker and whether it is a wait are set together, by name, never one without the other.</summary>
public sealed class MigrationPatchTests
{
    [Fact]
    public void Set_RefusesTheBlockerColumns_SoNoCallerCanSetOneWithoutTheOther()
    {
        var patch = new MigrationPatch();

        Assert.Throws<ArgumentException>(() => patch.Set(x => x.Blocker, "stuck"));
        Assert.Throws<ArgumentException>(() => patch.Set(x => x.BlockerIsWait, true));
        Assert.True(patch.IsEmpty);
    }

    [Fact]
    public void Blocker_IsAProblemOrAWaitOrCleared_AndTheLastWordCounts()
    {
        Assert.Equal(("rejected", false), new MigrationPatch().Problem("rejected").Blocker);
        Assert.Equal(("until 12:00", true), new MigrationPatch().Waiting("until 12:00").Blocker);
        Assert.Equal(((string?)null, false), new MigrationPatch().Waiting("until 12:00").ClearBlocker().Blocker);
        Assert.Equal(("failed", false), new MigrationPatch().Waiting("until 12:00").Problem("failed").Blocker);
        Assert.Null(new MigrationPatch().Set(x => x.DueAt, DateTimeOffset.UnixEpoch).Blocker);
        Assert.False(new MigrationPatch().Problem("x").IsEmpty);
    }
}
