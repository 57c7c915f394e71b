using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Migrator.Core.Zones;

namespace Migrator.Core.Advising;

/// <summary>One SPF term: a directive (qualifier + mechanism) or a modifier (name=value). RFC 7208 §4.6.1.</summary>
public sealed record SpfTerm(char Qualifier, string Name, string? Argument, bool IsModifier)
{
    /// <summary>Terms that make the checker query the DNS and count towards the limit of 10 (RFC 7208 §4.6.4).</summary>
    public bool QueriesDns => IsModifier ? Name == "redirect" : Name is "include" or "a" or "mx" or "ptr" or "exists";

    public override string ToString() => IsModifier ? $"{Name}={Argument}" : $"{(Qualifier == '+' ? "" : Qualifier)}{Name}{(Argument is null ? "" : ":" + Argument)}";
}

/// <summary>
/// An SPF record parsed per RFC 7208 §12. Invariant: <see cref="Errors"/> lists every syntax problem (a checker would
/// return permerror for any of them); <see cref="Terms"/> holds the terms that did parse.
/// </summary>
public sealed record SpfRecord(IReadOnlyList<SpfTerm> Terms, IReadOnlyList<string> Errors)
{
    private static readonly HashSet<string> Mechanisms = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"];

    /// <summary>True when the text is an SPF record at all: it starts with the version section "v=spf1" (RFC 7208 §4.5).</summary>
    public static bool IsSpf(string text) =>
        text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');

    public SpfTerm? All => Terms.FirstOrDefault(t => !t.IsModifier && t.Name == "all");
    public SpfTerm? Redirect => Terms.FirstOrDefault(t => t.IsModifier && t.Name == "redirect");

    /// <summary>The include: and redirect= targets, in order.</summary>
    public IEnumerable<string> Includes => Terms.Where(t => (t.Name == "include" && !t.IsModifier) || (t.IsModifier && t.Name == "redirect"))
        .Select(t => t.Argument!).Where(a => a is not null);

    public int LocalLookupCount => Terms.Count(t => t.QueriesDns);

    public static SpfRecord Parse(string text)
    {
        var terms = new List<SpfTerm>();
        var errors = new List<string>();
        if (!IsSpf(text)) return new SpfRecord(terms, ["the record does not start with \"v=spf1\""]);
        // Terms are separated by one or more spaces (RFC 7208 §12: 1*SP); other whitespace is not allowed.
        foreach (var raw in text[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw.Any(c => c < 0x21 || c > 0x7E)) { errors.Add($"'{raw}' holds a character SPF does not allow (tab, control or non-ASCII)"); continue; }
            var eq = raw.IndexOf('=');
            var colon = raw.IndexOf(':');
            var slash = raw.IndexOf('/');
            if (eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash) && raw[0] is not ('+' or '-' or '~' or '?'))
            {
                var name = raw[..eq].ToLowerInvariant();
                if (!char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                { errors.Add($"'{raw}': '{name}' is not a valid modifier name"); continue; }
                var value = raw[(eq + 1)..];
                if (name is "redirect" or "exp")
                {
                    if (terms.Any(t => t.IsModifier && t.Name == name)) errors.Add($"'{name}=' appears more than once (RFC 7208 §6)");
                    if (CheckDomainSpec(value) is { } e) errors.Add($"'{raw}': {e}");
                }
                terms.Add(new SpfTerm('+', name, value, true));
                continue;
            }
            var qualifier = raw[0] is '+' or '-' or '~' or '?' ? raw[0] : '+';
            var body = raw[0] is '+' or '-' or '~' or '?' ? raw[1..] : raw;
            var sep = body.IndexOfAny([':', '/']);
            var mech = (sep < 0 ? body : body[..sep]).ToLowerInvariant();
            var rest = sep < 0 ? null : body[sep..];
            if (!Mechanisms.Contains(mech)) { errors.Add($"'{raw}' is not a known mechanism (all, include, a, mx, ptr, ip4, ip6, exists)"); continue; }
            var argument = rest is not null && rest.StartsWith(':') ? rest[1..] : rest;
            var problem = mech switch
            {
                "all" => rest is null ? null : "'all' takes no argument",
                "include" or "exists" => rest is null || !rest.StartsWith(':') ? $"'{mech}' needs ':domain'" : CheckDomainSpec(argument!),
                "ptr" => rest is null ? null : !rest.StartsWith(':') ? "'ptr' takes only ':domain'" : CheckDomainSpec(argument!),
                "a" or "mx" => CheckDomainAndCidr(rest),
                "ip4" => rest is null || !rest.StartsWith(':') ? "'ip4' needs ':address'" : CheckNetwork(argument!, AddressFamily.InterNetwork, 32),
                "ip6" => rest is null || !rest.StartsWith(':') ? "'ip6' needs ':address'" : CheckNetwork(argument!, AddressFamily.InterNetworkV6, 128),
                _ => null,
            };
            if (problem is not null) { errors.Add($"'{raw}': {problem}"); continue; }
            terms.Add(new SpfTerm(qualifier, mech, argument, false));
        }
        return new SpfRecord(terms, errors);
    }

