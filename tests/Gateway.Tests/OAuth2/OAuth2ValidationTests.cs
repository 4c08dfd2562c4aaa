using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>Tokens from a real JWKS provider against Auth: OAuth2 routes: what passes, what the backend sees, and every way a token is refused.</summary>
public sealed class OAuth2ValidationTests(OAuth2GatewayFixture fixture) : IClassFixture<OAuth2GatewayFixture>
{
    private readonly RecordingBackend _backend = fixture.Backend;
    private readonly HttpClient _client = fixture.Gateway.CreateClient();

    [Fact]
    public async Task KeysAreFetchedAtStart_NotOnTheFirstRequest()
    {
        // The fixture has started the gateway; whatever else ran, the first fetch happened during start.
        Assert.True(fixture.Idp.JwksFetches >= 1, "the JWKS was not fetched at start");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task TokenWithScope_IsForwarded_WithIdentity_AndWithoutAuthorization()
    {
        var token = TestIdentityProvider.Token(fixture.Key, TestIdentityProvider.Claims("read:reports write:reports"));
        var before = _backend.Count;

        using var response = await SendAsync("/api/reports/q3?year=2026", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        var seen = _backend.Last;
        Assert.Equal("/api/reports/q3?year=2026", seen.Target);
        Assert.Equal(TestIdentityProvider.ClientId, seen.Header("X-Client-Id"));
        Assert.Equal("OAuth2", seen.Header("X-Auth-Method"));
        Assert.Equal("read:reports write:reports", seen.Header("X-Client-Scopes"));
        Assert.False(seen.HasHeader("Authorization"));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepeatedToken_GivesTheSameIdentityHeaders_EveryTime()
    {
        var token = TestIdentityProvider.Token(fixture.Key, TestIdentityProvider.Claims("read:reports write:reports"));

        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync("/api/reports/x", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var seen = _backend.Last;
            Assert.Equal(TestIdentityProvider.ClientId, seen.Header("X-Client-Id"));
            Assert.Equal("OAuth2", seen.Header("X-Auth-Method"));
            Assert.Equal("read:reports write:reports", seen.Header("X-Client-Scopes"));
        }
    }

    [Fact]
    public async Task ForwardCredentialsRoute_ForwardsTheAuthorizationHeader()
    {
        var token = TestIdentityProvider.Token(fixture.Key);

        using var response = await SendAsync("/api/forwarding/x", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Bearer {token}", _backend.Last.Header("Authorization"));
        Assert.Equal(TestIdentityProvider.ClientId, _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task SecondConfiguredAudience_IsAccepted()
    {
        var claims = TestIdentityProvider.Claims();
        claims["aud"] = new JsonArray("https://unrelated.test", "https://other-api.test");

        using var response = await SendAsync("/api/reports/a", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("azp", "azp-client")]
    [InlineData("sub", "subject-client")]
    public async Task ClientId_FallsBackToAzp_ThenSub(string claim, string expected)
    {
        var claims = TestIdentityProvider.Claims();
        claims.Remove("client_id");
        claims["sub"] = "subject-client";
        if (claim == "azp")
        {
            claims["azp"] = "azp-client";
        }

        using var response = await SendAsync("/api/reports/a", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task ScpArray_GivesTheScopes()
    {
        var claims = TestIdentityProvider.Claims(scope: null);
        claims["scp"] = new JsonArray("read:reports", "export:reports");

        using var response = await SendAsync("/api/reports/a", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("read:reports export:reports", _backend.Last.Header("X-Client-Scopes"));
    }

    [Fact]
    public async Task ScpString_GivesTheScopes()
    {
        var claims = TestIdentityProvider.Claims(scope: null);
        claims["scp"] = "read:reports";

        using var response = await SendAsync("/api/reports/a", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("read:reports", _backend.Last.Header("X-Client-Scopes"));
    }

    [Fact]
    public async Task MissingScope_Is403_InsufficientScope_AndNotForwarded()
    {
        var token = TestIdentityProvider.Token(fixture.Key, TestIdentityProvider.Claims("write:reports"));
        var before = _backend.Count;

        // The second time the token is already validated and accepted (answered from the cache).
        for (var i = 0; i < 2; i++)
        {
            using var response = await SendAsync("/api/reports/a", token);

            var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Contains("read:reports", detail, StringComparison.Ordinal);
            Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"read:reports\"", response.Headers.WwwAuthenticate.ToString());
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task NoAuthorization_Is401_WithBareBearerChallenge()
    {
        var before = _backend.Count;

        using var response = await _client.GetAsync("/api/reports/a");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("missing bearer token", detail);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, _backend.Count);
    }

    public static TheoryData<string, string> RefusedTokens()
    {
        // Built in the test (not here) where the key is known; these names select the case.
        return new TheoryData<string, string>
        {
            { "expired", "the token has expired" },
            { "not-yet-valid", "the token is not valid yet" },
            { "no-exp", "the token has no expiry (exp)" },
            { "wrong-issuer", "the token's issuer is not accepted" },
            { "wrong-audience", "the token's audience is not accepted" },
            { "no-audience", "the token's audience is not accepted" },
            { "alg-none", "the token's signing algorithm is not allowed" },
            { "hs256-with-public-key", "the token's signing algorithm is not allowed" },
            { "rs384-not-allowed", "the token's signing algorithm is not allowed" },
            { "tampered-payload", "the token's signature is invalid" },
            { "wrong-key-same-kid", "the token's signature is invalid" },
            { "unknown-key-and-kid", "" },
            { "no-kid-wrong-key", "" },
            { "garbage", "the token is malformed" },
            { "three-garbage-segments", "the token is malformed" },
            { "empty-bearer", "empty bearer token" },
            { "huge", "the bearer token is too large" },
            { "well-formed-just-over-the-size-limit", "the bearer token is too large" },
            { "two-segments", "the token is malformed" },
            { "four-segments", "the token is malformed" },
            // The JWE compact shape: the gateway accepts signed tokens only, and says so.
            { "five-segments", "encrypted tokens (JWE) are not accepted" },
            { "header-is-a-json-array", "the token is malformed" },
            { "header-is-not-json", "the token is malformed" },
            // A string with an unpaired surrogate escape: reading it threw (500) where JSON errors were caught.
            { "alg-unpaired-surrogate", "the token is malformed" },
            { "alg-with-trailing-lone-surrogate", "the token is malformed" },
            // One item of an scp list is one scope: "read:reports admin" was split and granted admin.
            { "scp-list-item-with-a-space", "the token's scp claim contains an invalid scope" },
            // A list or an object is not a client id: the first item, or the raw JSON, became X-Client-Id.
            { "client-id-list", "the token's client_id claim is not a string" },
            { "client-id-object", "the token's client_id claim is not a string" },
            { "azp-list-without-client-id", "the token is malformed" }, // IdentityModel itself refuses a list for azp
            // RFC 7515 4.1.11: extensions the recipient does not implement, marked critical, must be refused.
            { "crit-header", "the token names critical header extensions (crit), which the gateway does not support" },
            // A header too long to be read ahead (an x5c chain, say) is checked all the same.
            { "crit-header-3000-chars", "the token names critical header extensions (crit), which the gateway does not support" },
            { "basic-scheme", "expected an Authorization: Bearer token" },
            { "control-char-client-id", "the token's client id contains characters that cannot be forwarded" },
            // A backend that reads X-Client-Id as a list would see "alice" and "admin".
            { "comma-in-client-id", "the token's client id contains a comma" },
            { "comma-in-client-id-with-clean-azp", "the token's client id contains a comma" },
            { "comma-in-azp", "the token's client id contains a comma" },
            { "comma-in-sub", "the token's client id contains a comma" },
            // A header parser strips the space: "admin " would arrive as "admin".
            { "space-padded-client-id", "the token's client id starts or ends with a space" },
            { "newline-in-scope", "the token's scope claim contains an invalid scope" },
            // A backend that reads X-Client-Scopes as a list would see "read:a" and "admin".
            { "comma-in-scope", "the token's scope claim contains a scope with a comma" },
            { "comma-in-scp-array", "the token's scp claim contains a scope with a comma" },
            { "comma-in-scp-string", "the token's scp claim contains a scope with a comma" },
            { "non-ascii-scope", "the token's scope claim contains an invalid scope" },
            { "no-client", "the token names no client (client_id, azp or sub)" },
            // A token must not grant itself what only the gateway asserts: a scope the route checks,
            // a verified certificate (X-Client-CN / X-Client-Verify), a second client id.
            { "gateway-scope-claim", "the token carries a claim reserved for the gateway (gw:*)" },
            { "gateway-claim-in-other-case", "the token carries a claim reserved for the gateway (gw:*)" },
            { "gateway-client-id-claim", "the token carries a claim reserved for the gateway (gw:*)" },
        };
    }

    /// <summary>Only the claim chosen as the client id must be a string: a numeric sub beside a string client_id is never read.</summary>
    [Fact]
    public async Task StringClientId_BesideANumericSub_IsForwarded()
    {
        var claims = TestIdentityProvider.Claims();
        claims["sub"] = 12345;
        var before = _backend.Count;

        using var response = await SendAsync("/api/reports/numeric-sub", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal(TestIdentityProvider.ClientId, _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task ValidToken_ExpiringInTheYear9999_IsForwarded()
    {
        // ValidTo + ClockSkew overflowed in the token cache and the token was refused as malformed.
        var claims = TestIdentityProvider.Claims();
        claims["exp"] = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        var before = _backend.Count;

        using var response = await SendAsync("/api/reports/far-future", TestIdentityProvider.Token(fixture.Key, claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task RefusedToken_Is401_InvalidToken_NeverForwarded(string name, string expectedDetail)
    {
        var authorization = Build(name);
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/a");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await _client.SendAsync(request);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        if (expectedDetail.Length > 0)
        {
            Assert.Equal(expectedDetail, detail);
        }
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", challenge, StringComparison.Ordinal);
        Assert.Contains(detail, challenge, StringComparison.Ordinal);
        var token = authorization.Length > 7 ? authorization[7..] : authorization;
        if (token.Length > 10)
        {
            Assert.DoesNotContain(token, detail, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[0], challenge, StringComparison.Ordinal);
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task TokenWithACommaInAScope_IsRefusedEveryTime_NeverForwarded()
    {
        // Otherwise forwarded as X-Client-Scopes: read:reports read:a,admin, which a backend reading
        // the header as a comma-separated list takes as the scopes "read:reports read:a" and "admin".
        var token = TestIdentityProvider.Token(fixture.Key, TestIdentityProvider.Claims("read:reports read:a,admin"));
        var before = _backend.Count;

        // Repeated: the second and third requests meet the token cache, which must not let it through.
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync("/api/reports/a", token);

            var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("the token's scope claim contains a scope with a comma", detail);
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task TwoAuthorizationHeaders_Are401()
    {
        var token = TestIdentityProvider.Token(fixture.Key);
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/a");
        request.Headers.TryAddWithoutValidation("Authorization", [$"Bearer {token}", $"Bearer {token}"]);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, _backend.Count);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    public async Task KeyUrlHeaders_AreNeverFollowed(string headerName)
    {
        using var listener = new ConnectionCountingListener();
        var attacker = TestSigningKey.Create("attacker-kid");
        var before = _backend.Count;

        // Signed by a key only the listener "publishes": rejected, and no request goes to the listener.
        var hostile = TestIdentityProvider.Token(attacker, header: new Dictionary<string, object> { [headerName] = listener.Url.AbsoluteUri });
        using (var response = await SendAsync("/api/reports/a", hostile))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Signed by the real key but naming the listener: validated against the configured keys only.
        var honest = TestIdentityProvider.Token(fixture.Key, header: new Dictionary<string, object> { [headerName] = listener.Url.AbsoluteUri });
        using (var response = await SendAsync("/api/reports/a", honest))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Task.Delay(300); // give a (wrong) background fetch the chance to connect
        Assert.Equal(0, listener.Connections);
        Assert.Equal(before + 1, _backend.Count);
    }

    [Fact]
    public async Task EmbeddedJwkAndX5cHeaders_AreNotTrusted()
    {
        var attacker = TestSigningKey.Create("k1");
        var jwk = JsonNode.Parse(attacker.PublicJwkJson())!.AsObject().ToDictionary(p => p.Key, p => (object)p.Value!.GetValue<string>());
        using var certificate = new CertificateRequest("CN=attacker", attacker.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var before = _backend.Count;

        var withJwk = TestIdentityProvider.Token(attacker, header: new Dictionary<string, object> { ["jwk"] = jwk });
        var withX5c = TestIdentityProvider.Token(attacker, header: new Dictionary<string, object> { ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) } });

        foreach (var token in new[] { withJwk, withX5c })
        {
            using var response = await SendAsync("/api/reports/a", token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, _backend.Count);
    }

    public static TheoryData<string> HostileKids => new()
    {
        "path-traversal", "sql", "nul-only", "trusted-kid-then-nul", "http-url", "8-kb", "number", "object", "array", "empty",
    };

    /// <summary>
    /// A hostile <c>kid</c> on a token signed by a key the provider does not publish: 401, nothing
    /// forwarded, and no request anywhere but (at most once, rate-limited) the configured JWKS. The
    /// kid is only ever a key to look up in the fetched set, never a path, a URL or a query.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileKids))]
    public async Task HostileKid_OnAnUntrustedToken_Is401_NeverForwarded_AndFetchesNothingElse(string name)
    {
        using var listener = new ConnectionCountingListener();
        JsonNode kid = name switch
        {
            "path-traversal" => "../../etc/passwd",
            "sql" => "' OR 1=1 --",
            "nul-only" => "\u0000",
            "trusted-kid-then-nul" => fixture.Key.Kid + "\u0000",
            "http-url" => listener.Url.AbsoluteUri,
            "8-kb" => new string('k', 8 * 1024),
            "number" => 1,
            "object" => new JsonObject { ["kid"] = fixture.Key.Kid, ["url"] = listener.Url.AbsoluteUri },
            "array" => new JsonArray(fixture.Key.Kid, listener.Url.AbsoluteUri),
            "empty" => "",
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        var attacker = TestSigningKey.Create("attacker");
        var token = TestIdentityProvider.RawToken(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid }, TestIdentityProvider.Claims(), Sign(attacker));
        Assert.True(token.Length <= Gateway.Auth.OAuth2.OAuth2Defaults.MaxTokenLength, "the token must get past the size check");
        var before = _backend.Count;
        var fetchesBefore = fixture.Idp.JwksFetches;

        using var response = await SendAsync("/api/reports/a", token);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("etc/passwd", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("OR 1=1", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
        // A fetch the kid could cause happens while the token is validated, before the answer.
        Assert.Equal(0, listener.Connections);
        Assert.InRange(fixture.Idp.JwksFetches, fetchesBefore, fetchesBefore + 1);
    }

    /// <summary>
    /// A token signed by the provider's own key but naming a key id the provider does not publish:
    /// 401, nothing forwarded. Only the key its <c>kid</c> names may verify it (as in Envoy); the
    /// unknown id may cause one (rate-limited) JWKS fetch, nothing else.
    /// </summary>
    [Theory]
    [InlineData("unpublished-kid")]
    [InlineData("trusted-kid-then-nul")]
    [InlineData("trusted-kid-upper-case")]
    public async Task TrustedKey_NamedByAnotherKid_Is401_NeverForwarded(string name)
    {
        var kid = name switch
        {
            "unpublished-kid" => "not-published-" + Guid.NewGuid().ToString("N"),
            "trusted-kid-then-nul" => fixture.Key.Kid + "\u0000",
            "trusted-kid-upper-case" => fixture.Key.Kid.ToUpperInvariant(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        Assert.NotEqual(fixture.Key.Kid, kid);
        var token = TestIdentityProvider.RawToken(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid }, TestIdentityProvider.Claims(), Sign(fixture.Key));
        var before = _backend.Count;
        var fetchesBefore = fixture.Idp.JwksFetches;

        using var response = await SendAsync("/api/reports/a", token);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the token is signed with an unknown key", detail);
        Assert.Equal(before, _backend.Count);
        Assert.InRange(fixture.Idp.JwksFetches, fetchesBefore, fetchesBefore + 1);
    }

    /// <summary>A token without a <c>kid</c> is checked with every published key, so one the provider signed passes.</summary>
    [Fact]
    public async Task TrustedKey_WithoutKid_IsAccepted()
    {
        var token = TestIdentityProvider.RawToken(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" }, TestIdentityProvider.Claims(), Sign(fixture.Key));
        var before = _backend.Count;

        using var response = await SendAsync("/api/reports/a", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal(TestIdentityProvider.ClientId, _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task WellFormedTokenAtTheSizeLimit_IsAccepted()
    {
        var token = TokenOfLength(fixture.Key, Gateway.Auth.OAuth2.OAuth2Defaults.MaxTokenLength - 1);
        Assert.InRange(token.Length, Gateway.Auth.OAuth2.OAuth2Defaults.MaxTokenLength - 1, Gateway.Auth.OAuth2.OAuth2Defaults.MaxTokenLength);

        using var response = await SendAsync("/api/reports/a", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A valid token of <paramref name="length"/> or one more characters, padded with a claim.</summary>
    private static string TokenOfLength(TestSigningKey key, int length)
    {
        var claims = TestIdentityProvider.Claims();
        claims["padding"] = "";
        var padding = length - TestIdentityProvider.Token(key, claims).Length;
        // Base64url: three bytes of padding more make four characters more.
        claims["padding"] = new string('p', padding * 3 / 4);
        while (TestIdentityProvider.Token(key, claims).Length < length)
        {
            claims["padding"] = claims["padding"]!.GetValue<string>() + "p";
        }
        return TestIdentityProvider.Token(key, claims);
    }

    private static Func<byte[], byte[]> Sign(TestSigningKey key) =>
        input => key.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request);
    }

    private string Build(string name)
    {
        var key = fixture.Key;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Claims(Action<JsonObject> change)
        {
            var claims = TestIdentityProvider.Claims();
            change(claims);
            return claims;
        }
        string Bearer(string token) => "Bearer " + token;
        string Signed(JsonObject claims) => Bearer(TestIdentityProvider.Token(key, claims));
        string WithRawHeader(string header)
        {
            var input = TestSigningKey.B64(Encoding.UTF8.GetBytes(header)) + "." + TestIdentityProvider.B64Json(TestIdentityProvider.Claims());
            return input + "." + TestSigningKey.B64(Sign(key)(Encoding.ASCII.GetBytes(input)));
        }

        switch (name)
        {
            case "expired":
                return Signed(Claims(c => { c["exp"] = now - 3600; c["nbf"] = now - 7200; c["iat"] = now - 7200; }));
            case "not-yet-valid":
                return Signed(Claims(c => { c["nbf"] = now + 3600; c["exp"] = now + 7200; }));
            case "no-exp":
                return Signed(Claims(c => c.Remove("exp")));
            case "wrong-issuer":
                return Signed(Claims(c => c["iss"] = "https://evil.test"));
            case "wrong-audience":
                return Signed(Claims(c => c["aud"] = "https://someone-else.test"));
            case "no-audience":
                return Signed(Claims(c => c.Remove("aud")));
            case "alg-none":
                return Bearer(TestIdentityProvider.RawToken(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = key.Kid }, TestIdentityProvider.Claims()));
            case "hs256-with-public-key":
            {
                // The classic confusion attack: HMAC keyed with the bytes of the published RSA public key.
                var secret = Encoding.ASCII.GetBytes(key.PublicKeyPem());
                return Bearer(TestIdentityProvider.RawToken(
                    new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = key.Kid },
                    TestIdentityProvider.Claims(),
                    input => HMACSHA256.HashData(secret, input)));
            }
            case "rs384-not-allowed":
                return Bearer(TestIdentityProvider.Token(key, TestIdentityProvider.Claims(), algorithm: Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha384));
            case "tampered-payload":
            {
                var parts = TestIdentityProvider.Token(key).Split('.');
                var payload = TestIdentityProvider.Claims("read:reports admin");
                return Bearer($"{parts[0]}.{TestIdentityProvider.B64Json(payload)}.{parts[2]}");
            }
            case "wrong-key-same-kid":
                return Bearer(TestIdentityProvider.Token(TestSigningKey.Create(key.Kid)));
            case "unknown-key-and-kid":
                return Bearer(TestIdentityProvider.Token(TestSigningKey.Create("unknown-" + Guid.NewGuid().ToString("N"))));
            case "no-kid-wrong-key":
            {
                var other = TestSigningKey.Create("x");
                return Bearer(TestIdentityProvider.RawToken(
                    new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" },
                    TestIdentityProvider.Claims(),
                    input => other.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
            }
            case "garbage":
                return "Bearer not-a-token-at-all";
            case "three-garbage-segments":
                return "Bearer e30.!!!.%%%";
            case "empty-bearer":
                return "Bearer ";
            case "huge":
                return "Bearer " + new string('a', 20_000);
            case "well-formed-just-over-the-size-limit":
                return Bearer(TokenOfLength(key, Gateway.Auth.OAuth2.OAuth2Defaults.MaxTokenLength + 1));
            case "two-segments":
            {
                var parts = TestIdentityProvider.Token(key).Split('.');
                return Bearer($"{parts[0]}.{parts[1]}");
            }
            case "four-segments":
                return Bearer(TestIdentityProvider.Token(key) + "." + TestSigningKey.B64("extra"u8.ToArray()));
            case "five-segments":
            {
                // The JWE compact shape, with the signed token's parts where a JWE's would be.
                var parts = TestIdentityProvider.Token(key).Split('.');
                return Bearer($"{parts[0]}.{parts[1]}.{parts[2]}.{parts[1]}.{parts[2]}");
            }
            case "header-is-a-json-array":
                return Bearer(TestIdentityProvider.RawToken(new JsonArray("RS256", key.Kid), TestIdentityProvider.Claims(), Sign(key)));
            case "header-is-not-json":
            {
                var parts = TestIdentityProvider.Token(key).Split('.');
                return Bearer($"{TestSigningKey.B64("alg=RS256;kid=k1"u8.ToArray())}.{parts[1]}.{parts[2]}");
            }
            case "alg-unpaired-surrogate":
                return Bearer(WithRawHeader("{\"alg\":\"\\ud800\",\"typ\":\"JWT\",\"kid\":\"" + key.Kid + "\"}"));
            case "alg-with-trailing-lone-surrogate":
                return Bearer(WithRawHeader("{\"alg\":\"RS256\\udc00\",\"typ\":\"JWT\",\"kid\":\"" + key.Kid + "\"}"));
            case "scp-list-item-with-a-space":
                return Signed(Claims(c => { c.Remove("scope"); c["scp"] = new JsonArray("read:reports admin"); }));
            case "client-id-list":
                return Signed(Claims(c => c["client_id"] = new JsonArray("admin-service", "reporting-service")));
            case "client-id-object":
                return Signed(Claims(c => c["client_id"] = new JsonObject { ["name"] = "reporting-service" }));
            case "azp-list-without-client-id":
                return Signed(Claims(c => { c.Remove("client_id"); c["azp"] = new JsonArray("admin-service"); }));
            case "crit-header":
                return Bearer(WithRawHeader("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + key.Kid + "\",\"crit\":[\"http://example.com/must-check\"],\"http://example.com/must-check\":true}"));
            case "crit-header-3000-chars":
                return Bearer(WithRawHeader("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + key.Kid + "\",\"crit\":[\"http://example.com/must-check\"],\"http://example.com/must-check\":true,\"x-pad\":\"" + new string('a', 3000) + "\"}"));
            case "basic-scheme":
                return "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("user:password"));
            case "control-char-client-id":
                return Signed(Claims(c => c["client_id"] = "evil\r\nX-Client-Id: admin"));
            case "comma-in-client-id":
                return Signed(Claims(c => c["client_id"] = "alice,admin"));
            case "comma-in-client-id-with-clean-azp":
                return Signed(Claims(c => { c["client_id"] = "alice, admin"; c["azp"] = "alice"; }));
            case "comma-in-azp":
                return Signed(Claims(c => { c.Remove("client_id"); c["azp"] = "alice,admin"; }));
            case "comma-in-sub":
                return Signed(Claims(c => { c.Remove("client_id"); c["sub"] = "alice,admin"; }));
            case "space-padded-client-id":
                return Signed(Claims(c => c["client_id"] = "admin "));
            case "newline-in-scope":
                return Signed(Claims(c => c["scope"] = "read:reports\nadmin"));
            case "comma-in-scope":
                return Signed(Claims(c => c["scope"] = "read:reports read:a,admin"));
            case "comma-in-scp-array":
                return Signed(Claims(c => { c.Remove("scope"); c["scp"] = new JsonArray("read:reports", "read:a,admin"); }));
            case "comma-in-scp-string":
                return Signed(Claims(c => { c.Remove("scope"); c["scp"] = "read:reports ,admin"; }));
            case "non-ascii-scope":
                return Signed(Claims(c => c["scope"] = "read:reports caf\u00e9"));
            case "no-client":
                return Signed(Claims(c => { c.Remove("client_id"); c.Remove("sub"); }));
            case "gateway-scope-claim":
                return Signed(Claims(c => { c["scope"] = "write:reports"; c["gw:scope"] = new JsonArray("read:reports"); }));
            case "gateway-claim-in-other-case":
                return Signed(Claims(c => { c["GW:Cert_CN"] = "payments-service"; c["gW:sCoPe"] = "read:reports"; }));
            case "gateway-client-id-claim":
                return Signed(Claims(c => c["gw:client_id"] = "admin"));
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }
}
