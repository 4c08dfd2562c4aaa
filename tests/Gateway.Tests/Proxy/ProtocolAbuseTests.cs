using Gateway.Tests.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

/// <summary>Request-smuggling shapes sent over a real TLS socket: refused, and nothing reaches the backend.</summary>
public sealed class ProtocolAbuseTests(ApiKeyGatewayFixture fixture) : IClassFixture<ApiKeyGatewayFixture>
{
    /// <summary>
    /// Aimed at a public route, so that had it been parsed as a request of its own, it would have been
    /// forwarded: the backend not seeing it shows it was never read as one.
    /// </summary>
    private const string SmuggledPath = "/public/smuggled";

    private const string Smuggled = "GET " + SmuggledPath + " HTTP/1.1\r\nHost: x\r\nX-Client-Id: payment-service\r\n\r\n";

    public static TheoryData<string, string> Shapes => new()
    {
        { "CL and TE", "POST /public/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled },
        { "two Content-Lengths", "POST /public/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 80\r\n\r\n" + Smuggled },
        { "bare LF in chunk extension", "POST /public/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a\nx\r\nX\r\n0\r\n\r\n" + Smuggled },
        { "obfuscated TE", "POST /public/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + Smuggled },
    };

    /// <summary>
    /// Kestrel refuses the ambiguous shapes with 400, except CL+TE, which RFC 9112 §6.3 resolves as
    /// chunked and then closes the connection: either way the smuggled second request is never read.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task SmugglingShape_NeverGetsTheSecondRequestForwarded(string shape, string request)
    {
        var answer = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, request);

        Assert.True(answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal), $"{shape}: no answer");
        Assert.Equal(1, answer.Split("HTTP/1.1 ").Length - 1);
        if (!answer.StartsWith("HTTP/1.1 4", StringComparison.Ordinal))
        {
            Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(fixture.Backend.Requests, r => r.Target.StartsWith(SmuggledPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizedHeaders_AreRefused_AndNotForwarded()
    {
        var before = fixture.Backend.Count;
        var request = "GET /public/a HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 64 * 1024) + "\r\n\r\n";

        var answer = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, request);

        Assert.StartsWith("HTTP/1.1 431", answer, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Backend.Count);
    }

    /// <summary>
    /// h2c smuggling: a client asks a proxy to pass an HTTP/2 cleartext upgrade on; if the backend
    /// accepts it, the client talks HTTP/2 straight to the backend over the tunnel, past the gateway's
    /// routes and authentication. The upgrade must never reach the backend.
    /// </summary>
    [Fact]
    public async Task H2cUpgrade_IsNotPassedToTheBackend()
    {
        var answer = await RawHttp.SendAsync(
            fixture.Gateway.BaseAddress,
            "GET /public/h2c-probe HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
            untilFirstResponse: true);

        Assert.DoesNotContain("101", answer.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Equal("/public/h2c-probe", fixture.Backend.Last.Target);
        Assert.False(fixture.Backend.Last.HasHeader("Upgrade"), "the backend got Upgrade: " + fixture.Backend.Last.Header("Upgrade"));
        Assert.False(fixture.Backend.Last.HasHeader("HTTP2-Settings"), "the backend got HTTP2-Settings");
    }
}
