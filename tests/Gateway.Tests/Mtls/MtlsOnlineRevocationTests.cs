using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Mtls;

/// <summary>
/// RevocationMode Online: the chain build fetches the CRL named in the certificate's distribution
/// point (here a loopback server this test runs), off the socket event loop, and a revoked
/// certificate is refused while a good one passes.
/// </summary>
public sealed class MtlsOnlineRevocationTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private WebApplication _crlServer = null!;
    private int _crlFetches;
    private X509Certificate2 _good = null!;
    private X509Certificate2 _revoked = null!;
    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        byte[] crl = [];
        (_crlServer, var crlServerUrl) = await LoopbackApp.StartAsync(app => app.MapGet("/ca.crl", () =>
        {
            Interlocked.Increment(ref _crlFetches);
            return Results.Bytes(crl, "application/pkix-crl");
        }));
        var crlUrl = crlServerUrl + "ca.crl";

        // A distribution point unique to this run, so no CRL cached on disk by an earlier run is used.
        var distributionPoint = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlUrl]);
        _good = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn, extraExtension: distributionPoint);
        _revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn, extraExtension: distributionPoint);
        crl = MtlsTrustOptionsTests.Crl(_pki.Ca, DateTimeOffset.UtcNow.AddDays(7), _revoked);

        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(MtlsGatewayFixture.Config(_backend.Url, _pki).Set("Auth:Mtls:RevocationMode", "Online"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _crlServer.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task RevokedCertificate_Gets401_GoodOnePasses_AfterTheCrlIsFetched()
    {
        using (var revoked = new CountingClient(_gateway.BaseAddress, _revoked))
        using (var response = await revoked.Http.GetAsync("/internal/tx/1"))
        {
            var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("client certificate has been revoked", detail);
        }
        Assert.Equal(0, _backend.Count);
        Assert.True(Volatile.Read(ref _crlFetches) >= 1, "the gateway fetched the CRL from the distribution point");

        using var good = new CountingClient(_gateway.BaseAddress, _good);
        using var ok = await good.Http.GetAsync("/internal/tx/2");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, _backend.Count);
    }
}
