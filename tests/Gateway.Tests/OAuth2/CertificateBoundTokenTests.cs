using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>RFC 8705 §3 over real TLS: a route with <c>"CertificateBound": "true"</c> needs the certificate the token's <c>cnf</c> names.</summary>
public sealed class CertificateBoundTokenTests(OAuth2GatewayFixture fixture) : IClassFixture<OAuth2GatewayFixture>, IDisposable
{
    private static readonly X509Certificate2 Ca = TestCertificates.CreateCa("Bound Test CA");
    private readonly X509Certificate2 _bound = TestCertificates.IssueClient(Ca, "reporting-service.internal");
    private readonly X509Certificate2 _other = TestCertificates.IssueClient(Ca, "other-service.internal");
    private readonly RecordingBackend _backend = fixture.Backend;

    [Fact]
    public async Task MatchingCertificate_Is200_WithIdentity()
    {
        using var client = fixture.Gateway.CreateClient(_bound);
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", BoundToken(_bound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal(TestIdentityProvider.ClientId, _backend.Last.Header("X-Client-Id"));
        Assert.False(_backend.Last.HasHeader("Authorization"));
    }

    [Fact]
    public async Task MatchingCertificate_OverHttp2_Is200()
    {
        using var client = fixture.Gateway.CreateClient(_bound, HttpVersion.Version20);

        using var response = await SendAsync(client, "/api/bound/x", BoundToken(_bound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task DifferentCertificate_Is401_InvalidToken_NotForwarded()
    {
        using var client = fixture.Gateway.CreateClient(_other);
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", BoundToken(_bound));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the token is bound to a different certificate", detail);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task TokenAcceptedBefore_IsStillCheckedAgainstEachConnectionsCertificate()
    {
        using var bound = fixture.Gateway.CreateClient(_bound);
        using var other = fixture.Gateway.CreateClient(_other);
        using var none = fixture.Gateway.CreateClient();
        var token = BoundToken(_bound);
        using (var response = await SendAsync(bound, "/api/bound/x", token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var before = _backend.Count;

        using (var response = await SendAsync(other, "/api/bound/x", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var response = await SendAsync(none, "/api/bound/x", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, _backend.Count);
        using (var response = await SendAsync(bound, "/api/bound/x", token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task NoCertificate_Is401_InvalidToken_NotForwarded()
    {
        using var client = fixture.Gateway.CreateClient();
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", BoundToken(_bound));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("this route requires the client certificate the token is bound to", detail);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task UnboundToken_Is401_OnABoundRoute_EvenWithACertificate()
    {
        using var client = fixture.Gateway.CreateClient(_bound);
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", TestIdentityProvider.Token(fixture.Key));

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the token is not bound to a certificate (no cnf x5t#S256)", detail);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task ThumbprintWithAnUnpairedSurrogate_Is401_NotA500()
    {
        // Signed by the provider; reading the string threw (500) where JSON errors were caught.
        var payload = TestIdentityProvider.Claims().ToJsonString().TrimEnd('}') + ",\"cnf\":{\"x5t#S256\":\"\\ud800\"}}";
        var input = TestSigningKey.B64(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{fixture.Key.Kid}\"}}"))
            + "." + TestSigningKey.B64(Encoding.UTF8.GetBytes(payload));
        var token = input + "." + TestSigningKey.B64(fixture.Key.Rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var client = fixture.Gateway.CreateClient(_bound);
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", token);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the token is not bound to a certificate (no cnf x5t#S256)", detail);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task BoundToken_StillPasses_AnUnboundRoute_WithoutACertificate()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await SendAsync(client, "/api/reports/x", BoundToken(_bound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BoundRoute_StillChecksScopes_403()
    {
        using var client = fixture.Gateway.CreateClient(_bound);
        var before = _backend.Count;

        using var response = await SendAsync(client, "/api/bound/x", BoundToken(_bound, scope: "write:reports"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"read:reports\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, _backend.Count);
    }

    private string BoundToken(X509Certificate2 certificate, string scope = "read:reports")
    {
        var claims = TestIdentityProvider.Claims(scope);
        claims["cnf"] = new JsonObject { ["x5t#S256"] = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(certificate.RawData)) };
        return TestIdentityProvider.Token(fixture.Key, claims);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    public void Dispose()
    {
        _bound.Dispose();
        _other.Dispose();
    }
}
