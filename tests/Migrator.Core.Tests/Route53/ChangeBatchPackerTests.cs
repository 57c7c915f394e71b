using CsCheck;
using Migrator.Core.Route53;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

public class ChangeBatchPackerTests
{
    private static readonly DomainName Zone = DomainName.Parse("example.com.");

    private static Route53RecordSet Set(int name, RecordType type, int values, int length, char fill = 'v') =>
        new(Zone.Prepend($"n{name}"), type, 300, Enumerable.Range(0, values).Select(i => $"{i:D4}{new string(fill, Math.Max(0, length - 4))}"[..length]).ToList());

    /// <summary>Changes at distinct names: CREATE, DELETE, UPSERT, or a DELETE+CREATE replace pair (plus a CNAME→A pair).</summary>
    private static Gen<List<Route53Change>> Changes(Gen<int> values, Gen<int> length, int maxNames) =>
        Gen.Select(Gen.Int[0, 4], values, values, length).List[1, maxNames].Select(specs =>
        {
            var list = new List<Route53Change>();
            for (var n = 0; n < specs.Count; n++)
            {
                var (kind, v1, v2, len) = specs[n];
                switch (kind)
                {
                    case 0: list.Add(new(ChangeAction.Create, Set(n, RecordType.TXT, v1, len))); break;
                    case 1: list.Add(new(ChangeAction.Delete, Set(n, RecordType.TXT, v1, len))); break;
                    case 2: list.Add(new(ChangeAction.Upsert, Set(n, RecordType.TXT, v1, len))); break;
                    case 3:
                        list.Add(new(ChangeAction.Create, Set(n, RecordType.TXT, v2, len, 'w')));
                        list.Add(new(ChangeAction.Delete, Set(n, RecordType.TXT, v1, len)));
                        break;
                    default:
                        list.Add(new(ChangeAction.Create, Set(n, RecordType.A, v2, Math.Min(len, 15))));
                        list.Add(new(ChangeAction.Delete, Set(n, RecordType.CNAME, 1, len)));
                        break;
                }
            }
            return list;
        });

    [Fact]
    public void Pack_KeepsEveryBatchWithinLimitsAndPairsTogether_ForAnyChanges()
    {
        Changes(Gen.Int[1, 60], Gen.Int[1, 250], 400).Sample(changes =>
        {
            var result = ChangeBatchPacker.Pack(changes);
            foreach (var b in result.Batches)
            {
                Assert.True(b.Changes.Sum(c => c.RecordSet.Values.Count * (c.Action == ChangeAction.Upsert ? 2 : 1)) <= 1000);
                Assert.True(b.Changes.Sum(c => c.RecordSet.Values.Sum(v => v.Length) * (c.Action == ChangeAction.Upsert ? 2 : 1)) <= 32000);
            }
            // every change exactly once
            Assert.Equal(changes.Count, result.Batches.Sum(b => b.Changes.Count));
            Assert.Equal(changes.ToHashSet(), result.Batches.SelectMany(b => b.Changes).ToHashSet());
            // all changes at one name in one batch, DELETEs before the rest
            var batchOf = new Dictionary<DomainName, int>();
            for (var i = 0; i < result.Batches.Count; i++)
            {
                var seenNonDelete = new HashSet<DomainName>();
                foreach (var c in result.Batches[i].Changes)
                {
                    Assert.Equal(i, batchOf.TryAdd(c.RecordSet.Name, i) ? i : batchOf[c.RecordSet.Name]);
                    if (c.Action != ChangeAction.Delete) seenNonDelete.Add(c.RecordSet.Name);
                    else Assert.DoesNotContain(c.RecordSet.Name, seenNonDelete);
                }
            }
            Assert.Empty(result.Problems);
            Assert.True(result.Batches.Count >= result.LowerBound);
        }, iter: 150);
    }

    [Fact]
    public void Pack_ReachesLowerBound_WhenUnitsAreSmallRecordDominatedAndSlackExists() =>
        AssertLowerBoundReached(Changes(Gen.Int[1, 5], Gen.Int[1, 15], 1500));

    [Fact]
    public void Pack_ReachesLowerBound_WhenUnitsAreSmallCharDominatedAndSlackExists() =>
        AssertLowerBoundReached(Changes(Gen.Int[1, 2], Gen.Int[70, 250], 1500));

    private static void AssertLowerBoundReached(Gen<List<Route53Change>> gen)
    {
        var checkedCases = 0;
        gen.Sample(changes =>
        {
            var units = ChangeBatchPacker.ToUnits(changes, ChangeBatchLimits.Route53, out _);
            var a = units.Select(u => u.Records / 1000.0).ToList();
            var b = units.Select(u => u.Chars / 32000.0).ToList();
            var recordDominated = units.All(u => u.Records / 1000.0 >= u.Chars / 32000.0);
            var charDominated = units.All(u => u.Chars / 32000.0 >= u.Records / 1000.0);
            var eps = units.Max(u => Math.Max(u.Records / 1000.0, u.Chars / 32000.0));
            var m = Math.Max(a.Sum(), b.Sum());
            var result = ChangeBatchPacker.PackUnits(units);
            if ((recordDominated || charDominated) && m <= result.LowerBound * (1 - eps))
            {
                checkedCases++;
                Assert.Equal(result.LowerBound, result.Batches.Count);
            }
        }, iter: 120);
        Assert.True(checkedCases >= 30, $"only {checkedCases} generated inputs were in the claimed class");
    }

    [Fact]
    public void Pack_CountsUpsertTwice_WhenFillingBatches()
    {
        var upserts = Enumerable.Range(0, 600).Select(i => new Route53Change(ChangeAction.Upsert, Set(i, RecordType.A, 1, 9))).ToList();
        var result = ChangeBatchPacker.Pack(upserts);
        Assert.Equal(2, result.LowerBound);
        Assert.Equal(2, result.Batches.Count);
        Assert.All(result.Batches, b => Assert.True(b.RecordWeight <= 1000));
    }

    [Fact]
    public void Pack_TurnsPairIntoUpsert_WhenDeleteAndCreateTogetherExceedOneRequest()
    {
        var old = Set(1, RecordType.TXT, 390, 50);
        var @new = Set(1, RecordType.TXT, 300, 50, 'x');
        var result = ChangeBatchPacker.Pack([new(ChangeAction.Delete, old), new(ChangeAction.Create, @new)]);
        var only = Assert.Single(Assert.Single(result.Batches).Changes);
        Assert.Equal(ChangeAction.Upsert, only.Action);
        Assert.Equal(@new.Values, only.RecordSet.Values);
    }

    [Fact]
    public void Pack_ThrowsWithSetName_WhenOneChangeExceedsEveryRequest()
    {
        var huge = Set(7, RecordType.TXT, 20, 2000);
        var e = Assert.Throws<ArgumentException>(() => ChangeBatchPacker.Pack([new(ChangeAction.Create, huge)]));
        Assert.Contains("n7.example.com. TXT", e.Message);
    }

    [Fact]
    public void Pack_RespectsChangeCap_WhenMaxChangesIsSet()
    {
        var creates = Enumerable.Range(0, 250).Select(i => new Route53Change(ChangeAction.Create, Set(i, RecordType.A, 1, 9))).ToList();
        var result = ChangeBatchPacker.Pack(creates, new ChangeBatchLimits(MaxChanges: 100));
        Assert.Equal(3, result.Batches.Count);
        Assert.All(result.Batches, b => Assert.True(b.Changes.Count <= 100));
    }
}
