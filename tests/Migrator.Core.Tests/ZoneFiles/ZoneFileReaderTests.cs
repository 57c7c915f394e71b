using System.Text;
using Migrator.Core.Ports;
using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.ZoneFiles;

public class ZoneFileReaderTests
{
    private static readonly DomainName Origin = DomainName.Parse("example.com.");
    private const string Header = "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n";

    [Fact]
    public void Read_RefusesInclude_ByDefaultForUploads()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header + "$INCLUDE /etc/hosts\n"));
        var result = ZoneFileReader.Read(stream, "upload.zone", Origin);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("upload.zone:5:1: $INCLUDE is not allowed here (uploads must be a single file)", error.ToString());
    }

    [Fact]
    public void Read_FollowsIncludeRelativeToTheFile_WhenAllowed()
    {
        var dir = Directory.CreateTempSubdirectory("zone-include-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "main.zone"), Header + "$INCLUDE part.inc sub\nafter A 192.0.2.3\n");
            File.WriteAllText(Path.Combine(dir.FullName, "part.inc"), "inside A 192.0.2.2\nbad A 1.2.3\n");
            var result = ZoneFileReader.Read(Path.Combine(dir.FullName, "main.zone"), Origin, new ZoneFileReaderOptions { AllowInclude = true });
            Assert.Contains(result.Records, r => r.Name == DomainName.Parse("inside.sub.example.com.") && r.Data == "192.0.2.2");
            Assert.Contains(result.Records, r => r.Name == DomainName.Parse("after.example.com."));
            var error = Assert.Single(result.Diagnostics, d => d.IsError);
            Assert.Equal(("part.inc", 2, 7), (error.File, error.Line, error.Column));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Read_RefusesIncludeLoop()
    {
        var dir = Directory.CreateTempSubdirectory("zone-loop-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.zone"), Header + "$INCLUDE a.zone\n");
            var result = ZoneFileReader.Read(Path.Combine(dir.FullName, "a.zone"), Origin, new ZoneFileReaderOptions { AllowInclude = true });
            Assert.Contains(result.Diagnostics, d => d.IsError && d.Message.Contains("loop") && d.Line == 5);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void ReadEntries_ReportsEveryErrorAndKeepsGoing()
    {
        var text = Header + "a A 1\nb MX 10\nc A 192.0.2.9\nd TXT \"open\ne IN CH\n";
        var entries = ZoneFileReader.ReadEntries(new StringReader(text), "z", Origin).ToList();
        var errors = entries.OfType<ZoneFileDiagnosticEntry>().Where(d => d.Diagnostic.IsError).Select(d => d.Position.Line).ToList();
        Assert.Equal([5, 6, 8, 9], errors);
        Assert.Contains(entries.OfType<ZoneFileRecordEntry>(), r => r.Record.Name == DomainName.Parse("c.example.com.") && r.Position.Line == 7);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Read_DropsDuplicatesKeepingTheLaterSpelling_InSmallAndLargeSets(int size)
    {
        var text = new StringBuilder(Header);
        for (var i = 0; i < size; i++) text.Append($"big NS ns{i}.example.net.\n");
        text.Append("big NS NS1.Example.NET.\nbig TXT \"a\"\nbig TXT \"A\"\nbig TXT \"a\"\n");
        var result = ZoneFileReader.Read(new StringReader(text.ToString()), "z", Origin);
        var ns = result.Records.Where(r => r.Type == RecordType.NS && r.Name != Origin).Select(r => r.Data).ToList();
        Assert.Equal(size, ns.Count);
        Assert.Equal("NS1.Example.NET.", ns[1]);
        Assert.Equal(["\"a\"", "\"A\""], result.Records.Where(r => r.Type == RecordType.TXT).Select(r => r.Data));
    }

    /// <summary>
    /// The assembled zone keeps owners and RDATA in shared arrays and makes each record when it is read: with more owners
    /// than its tables start with and more RDATA text than one array holds, every record comes out as parsed, in order,
    /// the same by index as by enumeration, and each owner with its first spelling.
    /// </summary>
    [Fact]
    public void Read_GivesEveryRecordAsParsed_WhenTheZoneOutgrowsTheTablesItStartedWith()
    {
        var text = new StringBuilder(Header);
        var long255 = new string('x', 250);
        for (var i = 0; i < 6_000; i++)
        {
            text.Append($"h{i} 60 A 10.0.{i >> 8}.{i & 255}\n");
            text.Append($"H{i} TXT \"{long255}{i}\"\n"); // same owner, other spelling: the first one is kept
        }
        var zone = text.ToString();
        var parsed = ZoneFileReader.ReadEntries(new StringReader(zone), "z", Origin).OfType<ZoneFileRecordEntry>().Select(e => e.Record).ToList();

        var result = ZoneFileReader.Read(new StringReader(zone), "z", Origin);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(parsed.Count, result.Records.Count);
        Assert.Equal(parsed, result.Records);
        Assert.Equal(result.Records, Enumerable.Range(0, result.Records.Count).Select(i => result.Records[i]));
        for (var i = 0; i < 6_000; i += 997)
        {
            var txt = result.Records.Single(r => r.Type == RecordType.TXT && r.Data.EndsWith($"x{i}\"", StringComparison.Ordinal));
            Assert.Equal($"h{i}.example.com.", txt.Name.ToString());
        }
    }

    /// <summary>
    /// Empty values are kept too: the root's owner name has no labels, and generic RDATA may have no octets. Either can be
    /// the first value the store keeps (the sandbox world's root zone once failed to load: every test that started it).
    /// </summary>
    [Fact]
    public void Read_KeepsTheRootZone_AndEmptyRdataAsTheFirstValue()
    {
        var root = ". 86400 IN SOA a.root-servers.net. nstld.example. 1 1800 900 604800 86400\n"
            + ". 518400 IN NS a.root-servers.net.\na.root-servers.net. 518400 IN A 127.0.4.1\nlab. 172800 IN NS ns1.lab.\n";
        var rootResult = ZoneFileReader.Read(new StringReader(root), "root.zone", DomainName.Root);
        Assert.True(rootResult.Succeeded, string.Join("\n", rootResult.Diagnostics));
        Assert.Equal(4, rootResult.Records.Count);
        Assert.Equal([".", ".", "a.root-servers.net.", "lab."], rootResult.Records.Select(r => r.Name.ToString()));
        Assert.Equal(DomainName.Root, rootResult.Records[0].Name);

        var empty = ZoneFileReader.Read(new StringReader("$TTL 300\nx TYPE65280 \\# 0\n" + Header[9..]), "z", Origin);
        Assert.True(empty.Succeeded, string.Join("\n", empty.Diagnostics));
        var first = empty.Records[0];
        Assert.Equal(("x.example.com.", "\\# 0"), (first.Name.ToString(), first.Data));
    }

    [Fact]
    public void Read_WarnsWithPosition_WhenOwnerIsInheritedRightAfterOrigin()
    {
        var result = ZoneFileReader.Read(new StringReader(Header + "c A 192.0.2.8\n$ORIGIN sub.example.com.\n\tTXT \"x\"\n"), "z", Origin);
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics, d => d.Message.Contains("immediately after $ORIGIN"));
        Assert.Equal((7, 2, false), (warning.Line, warning.Column, warning.IsError));
        Assert.Contains(result.Records, r => r.Name == DomainName.Parse("c.example.com.") && r.Type == RecordType.TXT);
    }

    [Fact]
    public void ReadEntries_StreamsWithoutReadingAhead()
    {
        // A reader that fails if asked for more than the first record's line proves records come out as they are read.
        var reader = new LineLimitedReader(Header + "x A 192.0.2.7\n", Header.Length + 20);
        using var e = ZoneFileReader.ReadEntries(reader, "z", Origin).GetEnumerator();
        Assert.True(e.MoveNext());
        var first = Assert.IsType<ZoneFileRecordEntry>(e.Current);
        Assert.Equal(RecordType.SOA, first.Record.Type);
    }

    [Fact]
    public async Task ZoneFileSource_ReadsAFileAsIZoneSource()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "zones", "good", "types.zone");
        IZoneSource source = new ZoneFileSource(path);
        var result = await source.ReadAsync(Origin, CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.Contains(result.Records, r => r.Type == RecordType.HTTPS);
        Assert.Equal("zone file types.zone", source.Description);
    }

    private sealed class LineLimitedReader(string text, int limit) : TextReader
    {
        private int _pos;
        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, text.Length - _pos), 16);
            if (_pos + n > limit) throw new InvalidOperationException("read ahead of the consumer");
            text.CopyTo(_pos, buffer, index, n);
            _pos += n;
            return n;
        }
    }
}
