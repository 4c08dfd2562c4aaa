using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>RevocationMode Offline with a CRL file, and self-signed certificates allowed by thumbprint.</summary>
public sealed class MtlsTrustOptionsTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private readonly X509Certificate2 _revoked;
    private readonly X509Certificate2 _selfSignedAllowed = TestCertificates.SelfSignedClient("device-7.production.internal");
    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public MtlsTrustOptionsTests()
    {
        _revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
    }

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        var crlPath = Path.Combine(_pki.Directory, "ca.crl.pem");
        await File.WriteAllTextAsync(crlPath, PemEncoding.WriteString("X509 CRL", Crl(_pki.Ca, DateTimeOffset.UtcNow.AddDays(7), _revoked)));
        var thumbprint = string.Join(':', Convert.ToHexString(SHA256.HashData(_selfSignedAllowed.RawData)).Chunk(2).Select(c => new string(c)));
        var config = MtlsGatewayFixture.Config(_backend.Url, _pki)
            .Set("Auth:Mtls:RevocationMode", "Offline")
            .Set("Auth:Mtls:CrlFile", crlPath)
            .Set("Auth:Mtls:AllowedSelfSigned", new JsonArray(thumbprint))
            .Set("Auth:Mtls:Clients:device-7.production.internal", new JsonObject { ["Scopes"] = new JsonArray("read:transactions") });
        _gateway = await GatewayHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        _pki.Dispose();
    }

    internal static byte[] Crl(X509Certificate2 ca, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-1));
        }
        return builder.Build(ca, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task RevokedCertificate_Gets401_AndIsNotForwarded()
    {
        using var client = new CountingClient(_gateway.BaseAddress, _revoked);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("client certificate has been revoked", detail);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task CertificateNotOnTheCrl_IsForwarded()
    {
        using var client = new CountingClient(_gateway.BaseAddress, _pki.Payment);

        using var response = await client.Http.GetAsync("/internal/tx/2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
    }

    [Fact]
    public async Task SelfSignedCertificate_ListedByThumbprint_IsAccepted_OthersAreNot()
    {
        using var allowed = new CountingClient(_gateway.BaseAddress, _selfSignedAllowed);
        using var other = TestCertificates.SelfSignedClient("device-7.production.internal");
        using var refusedClient = new CountingClient(_gateway.BaseAddress, other);

        using var response = await allowed.Http.GetAsync("/internal/tx/3");
        using var refused = await refusedClient.Http.GetAsync("/internal/tx/4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("device-7.production.internal", _backend.Last.Header("X-Client-CN"));
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Equal(1, _backend.Count);
    }
}
