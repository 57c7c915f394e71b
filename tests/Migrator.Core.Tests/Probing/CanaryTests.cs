using System.Net;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Tests.Probing;

public sealed class CanaryTests
{
    private static readonly Canary C = new(DomainName.Parse("example.com."), "abc-1");
    private static readonly DnsEndpoint Server = new(IPAddress.Loopback);

    private static ProbeResult Answer(params string[] txt) => new(Server, C.Name, RecordType.TXT, ProbeErrorKind.None, "NOERROR", false, false,
        txt.Select(t => new ResourceRecord(C.Name, RecordType.TXT, new Ttl(60), t)).ToList(), [], [], TimeSpan.Zero);

    [Fact]
    public void Name_IsUnderscoreLabelUnderTheZone() => Assert.Equal("_migrator-canary.example.com.", C.Name.ToString());

    [Fact]
    public void Text_DiffersBetweenSides()
    {
        Assert.Equal("migrator-canary=old;id=abc-1", C.Text(CanarySide.Old));
        Assert.Equal("migrator-canary=new;id=abc-1", C.Text(CanarySide.New));
        Assert.Equal(["\"migrator-canary=new;id=abc-1\""], C.RecordSet(CanarySide.New, new Ttl(60)).Values);
    }

    [Theory]
    [InlineData("\"migrator-canary=old;id=abc-1\"", CanaryClassification.Old)]
    [InlineData("\"migrator-canary=new;id=abc-1\"", CanaryClassification.New)]
    [InlineData("\"migrator-canary=NEW; id=abc-1\"", CanaryClassification.New)]
    [InlineData("\"migrator-canary=new;\" \"id=abc-1\"", CanaryClassification.New)]
    [InlineData("\"migrator-canary=new;id=other\"", CanaryClassification.Unknown)]
    [InlineData("\"migrator-canary=sideways;id=abc-1\"", CanaryClassification.Unknown)]
    [InlineData("\"v=spf1 -all\"", CanaryClassification.Unknown)]
    public void Classify_ReadsTheSideAndChecksTheId(string txt, CanaryClassification expected) =>
        Assert.Equal(expected, C.Classify(Answer(txt)));

    [Fact]
    public void Classify_IsUnknown_WhenNoAnswerOrBothSidesAnswer()
    {
        Assert.Equal(CanaryClassification.Unknown, C.Classify(Answer()));
        Assert.Equal(CanaryClassification.Unknown, C.Classify(Answer("\"migrator-canary=old;id=abc-1\"", "\"migrator-canary=new;id=abc-1\"")));
    }

    [Fact]
    public void Classify_IsError_WhenResolverFailsOrTimesOut()
    {
        Assert.Equal(CanaryClassification.Error, C.Classify(Answer() with { ResponseCode = "SERVFAIL" }));
        Assert.Equal(CanaryClassification.Error,
            C.Classify(ProbeResult.Failed(Server, C.Name, RecordType.TXT, ProbeErrorKind.Timeout, TimeSpan.FromSeconds(2), "timeout")));
        Assert.Equal(CanaryClassification.Error, C.Classify(Answer() with { Error = ProbeErrorKind.Refused, ResponseCode = "REFUSED" }));
    }

    [Fact]
    public void Classify_IgnoresRecordsOfOtherNames()
    {
        var r = Answer() with { Answers = [new ResourceRecord(DomainName.Parse("other.example.com."), RecordType.TXT, new Ttl(1), "\"migrator-canary=new;id=abc-1\"")] };
        Assert.Equal(CanaryClassification.Unknown, C.Classify(r));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void Constructor_Throws_WhenIdIsInvalid(string id) =>
        Assert.Throws<ArgumentException>(() => new Canary(DomainName.Parse("example.com."), id));
}
