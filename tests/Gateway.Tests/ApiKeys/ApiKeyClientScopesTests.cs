using System.Net;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.ApiKeys;

/// <summary>A client's configured <c>Scopes</c>: an empty list, none at all, a repeated scope.</summary>
public sealed class ApiKeyClientScopesTests : IAsyncLifetime
{
    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig(_backend.Url)
            .Route("open", "/open/{**rest}", "ApiKey")
            .ApiKeyClient("empty-list", "sk-empty-list") // "Scopes": [] stopped the gateway: "expected an array of scopes"
            .Set("Auth:ApiKey:Clients:left-out:Keys", new JsonArray(KeyHash.Format("sk-left-out")))
            .ApiKeyClient("repeated", "sk-repeated", "read:a", "read:b", "read:a"));
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task EmptyScopesList_IsLikeNoScopes()
    {
        var leftOut = await ScopesHeaderAsync("sk-left-out");
        var emptyList = await ScopesHeaderAsync("sk-empty-list");

        Assert.Equal(leftOut, emptyList);
        Assert.True(string.IsNullOrEmpty(emptyList), emptyList);
    }

    /// <summary>A scope configured twice was forwarded twice.</summary>
    [Fact]
    public async Task RepeatedScope_IsForwardedOnce()
    {
        Assert.Equal("read:a read:b", await ScopesHeaderAsync("sk-repeated"));
    }

    private async Task<string?> ScopesHeaderAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open/x");
        request.Headers.Add("X-API-Key", key);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return _backend.Last.Header("X-Client-Scopes");
    }
}