    private static string? CheckDomainAndCidr(string? rest)
    {
        if (rest is null) return null;
        string? domain = null, cidr = rest;
        if (rest.StartsWith(':'))
        {
            var s = rest.IndexOf('/');
            domain = s < 0 ? rest[1..] : rest[1..s];
            cidr = s < 0 ? "" : rest[s..];
            if (CheckDomainSpec(domain) is { } e) return e;
        }
        if (cidr.Length == 0) return null;
        // dual-cidr-length = [ "/" ip4-cidr ] [ "//" ip6-cidr ]
        var parts = cidr.Split("//");
        if (parts.Length > 2) return $"bad CIDR length '{cidr}'";
        if (parts[0].Length > 0 && !(parts[0].StartsWith('/') && Prefix(parts[0][1..], 32))) return $"bad IPv4 CIDR length '{parts[0]}'";
        if (parts.Length == 2 && !Prefix(parts[1], 128)) return $"bad IPv6 CIDR length '//{parts[1]}'";
        return null;
    }

    private static string? CheckNetwork(string text, AddressFamily family, int max)
    {
        var s = text.IndexOf('/');
        var address = s < 0 ? text : text[..s];
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family
            || (family == AddressFamily.InterNetwork && address.Count(c => c == '.') != 3))
            return $"'{address}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address";
        return s >= 0 && !Prefix(text[(s + 1)..], max) ? $"prefix length must be 0–{max}" : null;
    }

    private static bool Prefix(string text, int max) =>
        text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit) && int.Parse(text, CultureInfo.InvariantCulture) <= max
        && (text.Length == 1 || text[0] != '0');

    private static string? CheckDomainSpec(string spec)
    {
        if (spec.Length == 0) return "empty domain";
        if (spec.Contains('%')) return CheckMacros(spec);
        var name = spec.EndsWith('.') ? spec : spec + ".";
        if (!DomainName.TryParse(name, null, out var parsed, out var error)) return $"'{spec}' is not a domain name: {error}";
        // RFC 7208 §7.1: domain-end is a toplevel label that is not all digits (or a macro)
        var top = parsed.LabelCount > 0 ? System.Text.Encoding.ASCII.GetString(parsed.Label(parsed.LabelCount - 1)) : "";
        return parsed.LabelCount < 2 || top.All(char.IsAsciiDigit) ? $"'{spec}' is not a fully qualified domain name" : null;
    }

    /// <summary>Macros: %{letter digits r delimiters}, %%, %_, %- (RFC 7208 §7.1).</summary>
    private static string? CheckMacros(string spec)
    {
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] != '%') continue;
            if (i + 1 >= spec.Length) return "a '%' at the end is not a macro";
            var n = spec[i + 1];
            if (n is '%' or '_' or '-') { i++; continue; }
            if (n != '{') return $"'%{n}' is not a macro (use %% for a literal %)";
            var close = spec.IndexOf('}', i);
            if (close < 0) return "unclosed macro '%{'";
            var inner = spec[(i + 2)..close];
            if (inner.Length == 0 || "slodiphcrtvSLODIPHCRTV".IndexOf(inner[0]) < 0) return $"unknown macro letter in '%{{{inner}}}'";
            i = close;
        }
        return null;
    }
}
