using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

public sealed class MtlsRouteTests(MtlsGatewayFixture fixture) : IClassFixture<MtlsGatewayFixture>
{
    private readonly RecordingBackend _backend = fixture.Backend;
    private readonly MtlsTestPki _pki = fixture.Pki;

    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    private CountingClient Client(X509Certificate2? certificate, string version = "1.1") =>
        new(fixture.Gateway.BaseAddress, certificate, Version.Parse(version));

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ListedCn_IsForwarded_WithTheVerifiedCertificateIdentity(string version)
    {
        var before = _backend.Count;
        using var client = Client(_pki.Payment, version);

        using var response = await client.Http.GetAsync("/internal/tx/42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(before + 1, _backend.Count);
        var seen = _backend.Last;
        Assert.Equal("/internal/tx/42", seen.Target);
        Assert.Equal(MtlsTestPki.PaymentCn, seen.Header("X-Client-CN"));
        Assert.Equal(MtlsTestPki.PaymentCn, seen.Header("X-Client-Id"));
        Assert.Equal("SUCCESS", seen.Header("X-Client-Verify"));
        Assert.Equal(TestCertificates.Sha256Hex(_pki.Payment), seen.Header("X-Client-Cert-Sha256"));
        Assert.Equal("Mtls", seen.Header("X-Auth-Method"));
        Assert.Equal("read:transactions", seen.Header("X-Client-Scopes"));
        Assert.False(seen.HasHeader("Client-Cert"));
    }

    [Fact]
    public async Task UnlistedCn_FromTheTrustedCa_Gets403_AndIsNotForwarded()
    {
        var before = _backend.Count;
        using var client = Client(_pki.Unlisted);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("not allowed", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task ListedCn_WithoutTheRoutesScope_Gets403_AndIsNotForwarded()
    {
        var before = _backend.Count;
        using var client = Client(_pki.Order);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("read:transactions", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    public static TheoryData<string> Refused => new()
    {
        "other-ca", "expired", "not-yet-valid", "no-client-auth-eku", "self-signed", "cn-control-character",
        "cn-newline", "cn-comma", "cn-leading-space", "cn-trailing-space", "two-cns", "no-cn",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task UnacceptableCertificate_Gets401_AndIsNeverForwarded(string kind)
    {
        using var certificate = Make(kind);
        var before = _backend.Count;
        using var client = Client(certificate);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Mtls", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("\n", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    private X509Certificate2 Make(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        return kind switch
        {
            "other-ca" => TestCertificates.IssueClient(_pki.OtherCa, MtlsTestPki.PaymentCn),
            "expired" => TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn, now.AddDays(-10), now.AddDays(-1)),
            "not-yet-valid" => TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn, now.AddDays(1), now.AddDays(10)),
            "no-client-auth-eku" => TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn, clientAuthEku: false),
            "self-signed" => TestCertificates.SelfSignedClient(MtlsTestPki.PaymentCn),
            "cn-control-character" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddCommonName(MtlsTestPki.PaymentCn + "\u0001"))),
            "cn-newline" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddCommonName(MtlsTestPki.PaymentCn + "\r\nX-Client-Id: admin"))),
            "cn-comma" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddCommonName("payment-service,O=evil"))),
            // A header parser strips these spaces: forwarded, the backend would see a listed client's CN.
            "cn-leading-space" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddCommonName(" " + MtlsTestPki.PaymentCn))),
            "cn-trailing-space" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddCommonName(MtlsTestPki.PaymentCn + " "))),
            "two-cns" => TestCertificates.IssueClient(_pki.Ca, Subject(b =>
            {
                b.AddCommonName(MtlsTestPki.PaymentCn);
                b.AddCommonName(MtlsTestPki.UnlistedCn);
            })),
            "no-cn" => TestCertificates.IssueClient(_pki.Ca, Subject(b => b.AddOrganizationName(MtlsTestPki.PaymentCn))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static X500DistinguishedName Subject(Action<X500DistinguishedNameBuilder> build)
    {
        var builder = new X500DistinguishedNameBuilder();
        build(builder);
        return builder.Build();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task NoCertificate_Gets401_AndIsNotForwarded(string version)
    {
        var before = _backend.Count;
        using var client = Client(null, version);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("no client certificate presented", detail);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task PlainHttp_OnAnMtlsRoute_Gets401_AndIsNotForwarded()
    {
        var before = _backend.Count;
        using var client = new CountingClient(fixture.Gateway.HttpAddress!);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("HTTPS", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SameConnectionWithoutCertificate_StillGets200_OnAnApiKeyRoute(string version)
    {
        using var client = Client(null, version);
        var before = _backend.Count;

        using (var refused = await client.Http.GetAsync("/internal/tx/1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var request = client.Get("/api/transactions/7");
        request.Headers.Add("X-API-Key", MtlsGatewayFixture.ApiKey);
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(1, client.Connections);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal("payment-service", _backend.Last.Header("X-Client-Id"));
        Assert.False(_backend.Last.HasHeader("X-Client-CN"));
        Assert.False(_backend.Last.HasHeader("X-Client-Verify"));
    }

    [Fact]
    public async Task ApiKeyRoute_WithAClientCertificateOnTheConnection_IgnoresTheCertificate()
    {
        using var client = Client(_pki.Payment);
        var before = _backend.Count;
        using var request = client.Get("/api/transactions/8");
        request.Headers.Add("X-API-Key", MtlsGatewayFixture.ApiKey);

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal("ApiKey", _backend.Last.Header("X-Auth-Method"));
        Assert.False(_backend.Last.HasHeader("X-Client-CN"));
        Assert.False(_backend.Last.HasHeader("X-Client-Cert-Sha256"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ClientSentIdentityHeaders_OnAnMtlsRoute_AreReplacedByTheGatewaysValues(string version)
    {
        using var client = Client(_pki.Payment, version);
        var before = _backend.Count;
        using var request = client.Get("/internal/tx/9");
        foreach (var name in new[] { "X-Client-CN", "x-client-cn", "X-Client-Verify", "X-Client-Cert-Sha256", "X-Client-Id", "Client-Cert", "X-Forwarded-Client-Cert", "X_Client_CN", "X-Client_Cert-Sha256", "Client_Cert" })
        {
            request.Headers.TryAddWithoutValidation(name, "evil");
        }
        request.Headers.TryAddWithoutValidation("X-Client-Verify", "FAILED");
        request.Headers.TryAddWithoutValidation("X_Client_Verify", "FAILED");

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(before + 1, _backend.Count);
        var seen = _backend.Last;
        Assert.Equal(MtlsTestPki.PaymentCn, seen.Header("X-Client-CN"));
        Assert.Equal("SUCCESS", seen.Header("X-Client-Verify"));
        Assert.Equal(TestCertificates.Sha256Hex(_pki.Payment), seen.Header("X-Client-Cert-Sha256"));
        Assert.Equal(MtlsTestPki.PaymentCn, seen.Header("X-Client-Id"));
        Assert.DoesNotContain(seen.Headers, h => h.Value is "evil" or "FAILED");
        Assert.False(seen.HasHeader("Client-Cert"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ForwardCertificate_SendsTheRfc9440ClientCertHeader(string version)
    {
        using var client = Client(_pki.Order, version);
        var before = _backend.Count;
        using var request = client.Get("/internal-fwd/x");
        request.Headers.TryAddWithoutValidation("Client-Cert", ":ZXZpbA==:");

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(before + 1, _backend.Count);
        var value = _backend.Last.Header("Client-Cert");
        Assert.NotNull(value);
        Assert.StartsWith(":", value, StringComparison.Ordinal);
        Assert.EndsWith(":", value, StringComparison.Ordinal);
        Assert.Equal(_pki.Order.RawData, Convert.FromBase64String(value[1..^1]));
        Assert.Equal("read:orders write:orders", _backend.Last.Header("X-Client-Scopes"));
    }

    [Fact]
    public async Task ValidatedCertificate_IsServedFromTheCache_OnLaterConnections()
    {
        var cache = (Gateway.Auth.Mtls.MtlsValidationCache)fixture.Gateway.Services.GetService(typeof(Gateway.Auth.Mtls.MtlsValidationCache))!;
        using var certificate = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var before = _backend.Count;
        var cached = cache.Count;

        for (var i = 0; i < 3; i++)
        {
            using var client = Client(certificate);
            using var response = await client.Http.GetAsync("/internal/tx/c");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 3, _backend.Count);
        Assert.Equal(cached + 1, cache.Count);
    }
}
