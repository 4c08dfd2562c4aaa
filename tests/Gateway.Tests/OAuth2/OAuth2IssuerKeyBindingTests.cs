using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// A gateway trusting both an external provider and its own token service: each issuer is accepted
/// only with its own keys, audiences and algorithms (RFC 8725 3.8): the provider here signs PS256
/// only, the token service RS256. The service's key binding the other way is in <see cref="TokenServiceTests"/>.
/// </summary>
public sealed class OAuth2IssuerKeyBindingTests : IAsyncLifetime
{
    private const string ServiceIssuer = "gateway-token-service"; // the defaults: anyone can guess them
    private const string ServiceAudience = "gateway";
    private const string ProviderAlgorithm = "PS256";
    private readonly TestSigningKey _k1 = TestSigningKey.Create("k1");
    private RecordingBackend _backend = null!;
    private TestIdentityProvider _idp = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _idp = await TestIdentityProvider.StartAsync(_k1);
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(_idp)
            .Set("Auth:OAuth2:RefreshCooldown", "00:10:00")
            .Set("Auth:OAuth2:Algorithms", new JsonArray(ProviderAlgorithm))
            .Set("Auth:TokenService", new JsonObject
            {
                ["Enabled"] = true,
                ["Clients"] = new JsonObject
                {
                    ["svc"] = new JsonObject { ["Secrets"] = new JsonArray(KeyHash.Format("sk-svc-secret")), ["Scopes"] = new JsonArray("read:reports") },
                },
            });
        _gateway = await GatewayHost.StartAsync(config);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _idp.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData(ServiceIssuer, ServiceAudience, "the token is signed with a key not trusted for its issuer")] // the provider's key minting the service's tokens
    [InlineData(ServiceIssuer, TestIdentityProvider.Audience, "the token is signed with a key not trusted for its issuer")]
    [InlineData(TestIdentityProvider.Issuer, ServiceAudience, "the token's audience is not accepted")] // the provider's tokens for the service's audience
    public async Task ProviderKey_OutsideItsIssuerOrAudience_Is401_AndNotForwarded(string issuer, string audience, string expectedDetail)
    {
        var claims = TestIdentityProvider.Claims("read:reports");
        claims["iss"] = issuer;
        claims["aud"] = audience;
        claims["client_id"] = "svc";

        using var response = await SendAsync(TestIdentityProvider.Token(_k1, claims, algorithm: ProviderAlgorithm));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(expectedDetail, detail);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task EachIssuer_WithItsOwnKeyAudienceAndAlgorithm_IsForwarded()
    {
        var claims = TestIdentityProvider.Claims("read:reports");
        claims["aud"] = new JsonArray("https://other.example", TestIdentityProvider.Audience + "/"); // one accepted audience, with a trailing '/'
        using (var provider = await SendAsync(TestIdentityProvider.Token(_k1, claims, algorithm: ProviderAlgorithm)))
        {
            Assert.Equal(HttpStatusCode.OK, provider.StatusCode);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "svc",
            ["client_secret"] = "sk-svc-secret",
            ["scope"] = "read:reports",
        });
        using var issued = await _client.PostAsync("/oauth/token", form);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        using (var service = await SendAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, service.StatusCode);
        }
        Assert.Equal(2, _backend.Count);
    }

    /// <summary>The service's RS256 is allowed for the service's tokens only, not for the provider's.</summary>
    [Fact]
    public async Task ProviderToken_InTheServicesAlgorithm_Is401_AndNotForwarded()
    {
        using var response = await SendAsync(TestIdentityProvider.Token(_k1, TestIdentityProvider.Claims("read:reports"), algorithm: "RS256"));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the token's signing algorithm is not allowed", detail);
        Assert.Equal(0, _backend.Count);
    }

    private async Task<HttpResponseMessage> SendAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }
}
