using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// The built-in token service, driven the way authlib's
/// <c>OAuth2Session(client_id, client_secret, scope=...).fetch_token(url, grant_type='client_credentials')</c>
/// drives it: HTTP Basic with the form-urlencoded id and secret, form body <c>grant_type=client_credentials&amp;scope=...</c>.
/// </summary>
public sealed class TokenServiceTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    private readonly RecordingBackend _backend = fixture.Backend;
    private readonly HttpClient _client = fixture.Gateway.CreateClient();

    [Fact]
    public async Task AuthlibStyleBasicRequest_GetsAToken_ThatPassesAnOAuth2Route()
    {
        using var response = await _client.SendAsync(AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, "read:reports"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(300, body.RootElement.GetProperty("expires_in").GetInt32());
        Assert.Equal("read:reports", body.RootElement.GetProperty("scope").GetString());
        var token = body.RootElement.GetProperty("access_token").GetString()!;

        var before = _backend.Count;
        using var api = await CallAsync("/api/reports/2026", token);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal(TokenServiceFixture.ClientId, _backend.Last.Header("X-Client-Id"));
        Assert.Equal("OAuth2", _backend.Last.Header("X-Auth-Method"));
        Assert.Equal("read:reports", _backend.Last.Header("X-Client-Scopes"));
        Assert.False(_backend.Last.HasHeader("Authorization"));
    }

    [Fact]
    public async Task Token_HasTheRfc9068Claims_AndVerifiesWithThePublishedJwks()
    {
        var token = await FetchTokenAsync(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, "read:reports export:reports");
        var jwt = new JsonWebToken(token);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(TokenServiceFixture.Issuer, jwt.Issuer);
        Assert.Equal([TokenServiceFixture.Audience], jwt.Audiences);
        Assert.Equal(TokenServiceFixture.ClientId, jwt.GetClaim("client_id").Value);
        Assert.Equal("read:reports export:reports", jwt.GetClaim("scope").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.InRange(jwt.IssuedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        using var jwksResponse = await _client.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwksResponse.StatusCode);
        var jwksText = await jwksResponse.Content.ReadAsStringAsync();
        foreach (var privateMember in new[] { "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"" })
        {
            Assert.DoesNotContain(privateMember, jwksText, StringComparison.Ordinal);
        }
        var jwks = new JsonWebKeySet(jwksText);
        var key = Assert.Single(jwks.Keys);
        Assert.Equal(jwt.Kid, key.Kid);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TokenServiceFixture.Issuer,
            ValidAudience = TokenServiceFixture.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task FormPostedClientCredentials_Work()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = Form(("grant_type", "client_credentials"), ("client_id", TokenServiceFixture.ClientId), ("client_secret", TokenServiceFixture.RotatedSecret), ("scope", "read:reports")),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var api = await CallAsync("/api/reports/x", body.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task BasicCredentials_AreFormDecoded_AsRfc6749Says()
    {
        var token = await FetchTokenAsync(TokenServiceFixture.WriterId, TokenServiceFixture.WriterSecret, null);

        using var api = await CallAsync("/api/writes/x", token);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(TokenServiceFixture.WriterId, _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task NoScopeRequested_GrantsEveryAllowedScope()
    {
        using var response = await _client.SendAsync(AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, scope: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("read:reports export:reports", body.RootElement.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task SubsetScopeToken_IsRefused403_OnARouteNeedingAnotherScope()
    {
        var token = await FetchTokenAsync(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, "export:reports");
        var before = _backend.Count;

        using var api = await CallAsync("/api/reports/x", token);

        await ProblemAssert.IsProblemAsync(api, HttpStatusCode.Forbidden);
        Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"read:reports\"", api.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, _backend.Count);
    }

    public static TheoryData<string, int, string> ErrorCases() => new()
    {
        { "wrong-secret", 401, "invalid_client" },
        { "unknown-client", 401, "invalid_client" },
        { "no-client-authentication", 401, "invalid_client" },
        { "client-id-without-secret", 401, "invalid_client" },
        { "malformed-basic", 401, "invalid_client" },
        { "scope-not-allowed", 400, "invalid_scope" },
        { "scope-partly-not-allowed", 400, "invalid_scope" },
        { "password-grant", 400, "unsupported_grant_type" },
        { "authorization-code-grant", 400, "unsupported_grant_type" },
        { "missing-grant-type", 400, "invalid_request" },
        { "repeated-grant-type", 400, "invalid_request" },
        { "basic-and-form-secret", 400, "invalid_request" },
        // Which client is meant? The form names another than the Basic credentials (the form's was ignored).
        { "basic-and-another-form-client-id", 400, "invalid_request" },
        { "json-body", 400, "invalid_request" },
        { "oversized-body", 400, "invalid_request" },
    };

    /// <summary>A client_id beside Basic naming the same client is fine (some libraries send both).</summary>
    [Fact]
    public async Task BasicWithTheSameFormClientId_GetsAToken()
    {
        using var request = AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, null);
        request.Content = Form(("grant_type", "client_credentials"), ("client_id", TokenServiceFixture.ClientId));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task ErrorCase_AnswersTheRfc6749Error(string name, int status, string error)
    {
        using var request = BuildErrorRequest(name);

        using var response = await _client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(text);
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("error_description").GetString()));
        Assert.False(body.RootElement.TryGetProperty("access_token", out _));
        if (status == 401)
        {
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("wrong-secret-value", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedClientAuthentication_IsLogged_WithoutTheSecret()
    {
        using var response = await _client.SendAsync(AuthlibRequest(TokenServiceFixture.ClientId, "wrong-secret-value-7731", "read:reports"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        await Wait.UntilAsync(() => fixture.Gateway.LogText().Contains("client authentication failed for client reporting-service", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the failed client authentication is logged");
        var log = fixture.Gateway.LogText();
        Assert.DoesNotContain("wrong-secret-value-7731", log, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenServiceFixture.Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenServiceKey_SignsOnlyTheTokenServiceIssuer()
    {
        // Whoever holds the service key could otherwise mint tokens for another trusted issuer; the key is bound to its issuer.
        var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(fixture.KeyFile));
        var jwt = new JsonWebToken(await FetchTokenAsync(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, "read:reports"));
        var key = TestSigningKey.FromRsa(rsa, jwt.Kid);
        var claims = TestIdentityProvider.Claims();
        claims["aud"] = TokenServiceFixture.Audience;
        claims["iss"] = TokenServiceFixture.Issuer;
        var serviceIssuer = TestIdentityProvider.Token(key, claims);
        claims["iss"] = TestIdentityProvider.Issuer;
        var otherIssuer = TestIdentityProvider.Token(key, claims);

        using (var response = await CallAsync("/api/reports/x", serviceIssuer))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var before = _backend.Count;
        using (var response = await CallAsync("/api/reports/x", otherIssuer))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task GetOnTheTokenPath_IsNotATokenRequest()
    {
        using var response = await _client.GetAsync("/oauth/token");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)response.StatusCode < 500);
    }

    /// <summary>What authlib sends: Basic auth of the form-urlencoded id and secret; form body grant_type (+ scope).</summary>
    internal static HttpRequestMessage AuthlibRequest(string clientId, string secret, string? scope)
    {
        var fields = new List<(string, string)> { ("grant_type", "client_credentials") };
        if (scope is not null)
        {
            fields.Add(("scope", scope));
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = Form([.. fields]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    private async Task<string> FetchTokenAsync(string clientId, string secret, string? scope)
    {
        using var response = await _client.SendAsync(AuthlibRequest(clientId, secret, scope));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private Task<HttpResponseMessage> CallAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static HttpRequestMessage BuildErrorRequest(string name)
    {
        const string id = TokenServiceFixture.ClientId;
        const string secret = TokenServiceFixture.Secret;
        HttpRequestMessage Post(HttpContent content) => new(HttpMethod.Post, "/oauth/token") { Content = content };
        switch (name)
        {
            case "wrong-secret":
                return AuthlibRequest(id, "wrong-secret-value", "read:reports");
            case "unknown-client":
                return AuthlibRequest("nobody", secret, "read:reports");
            case "no-client-authentication":
                return Post(Form(("grant_type", "client_credentials")));
            case "client-id-without-secret":
                return Post(Form(("grant_type", "client_credentials"), ("client_id", id)));
            case "malformed-basic":
            {
                var request = Post(Form(("grant_type", "client_credentials")));
                request.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64!!!");
                return request;
            }
            case "scope-not-allowed":
                return AuthlibRequest(id, secret, "admin");
            case "scope-partly-not-allowed":
                return AuthlibRequest(id, secret, "read:reports write:reports");
            case "password-grant":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = Form(("grant_type", "password"), ("username", "u"), ("password", "p"));
                return request;
            }
            case "authorization-code-grant":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = Form(("grant_type", "authorization_code"), ("code", "abc"));
                return request;
            }
            case "missing-grant-type":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = Form(("scope", "read:reports"));
                return request;
            }
            case "repeated-grant-type":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = new StringContent("grant_type=client_credentials&grant_type=password", Encoding.ASCII, "application/x-www-form-urlencoded");
                return request;
            }
            case "basic-and-form-secret":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = Form(("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret));
                return request;
            }
            case "basic-and-another-form-client-id":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = Form(("grant_type", "client_credentials"), ("client_id", TokenServiceFixture.WriterId));
                return request;
            }
            case "json-body":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json");
                return request;
            }
            case "oversized-body":
            {
                var request = AuthlibRequest(id, secret, null);
                request.Content = new StringContent("grant_type=client_credentials&pad=" + new string('x', 20_000), Encoding.ASCII, "application/x-www-form-urlencoded");
                return request;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }
}
