namespace Migrator.Core.Zones;

/// <summary>A time to live in seconds. Invariant: 0 ≤ Seconds ≤ 2^31−1 (RFC 2181 §8).</summary>
public readonly record struct Ttl : IComparable<Ttl>
{
    public const uint Max = int.MaxValue;
    public uint Seconds { get; }

    public Ttl(uint seconds)
    {
        if (seconds > Max) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "TTL exceeds 2147483647");
        Seconds = seconds;
    }

    public static Ttl FromSeconds(long seconds) => new(checked((uint)seconds));
    public TimeSpan ToTimeSpan() => TimeSpan.FromSeconds(Seconds);

    /// <summary>Parses a TTL as BIND does: plain seconds or units w, d, h, m, s (any case, combinable: "1h30m", "2w").</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ttl ttl, out string error)
    {
        ttl = default; error = "";
        if (text.IsEmpty) { error = "empty TTL"; return false; }
        ulong total = 0, current = 0;
        var digits = false; var anyUnit = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                current = current * 10 + (ulong)(c - '0'); digits = true;
                if (current > uint.MaxValue) { error = $"TTL '{text}' is too large"; return false; }
                continue;
            }
            ulong mult = char.ToLowerInvariant(c) switch { 'w' => 604800, 'd' => 86400, 'h' => 3600, 'm' => 60, 's' => 1, _ => 0 };
            if (mult == 0) { error = $"invalid TTL '{text}'"; return false; }
            if (!digits) { error = $"invalid TTL '{text}': unit without a number"; return false; }
            total += current * mult; current = 0; digits = false; anyUnit = true;
        }
        if (digits) total += current;
        else if (!anyUnit) { error = $"invalid TTL '{text}'"; return false; }
        if (total > Max) { error = $"TTL '{text}' ({total}) exceeds 2147483647"; return false; }
        ttl = new Ttl((uint)total);
        return true;
    }

    /// <summary>BIND time period (units w d h m s) up to 2^32−1, as SOA timers allow.</summary>
    internal static bool TryParseUnbounded(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        ulong total = 0, current = 0;
        var digits = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                current = current * 10 + (ulong)(c - '0'); digits = true;
                if (current > uint.MaxValue) return false;
                continue;
            }
            ulong mult = char.ToLowerInvariant(c) switch { 'w' => 604800, 'd' => 86400, 'h' => 3600, 'm' => 60, 's' => 1, _ => 0 };
            if (mult == 0 || !digits) return false;
            total += current * mult; current = 0; digits = false;
            if (total > uint.MaxValue) return false;
        }
        total += current;
        if (total > uint.MaxValue) return false;
        value = (uint)total;
        return true;
    }

    public static Ttl Parse(string text) => TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    public int CompareTo(Ttl other) => Seconds.CompareTo(other.Seconds);
    public static bool operator <(Ttl a, Ttl b) => a.Seconds < b.Seconds;
    public static bool operator >(Ttl a, Ttl b) => a.Seconds > b.Seconds;
    public static bool operator <=(Ttl a, Ttl b) => a.Seconds <= b.Seconds;
    public static bool operator >=(Ttl a, Ttl b) => a.Seconds >= b.Seconds;
    public override string ToString() => Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
