using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Migrator.Cli;

/// <summary>`migrator sandbox info`: the sandbox world of a running Migrator (GET /api/sandbox, Admin only).</summary>
public static partial class SandboxCommands
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static Command Create()
    {
        var sandbox = new Command("sandbox", "The sandbox world of a running Migrator in sandbox mode.");
        var server = new Option<string>("--server") { Description = "Migrator's URL, e.g. http://127.0.0.1:5000", Required = true };
        var email = new Option<string>("--email") { Description = "Admin account to sign in as", DefaultValueFactory = _ => "admin@sandbox.local" };
        var passwordEnv = new Option<string>("--password-env")
        {
            Description = "Environment variable holding the password (default MIGRATOR_PASSWORD; unset: the sandbox admin's published password)",
            DefaultValueFactory = _ => "MIGRATOR_PASSWORD",
        };
        var json = new Option<bool>("--json") { Description = "Print the world as JSON (the body of GET /api/sandbox)" };
        var info = new Command("info", "Servers with addresses and port, the TLD's delegations of the demo zones, resolver caches, TSIG key names.")
        {
            server, email, passwordEnv, json,
        };
        info.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine("error: --server must be an http(s) URL");
                return ExitCodes.BadInput;
            }
            var password = Environment.GetEnvironmentVariable(parse.GetValue(passwordEnv)!) ?? "Admin-sandbox-1";
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30),
            };
            try
            {
                if (await SignInAsync(http, parse.GetValue(email)!, password, ct) is { } failure)
                {
                    Console.Error.WriteLine($"error: {failure}");
                    return ExitCodes.Refused;
                }
                using var response = await http.GetAsync("/api/sandbox", ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"error: GET /api/sandbox answered {(int)response.StatusCode}" +
                        (response.StatusCode == HttpStatusCode.NotFound ? " (is the server in sandbox mode?)" : response.StatusCode == HttpStatusCode.Forbidden ? " (the account is not an Admin)" : ""));
                    return ExitCodes.Refused;
                }
                var node = JsonNode.Parse(body)!;
                Console.WriteLine(parse.GetValue(json) ? node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Describe(node));
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is TaskCanceledException or TimeoutException)
            {
                Console.Error.WriteLine($"error: {baseAddress} did not answer in time");
                return ExitCodes.Timeout;
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"error: {baseAddress} could not be reached: {e.Message}");
                return ExitCodes.Problems;
            }
        });
        sandbox.Subcommands.Add(info);
        return sandbox;
    }

    /// <summary>Signs in through the form (cookie kept in the client); null on success, else why not.</summary>
    private static async Task<string?> SignInAsync(HttpClient http, string email, string password, CancellationToken ct)
    {
        var page = await http.GetStringAsync("/account/signin", ct);
        var token = AntiforgeryField().Match(page);
        if (!token.Success) return "the sign-in page has no antiforgery field";
        using var response = await http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Email"] = email, ["Password"] = password, ["ReturnUrl"] = "/",
        }), ct);
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/"
            ? null : $"sign-in as {email} failed";
    }

    private static string Describe(JsonNode world)
    {
        var w = new StringWriter();
        w.WriteLine($"sandbox world on port {world["port"]}");
        foreach (var s in world["servers"]!.AsArray())
            w.WriteLine($"  {s!["role"],-13} {s["address"]}:{s["port"]}  {string.Join(", ", s["nameServerNames"]!.AsArray().Select(n => n!.ToString()))}");
        w.WriteLine("delegations at the TLD example.:");
        foreach (var d in world["delegations"]!.AsArray())
            w.WriteLine($"  {d!["zone"],-16} {string.Join(", ", d["nameServersAtTld"]!.AsArray().Select(n => n!.ToString()))} (TTL {d["delegationTtl"]}, {d["registrar"]}{(d["dsAtTld"]!.AsArray().Count > 0 ? ", DS" : "")})");
        foreach (var r in world["resolvers"]!.AsArray())
        {
            w.WriteLine($"resolver {r!["name"]} {r["address"]}:{r["port"]}{(r["ttlFloor"]!.GetValue<int>() > 0 ? $" (TTL floor {r["ttlFloor"]} s)" : "")}:");
            foreach (var e in r["cacheEntries"]!.AsArray())
                w.WriteLine($"  {e!["name"]} {e["type"]} {e["kind"]} {e["remainingSeconds"]}/{e["originalTtl"]} s");
        }
        w.Write("TSIG keys: " + string.Join(", ", world["tsigKeys"]!.AsArray().Select(k => $"{k!["name"]} ({k["use"]})")));
        return w.ToString();
    }
}
