using Gateway.Tests.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

/// <summary>
/// Targets that a naive proxy would route one way and forward another (dot segments, encoded dots
/// and slashes, doubled slashes) sent as raw bytes, since HttpClient would normalise them first.
/// Whatever the gateway does with them, the protected route is never reached without a key.
/// </summary>
public sealed class PathConfusionTests(ApiKeyGatewayFixture fixture) : IClassFixture<ApiKeyGatewayFixture>
{
    [Theory]
    [InlineData("/public/../api/transactions/1")]
    [InlineData("/public/%2e%2e/api/transactions/1")]
    [InlineData("/public/%2E%2E/api/transactions/1")]
    [InlineData("/public/.%2e/api/transactions/1")]
    [InlineData("/public//../api/transactions/1")]
    [InlineData("//api/transactions/1")]
    [InlineData("/api/transactions/../transactions/1")]
    [InlineData("/API/Transactions/1")]
    public async Task ConfusingTarget_NeverReachesTheProtectedRouteWithoutAKey(string target)
    {
        var before = fixture.Backend.Count;

        var answer = await GetRawAsync(target);

        var status = RawHttp.StatusCode(answer);
        if (fixture.Backend.Count == before)
        {
            Assert.True(status is 400 or 401 or 404, $"{target}: {status}");
            return;
        }
        // Forwarded: only ever as a public request, and never as an authenticated identity.
        var seen = fixture.Backend.Last;
        Assert.Equal(200, status);
        Assert.StartsWith("/public/", seen.Target, StringComparison.Ordinal);
        Assert.False(seen.HasHeader("X-Client-Id"));
    }

    [Theory]
    [InlineData("/public/..%2Fapi/transactions/1")]
    [InlineData("/public/%2e%2e%2fapi%2ftransactions%2f1")]
    [InlineData("/public/..%5Capi%5Ctransactions%5C1")]
    [InlineData("/public/..\\api/transactions/1")]
    [InlineData("/api/transactions%2f1")]
    public async Task EncodedSlash_IsRefusedBeforeRouting_AndNeverForwarded(string target)
    {
        await AssertRefusedAsync(target);
    }

    // Servlet containers (Tomcat, Jetty, Spring) strip ";params" from each segment before resolving
    // dot segments: routing sees "/public/..;/…" as public, the backend serves "/api/transactions/1".
    [Theory]
    [InlineData("/public/..;/api/transactions/1")]
    [InlineData("/public/%2e%2e;/api/transactions/1")]
    [InlineData("/public/..%3B/api/transactions/1")]
    [InlineData("/public/%2E%2E%3b/api/transactions/1")]
    [InlineData("/public/..;jsessionid=x/api/transactions/1")]
    [InlineData("/public/.;/x/..;/..;/api/transactions/1")]
    [InlineData("/public/..;")]
    public async Task DotSegmentWithPathParameters_IsRefusedBeforeRouting_AndNeverForwarded(string target)
    {
        await AssertRefusedAsync(target, "in the request path is refused (path parameters are not forwarded)");
    }

    // Any ";" is refused, not only after dot segments: a servlet container reads "/api;x/transactions/1"
    // as "/api/transactions/1", while routing sees a segment "api;x" that a broader public route may match.
    [Theory]
    [InlineData("/public/a;b=c")]
    [InlineData("/public;/api/transactions/1")]
    [InlineData("/public/a%3bb")]
    [InlineData("/api;x/transactions/1")]
    public async Task PathParameters_AnywhereInThePath_AreRefused_AndNeverForwarded(string target)
    {
        await AssertRefusedAsync(target);
    }

