using System.Net;
using System.Net.Http.Headers;
using Gateway.Auth.OAuth2;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// The provider's keys over time: rotation, floods of unknown kids, the provider going down,
/// OIDC discovery, and the fetch's size cap and timeout. Each test runs its own provider and gateway.
/// </summary>
public sealed class OAuth2KeyLifecycleTests : IAsyncLifetime
{
    private readonly TestSigningKey _k1 = TestSigningKey.Create("k1");
    private RecordingBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordingBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task RotatedKey_WithNewKid_IsAcceptedAfterOneRefresh()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00");
        using var client = gateway.CreateClient();
        var fetchesAfterStart = idp.JwksFetches;
        Assert.Equal(1, fetchesAfterStart);

        var k2 = TestSigningKey.Create("k2");
        idp.Publish(_k1, k2);
        using (var response = await SendAsync(client, TestIdentityProvider.Token(k2)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(fetchesAfterStart + 1, idp.JwksFetches);

        // Known now: no further fetch, and the old key keeps working while it is published.
        using (var response = await SendAsync(client, TestIdentityProvider.Token(k2)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(fetchesAfterStart + 1, idp.JwksFetches);
        Assert.Equal(3, _backend.Count);
    }

    [Fact]
    public async Task WithdrawnKey_IsRefused_AfterTheNextRefresh()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00", refreshInterval: "00:00:01");
        using var client = gateway.CreateClient();
        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The provider withdraws k1 (say it leaked) and publishes k2.
        var k2 = TestSigningKey.Create("k2");
        idp.Publish(k2);
        var fetches = idp.JwksFetches;
        await Wait.UntilAsync(() => idp.JwksFetches >= fetches + 2, TimeSpan.FromSeconds(10), "the scheduled refresh ran");

        var before = _backend.Count;
        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, _backend.Count);
        using (var response = await SendAsync(client, TestIdentityProvider.Token(k2)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task WithdrawnKey_StopsATokenAcceptedBefore_AfterTheNextRefresh()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00", refreshInterval: "00:00:01");
        using var client = gateway.CreateClient();
        var token = TestIdentityProvider.Token(_k1);
        for (var i = 0; i < 2; i++)
        {
            using var response = await SendAsync(client, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The very same token string (validated, so cached) is refused once the refresh has dropped k1.
        idp.Publish(TestSigningKey.Create("k2"));
        var fetches = idp.JwksFetches;
        await Wait.UntilAsync(() => idp.JwksFetches >= fetches + 2, TimeSpan.FromSeconds(10), "the scheduled refresh ran");

        var before = _backend.Count;
        using (var response = await SendAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task HundredRandomUnknownKids_CauseAtMostOneFetch_AndNothingIsForwarded()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00");
        using var client = gateway.CreateClient();
        var fetchesAfterStart = idp.JwksFetches;
        var attacker = TestSigningKey.Create("attacker");
        var tokens = Enumerable.Range(0, 100)
            .Select(_ => TestIdentityProvider.Token(TestSigningKeyWithKid(attacker, Guid.NewGuid().ToString("N"))))
            .ToList();

        var statuses = await Task.WhenAll(tokens.Select(async token =>
        {
            using var response = await SendAsync(client, token);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(fetchesAfterStart + 1, idp.JwksFetches);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task UnknownKidRefreshes_AreRateLimitedPerCooldown()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:00:03");
        using var client = gateway.CreateClient();
        var attacker = TestSigningKey.Create("attacker");
        var first = Enumerable.Range(0, 10).Select(i => TestIdentityProvider.Token(TestSigningKeyWithKid(attacker, $"r{i}"))).ToList();
        var second = Enumerable.Range(0, 5).Select(i => TestIdentityProvider.Token(TestSigningKeyWithKid(attacker, $"s{i}"))).ToList();
        var start = idp.JwksFetches;

        foreach (var token in first)
        {
            using var response = await SendAsync(client, token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(start + 1, idp.JwksFetches);

        // After the cooldown an unknown kid may fetch again, once.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        foreach (var token in second)
        {
            using var response = await SendAsync(client, token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(start + 2, idp.JwksFetches);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task ProviderStoppedAfterStart_KnownKeysStillPass_AfterFailedRefreshes()
    {
        var idp = await TestIdentityProvider.StartAsync(_k1);
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:00:00", refreshInterval: "00:00:01");
        using var client = gateway.CreateClient();
        var keys = gateway.Services.GetRequiredService<JwksKeyManager>();
        await idp.StopAsync();
        await idp.DisposeAsync();
        var attempts = keys.FetchCount;

        // Scheduled refreshes fail (connection refused) ...
        await Wait.UntilAsync(() => keys.FetchCount >= attempts + 2, TimeSpan.FromSeconds(10), "two refreshes were attempted with the provider down");
        // ... and so does one a token with an unknown kid asks for.
        using (var unknown = await SendAsync(client, TestIdentityProvider.Token(TestSigningKey.Create("unknown"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using var response = await SendAsync(client, TestIdentityProvider.Token(_k1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
        Assert.Contains("could not fetch signing keys", gateway.LogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OidcDiscovery_FindsTheKeys_AndTheIssuer()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes()
            .Set("Auth:OAuth2:Authority", idp.BaseUri.AbsoluteUri)
            .Set("Auth:OAuth2:Audience", TestIdentityProvider.Audience);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.Equal(1, idp.DiscoveryFetches);
        Assert.Equal(1, idp.JwksFetches);

        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var wrongIssuer = TestIdentityProvider.Claims();
        wrongIssuer["iss"] = "https://evil.test";
        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1, wrongIssuer)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(1, _backend.Count);
    }

    /// <summary>
    /// With an explicit Issuer beside Authority, that issuer is the only one accepted: the discovery
    /// document's issuer was accepted as well (IdentityModel adds the configuration's issuer).
    /// </summary>
    [Fact]
    public async Task OidcDiscovery_WithAnExplicitIssuer_AcceptsThatIssuerOnly()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        const string pinned = "https://pinned-issuer.test";
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes()
            .Set("Auth:OAuth2:Authority", idp.BaseUri.AbsoluteUri)
            .Set("Auth:OAuth2:Issuer", pinned)
            .Set("Auth:OAuth2:Audience", TestIdentityProvider.Audience);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        var claims = TestIdentityProvider.Claims();
        claims["iss"] = pinned;

        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1, claims)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The discovery document's issuer.
        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("the token's issuer is not accepted", detail);
        }
        Assert.Equal(1, _backend.Count);
    }

    [Fact]
    public async Task OversizedJwks_IsRefused_NoKeysAreTrusted()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        idp.RawJwks = "{\"keys\":[" + _k1.PublicJwkJson() + "],\"padding\":\"" + new string('x', 64 * 1024) + "\"}";
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00", extra: ("Auth:OAuth2:MaxJwksBytes", "16384"));
        using var client = gateway.CreateClient();

        using var response = await SendAsync(client, TestIdentityProvider.Token(_k1));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _backend.Count);
        Assert.Contains("more than 16384 bytes", gateway.LogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowJwks_TimesOut_AndTheGatewayStillStarts()
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        idp.JwksDelay = TimeSpan.FromSeconds(30);
        var started = DateTime.UtcNow;
        await using var gateway = await StartGatewayAsync(idp, cooldown: "00:10:00", extra: ("Auth:OAuth2:FetchTimeout", "00:00:01"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "start waited for the slow provider beyond the fetch timeout");
        using var client = gateway.CreateClient();

        using var response = await SendAsync(client, TestIdentityProvider.Token(_k1));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _backend.Count);
        Assert.Contains("no answer within 1 s", gateway.LogText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The provider answers 500, or 200 with something that is no JWKS, while the gateway starts: it
    /// starts anyway, OAuth2 routes answer 401 (not 500) and other routes are unaffected; once the
    /// provider heals, the retries every RefreshCooldown find the keys and valid tokens pass.
    /// </summary>
    [Theory]
    [InlineData("500")]
    [InlineData("garbage")]
    public async Task JwksBrokenAtStart_OAuth2RoutesAre401_OthersServe_AndTokensPassOnceItHeals(string broken)
    {
        await using var idp = await TestIdentityProvider.StartAsync(_k1);
        if (broken == "500")
        {
            idp.JwksStatusCode = StatusCodes.Status500InternalServerError;
        }
        else
        {
            idp.RawJwks = "<html><body>Service Unavailable</body></html>";
        }
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(idp)
            .Route("public", "/public/{**rest}", "None")
            .Set("Auth:OAuth2:RefreshCooldown", "00:00:01");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.True(idp.JwksFetches >= 1, "the gateway did not try the provider at start");

        using (var response = await SendAsync(client, TestIdentityProvider.Token(_k1)))
        {
            Assert.Equal("the token is signed with an unknown key", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        }
        using (var response = await client.GetAsync("/public/while-broken"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, _backend.Count);

        idp.JwksStatusCode = StatusCodes.Status200OK;
        idp.RawJwks = null;
        await Wait.UntilAsync(async () =>
        {
            using var response = await SendAsync(client, TestIdentityProvider.Token(_k1));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), "a valid token passes after the provider healed");
        Assert.Equal(2, _backend.Count);
    }

    private static TestSigningKey TestSigningKeyWithKid(TestSigningKey key, string kid) => TestSigningKey.FromRsa(key.Rsa, kid);

    private Task<GatewayHost> StartGatewayAsync(TestIdentityProvider idp, string cooldown, string? refreshInterval = null, params (string Path, string Value)[] extra)
    {
        var config = new GatewayConfig(_backend.Url).WithOAuth2Routes().WithJwks(idp).Set("Auth:OAuth2:RefreshCooldown", cooldown);
        if (refreshInterval is not null)
        {
            config.Set("Auth:OAuth2:RefreshInterval", refreshInterval);
        }
        foreach (var (path, value) in extra)
        {
            config.Set(path, value);
        }
        return GatewayHost.StartAsync(config);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
