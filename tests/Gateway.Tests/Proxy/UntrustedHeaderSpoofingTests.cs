using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

/// <summary>
/// Client-sent headers that backends trust as if a proxy had set them (client address, URL parts,
/// rewritten target, overridden method) never reach the backend; the gateway's own forwarded headers
/// and those a route's transforms set do.
/// </summary>
public sealed class UntrustedHeaderSpoofingTests(ApiKeyGatewayFixture fixture) : IClassFixture<ApiKeyGatewayFixture>
{
    private static readonly string[] Untrusted =
    [
        "Forwarded", "X-Real-IP", "True-Client-IP", "Client-IP",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Path",
        "X-Original-URL", "X-Rewrite-URL",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
        "X-Original-URI", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Original-Method",
        "CF-Connecting-IP", "CF-Connecting-IPv6", "Fastly-Client-IP", "X-Cluster-Client-IP",
    ];

    /// <summary>YARP replaces these, but only as spelled with '-'; CGI-style backends read the '_' spelling as the same header.</summary>
    private static readonly string[] YarpForwarded = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"];

    /// <summary>Each untrusted name as sent, in upper case, in lower case and with '_' for '-'.</summary>
    private static IEnumerable<string> Spellings() =>
        Untrusted.SelectMany(name => new[] { name, name.ToUpperInvariant(), name.ToLowerInvariant().Replace('-', '_') })
            .Concat(YarpForwarded.Select(name => name.Replace('-', '_')))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The name as a CGI-style backend reads it: '_' and '-' alike.</summary>
    private static bool IsUntrusted(string name)
    {
        var cgi = name.Replace('_', '-');
        return Untrusted.Contains(cgi, StringComparer.OrdinalIgnoreCase)
            || (name.Contains('_') && YarpForwarded.Contains(cgi, StringComparer.OrdinalIgnoreCase));
    }

