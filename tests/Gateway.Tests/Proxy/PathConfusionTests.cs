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

        var answer = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

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
        var before = fixture.Backend.Count;

        var answer = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, RawHttp.StatusCode(answer));
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Backend.Count);
    }

    [Fact]
    public async Task EncodedSlash_InTheQuery_IsNotRefused()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/public/search?path=a%2Fb");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/public/search?path=a%2Fb", fixture.Backend.Last.Target);
    }
}