    [Theory]
    [InlineData("1.1", "/public/..;/api/transactions/1")]
    [InlineData("2.0", "/public/..;/api/transactions/1")]
    [InlineData("2.0", "/public/..%3B/api/transactions/1")]
    public async Task DotSegmentWithPathParameters_IsRefused_OverHttpClient(string version, string target)
    {
        var uri = new Uri(fixture.Gateway.BaseAddress, target);
        Assert.Equal(target, uri.PathAndQuery); // the client sends the path as written
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        var before = fixture.Backend.Count;

        using var response = await client.GetAsync(uri);

        Assert.Equal(Version.Parse(version), response.Version);
        var detail = await ProblemAssert.IsProblemAsync(response, System.Net.HttpStatusCode.BadRequest);
        Assert.Equal("';' in the request path is refused (path parameters are not forwarded)", detail);
        Assert.Equal(before, fixture.Backend.Count);
    }

    [Fact]
    public async Task Semicolon_InTheQuery_IsNotRefused()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/public/search?a=1;b=2");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/public/search?a=1;b=2", fixture.Backend.Last.Target);
    }

    [Fact]
    public async Task EncodedSlash_InTheQuery_IsNotRefused()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/public/search?path=a%2Fb");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/public/search?path=a%2Fb", fixture.Backend.Last.Target);
    }

    // Kestrel decodes only percent-encoding of valid UTF-8 and leaves any other '%' as sent; YARP then
    // escapes that '%', so "/public/a%FF" would reach the backend as "/public/a%25FF", another path.
    [Theory]
    [InlineData("/public/a%FF")]
    [InlineData("/public/%C0%AE%C0%AE/api/transactions/1")] // overlong '.'
    [InlineData("/public/a%zz")]
    [InlineData("/public/a%")]
    [InlineData("/public/a%4")]
    [InlineData("/public/a%E2%82")] // a truncated three-byte sequence
    [InlineData("/public/a%ED%A0%80")] // an encoded surrogate
    public async Task InvalidPercentEncoding_IsRefusedBeforeRouting_AndNeverForwarded(string target)
    {
        await AssertRefusedAsync(target, "the request target has invalid percent-encoding");
    }

    [Theory]
    [InlineData("/public/caf%C3%A9")]
    [InlineData("/public/a%20b")]
    [InlineData("/public/%252e%252e/x")]
    [InlineData("/public/%E2%82%AC")]
    public async Task ValidPercentEncoding_IsForwardedAsSent(string target)
    {
        var answer = await GetRawAsync(target);

        Assert.Equal(200, RawHttp.StatusCode(answer));
        Assert.Equal(target, fixture.Backend.Last.Target);
    }

    // The query is not decoded on the way: bytes that are not UTF-8 pass as sent.
    [Fact]
    public async Task NonUtf8PercentEncoding_InTheQuery_IsForwardedAsSent()
    {
        var answer = await GetRawAsync("/public/search?q=%FF%C0%AE");

        Assert.Equal(200, RawHttp.StatusCode(answer));
        Assert.Equal("/public/search?q=%FF%C0%AE", fixture.Backend.Last.Target);
    }

    // But YARP escapes a '%' without two hex digits after it ("?q=%zz" would arrive as "?q=%25zz").
    [Theory]
    [InlineData("/public/search?q=%zz")]
    [InlineData("/public/search?q=a%")]
    [InlineData("/public/search?q=%4")]
    public async Task PercentWithoutHexDigits_InTheQuery_IsRefused_AndNeverForwarded(string target)
    {
        await AssertRefusedAsync(target, "the request target has invalid percent-encoding");
    }

    private Task<string> GetRawAsync(string target) =>
        RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", untilFirstResponse: true);

    /// <summary>Sends <paramref name="target"/> as written: 400 problem+json (saying <paramref name="detail"/>), and nothing forwarded.</summary>
    private async Task AssertRefusedAsync(string target, string? detail = null)
    {
        var before = fixture.Backend.Count;

        var answer = await GetRawAsync(target);

        Assert.Equal(400, RawHttp.StatusCode(answer));
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        if (detail is not null)
        {
            Assert.Contains(detail, answer, StringComparison.Ordinal);
        }
        Assert.Equal(before, fixture.Backend.Count);
    }
}
