using System.Globalization;
using Migrator.Core.Zones;

namespace Migrator.Core.ZoneFiles;

/// <summary>
/// Writes records one per line: absolute owner, explicit TTL and class, type, and RDATA as
/// <c>named-compilezone -s full</c> prints it, e.g. <c>www.example.com. 300 IN A 192.0.2.1</c>.
/// </summary>
public static class ZoneFileWriter
{
    public static string Format(ResourceRecord record) =>
        string.Create(CultureInfo.InvariantCulture, $"{record.Name} {record.Ttl.Seconds} IN {record.Type} {record.Data}");

    public static void Write(TextWriter writer, ResourceRecord record)
    {
        // The owner, TTL, class and type are put together without allocating; the RDATA is written as it is.
        Span<char> line = stackalloc char[DomainName.MaxPresentationLength + 32];
        var n = record.Name.FormatInto(line);
        line[n++] = ' ';
        record.Ttl.Seconds.TryFormat(line[n..], out var digits, provider: CultureInfo.InvariantCulture);
        n += digits;
        " IN ".CopyTo(line[n..]);
        n += 4;
        var type = record.Type.ToString();
        type.CopyTo(line[n..]);
        n += type.Length;
        line[n++] = ' ';
        writer.Write(line[..n]);
        writer.Write(record.Data);
        writer.Write('\n');
    }

    public static void Write(TextWriter writer, IEnumerable<ResourceRecord> records)
    {
        foreach (var r in records) Write(writer, r);
    }

    public static string Format(IEnumerable<ResourceRecord> records)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Write(sw, records);
        return sw.ToString();
    }
}
