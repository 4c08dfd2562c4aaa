using Gateway.Client;
using Gateway.Tests.Hmac;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

/// <summary>
/// Identity and credential headers named in <c>Connection:</c> (Traefik CVE-2024-45410: a proxy that
/// drops hop-by-hop headers after setting its own loses them), sent as raw bytes over TLS on an
/// ApiKey and an Hmac route: the backend still gets the gateway's identity, exactly once.
/// </summary>
public sealed class HopByHopIdentityHeaderTests(HmacGatewayFixture fixture) : IClassFixture<HmacGatewayFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in new[] { "ApiKey", "Hmac" })
        {
            // Kestrel reduces a Connection header holding "close" or "keep-alive" to that one token, so
            // the names only reach the gateway's pipeline (and YARP) in a header without either.
            data.Add(route, "close, X-Client-Id");
            data.Add(route, "close, X-Auth-Method, X-API-Key");
            data.Add(route, "X-Client-Id");
            data.Add(route, "keep-alive, X-Auth-Method, X-API-Key");
            data.Add(route, "X-Client-Id, X-Auth-Method, X-Client-Scopes, X-API-Key, X-Signature, X-Nonce, X-Timestamp");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HeadersNamedInConnection_DoNotDropTheGatewaysIdentity(string route, string connection)
    {
        var target = (route == "Hmac" ? "/api/orders/hop-" : "/api/test/hop-") + Guid.NewGuid().ToString("N");
        var credentials = route == "Hmac" ? HmacHeaders(target) : $"X-API-Key: {HmacTestClient.ApiKey}\r\n";

        var answer = await RawHttp.SendAsync(
            fixture.Gateway.BaseAddress,
            $"GET {target} HTTP/1.1\r\nHost: localhost\r\n{credentials}X-Client-Id: evil\r\nX-Auth-Method: evil\r\nConnection: {connection}\r\n\r\n",
            untilFirstResponse: true);

        Assert.True(RawHttp.StatusCode(answer) == 200, $"{route}, Connection: {connection}: {answer}");
        var seen = Assert.Single(fixture.Backend.Requests, r => r.Target == target);
        var (clientId, method, scopes) = route == "Hmac"
            ? (HmacTestClient.KeyId, "Hmac", HmacTestClient.Scope)
            : ("test-client", "ApiKey", "read:test");
        Assert.Equal(clientId, seen.Header("X-Client-Id"));
        Assert.Equal(method, seen.Header("X-Auth-Method"));
        Assert.Equal(scopes, seen.Header("X-Client-Scopes"));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("evil", StringComparison.Ordinal));
    }

    private static string HmacHeaders(string target)
    {
        var timestamp = HmacTestClient.Now.ToString();
        var nonce = HmacSigningHandler.NewNonce();
        var signature = HmacTestClient.Sign(HmacTestClient.Secret, "GET", target, timestamp, nonce, []);
        return $"X-API-Key: {HmacTestClient.KeyId}\r\nX-Timestamp: {timestamp}\r\nX-Nonce: {nonce}\r\nX-Signature: {signature}\r\n";
    }
}
