using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>Config reloads while running: a new provider, a new audience, an invalid reload.</summary>
public sealed class OAuth2ConfigReloadTests : IAsyncLifetime
{
    private readonly TestSigningKey _oldKey = TestSigningKey.Create("old");
    private readonly TestSigningKey _newKey = TestSigningKey.Create("new");
    private RecordingBackend _backend = null!;
    private TestIdentityProvider _oldIdp = null!;
    private TestIdentityProvider _newIdp = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _oldIdp = await TestIdentityProvider.StartAsync(_oldKey);
        _newIdp = await TestIdentityProvider.StartAsync(_newKey);
    }

    public async Task DisposeAsync()
    {
        await _newIdp.DisposeAsync();
        await _oldIdp.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task ReloadToAnotherProvider_TrustsOnlyTheNewKeys()
    {
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(_oldIdp);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, TestIdentityProvider.Token(_oldKey)));

        await gateway.RewriteConfigAsync(config.Clone().WithJwks(_newIdp));

        await Wait.UntilAsync(async () => await StatusAsync(client, TestIdentityProvider.Token(_newKey)) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the new provider's token is accepted after the reload");
        var before = _backend.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, TestIdentityProvider.Token(_oldKey)));
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task InvalidReload_KeepsTheLastGoodConfig_WithAuthEnforced()
    {
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(_oldIdp);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        await gateway.RewriteConfigAsync(config.Clone().Set("Auth:OAuth2:Algorithms", new System.Text.Json.Nodes.JsonArray("none")));
        await Wait.UntilAsync(() => gateway.LogText().Contains("Auth:OAuth2:Algorithms:0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the invalid reload is logged");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, TestIdentityProvider.Token(_oldKey)));
        var before = _backend.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, TestIdentityProvider.Token(TestSigningKey.Create("x"))));
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task ReloadChangingTheIssuer_RefusesATokenAcceptedBefore()
    {
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(_oldIdp);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        var token = TestIdentityProvider.Token(_oldKey);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, token));

        // The same token string, validated (and cached) before the reload, must meet the new config.
        await gateway.RewriteConfigAsync(config.Clone().Set("Auth:OAuth2:Issuer", "https://another-idp.test"));

        await Wait.UntilAsync(async () => await StatusAsync(client, token) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15), "the old issuer's token is refused after the reload");
        var before = _backend.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, token));
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task ReloadNarrowingTheAlgorithms_RefusesATokenAcceptedBefore()
    {
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(_oldIdp)
            .Set("Auth:OAuth2:Algorithms", new JsonArray("RS256", "PS256"));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        var token = TestIdentityProvider.Token(_oldKey);
        // Twice: the second answer comes from the accepted-token cache, which skips the algorithm check.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, token));

        await gateway.RewriteConfigAsync(config.Clone().Set("Auth:OAuth2:Algorithms", new JsonArray("PS256")));

        await Wait.UntilAsync(async () => await StatusAsync(client, token) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15), "the RS256 token is refused once RS256 is no longer allowed");
        var before = _backend.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, token));
        Assert.Equal(before, _backend.Count);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