    private static HttpRequestMessage Spoofed(string path, string? key, string version)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var name in Spellings())
        {
            request.Headers.TryAddWithoutValidation(name, "evil");
            request.Headers.TryAddWithoutValidation(name, "evil-again");
        }
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }
        return request;
    }

    private static void AssertOnlyTheGatewaysForwarding(RecordedRequest seen)
    {
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("evil", StringComparison.Ordinal));
        Assert.DoesNotContain(seen.Headers, h => IsUntrusted(h.Key));
        Assert.Equal("127.0.0.1", seen.Header("X-Forwarded-For"));
        Assert.Equal("https", seen.Header("X-Forwarded-Proto"));
    }

    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OnApiKeyRoute_NoClientSentUntrustedHeaderArrives(string version)
    {
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        using var request = Spoofed("/api/transactions/untrusted", ApiKeyGatewayFixture.PaymentKey, version);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var seen = fixture.Backend.Last;
        Assert.Equal("/api/transactions/untrusted", seen.Target);
        Assert.Equal("payment-service", seen.Header("X-Client-Id"));
        AssertOnlyTheGatewaysForwarding(seen);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OnPublicRoute_NoClientSentUntrustedHeaderArrives(string version)
    {
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        using var request = Spoofed("/public/untrusted", key: null, version);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var seen = fixture.Backend.Last;
        Assert.Equal("/public/untrusted", seen.Target);
        AssertOnlyTheGatewaysForwarding(seen);
    }

    /// <summary>
    /// What a forward-auth or rewriting proxy hands on (the original path and method) and what a CDN or
    /// load balancer sets as the client address, each sent twice in odd spellings on an authenticated route.
    /// </summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OnApiKeyRoute_ForwardAuthAndCdnHeaders_DoNotArrive(string version)
    {
        string[] sent =
        [
            "X-Original-URI", "x_original_uri", "X-FORWARDED-URI", "x-forwarded_method", "X_Original_Method",
            "CF-Connecting-IP", "cf_connecting_ip", "cf-connecting_IPV6", "FASTLY-CLIENT-IP", "Fastly_Client_Ip", "x-cluster-client-ip",
        ];
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/forward-auth")
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var name in sent)
        {
            request.Headers.TryAddWithoutValidation(name, "/admin");
            request.Headers.TryAddWithoutValidation(name, "6.6.6.6");
        }
        request.Headers.Add("X-API-Key", ApiKeyGatewayFixture.PaymentKey);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = fixture.Backend.Last;
        Assert.Equal("/api/transactions/forward-auth", seen.Target);
        Assert.Equal("payment-service", seen.Header("X-Client-Id"));
        string[] names = ["X-Original-URI", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Original-Method", "CF-Connecting-IP", "CF-Connecting-IPv6", "Fastly-Client-IP", "X-Cluster-Client-IP"];
        Assert.DoesNotContain(seen.Headers, h => names.Contains(h.Key.Replace('_', '-'), StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("/admin", StringComparison.Ordinal) || h.Value.Contains("6.6.6.6", StringComparison.Ordinal));
    }

    /// <summary>In batches: every spelling twice in one request would pass Kestrel's limit of 100 header lines (431).</summary>
    [Fact]
    public async Task RepeatedHeaderLines_AreAllRemoved()
    {
        foreach (var batch in Spellings().Chunk(30))
        {
            var lines = string.Concat(batch.Select(name => $"{name}: evil\r\n{name}: evil-again\r\n"));
            var request = $"GET /public/repeated HTTP/1.1\r\nHost: localhost\r\n{lines}X-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n";

            var answer = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, request);

            Assert.Equal(200, RawHttp.StatusCode(answer));
            var seen = fixture.Backend.Last;
            Assert.Equal("/public/repeated", seen.Target);
            AssertOnlyTheGatewaysForwarding(seen);
        }
    }

    [Fact]
    public async Task ClientSentXForwardedFor_IsReplacedByTheGatewaysAddress()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public/xff");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X_Forwarded_For", "7.7.7.7");
        request.Headers.TryAddWithoutValidation("x_forwarded_host", "evil.example");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = fixture.Backend.Last;
        Assert.Equal("127.0.0.1", seen.Header("X-Forwarded-For"));
        Assert.Equal("https", seen.Header("X-Forwarded-Proto"));
        Assert.Equal(fixture.Gateway.BaseAddress.Authority, seen.Header("X-Forwarded-Host"));
        Assert.DoesNotContain(seen.Headers, h => h.Key.Contains('_', StringComparison.Ordinal));
    }

    public static TheoryData<string, bool> ForwardedActions => new() { { "Set", true }, { "Append", true }, { "Set", false }, { "Append", false } };

    /// <summary>
    /// The removal runs before the route's transforms, so a route can still set these headers on purpose;
    /// even Append finds no client value to append to, also when the route does not copy the client's
    /// headers (YARP's transforms then read them from the incoming request).
    /// </summary>
    [Theory]
    [MemberData(nameof(ForwardedActions))]
    public async Task RouteTransforms_StillSetTheseHeaders_WithoutTheClientsValues(string action, bool copyHeaders)
    {
        await using var backend = await RecordingBackend.StartAsync();
        var transforms = new JsonArray(
            new JsonObject { ["Forwarded"] = "for,proto", ["ForFormat"] = "Ip", ["Action"] = action },
            new JsonObject { ["RequestHeader"] = "X-Real-IP", [action] = "203.0.113.7" });
        if (!copyHeaders)
        {
            transforms.Insert(0, new JsonObject { ["RequestHeadersCopy"] = "false" });
        }
        var config = new GatewayConfig(backend.Url)
            .Route("public", "/public/{**rest}", "None")
            .Set("ReverseProxy:Routes:public:Transforms", transforms);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public/forwarded");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=6.6.6.6;proto=http");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X_Real_IP", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = backend.Last;
        Assert.Equal("proto=https;for=127.0.0.1", seen.Header("Forwarded"));
        Assert.Equal("203.0.113.7", seen.Header("X-Real-IP"));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("6.6.6.6", StringComparison.Ordinal));
    }
}
