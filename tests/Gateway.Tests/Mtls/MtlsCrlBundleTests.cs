using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>
/// A CRL file that holds more than one CRL from the same CA, as a bundle does when the new CRL is
/// appended to the old: the newest (latest thisUpdate) is the one that counts, wherever it stands in
/// the file, as OpenSSL (and so nginx) chooses.
/// </summary>
public sealed class MtlsCrlBundleTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private RecordingBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordingBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task OlderCrlFirst_NewerOneRevokes_RevokedCertificateGets401_AndIsNotForwarded()
    {
        var revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var older = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddHours(-2), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        var newer = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), revoked);
        await using var gateway = await StartAsync(older, newer);
        using var client = new CountingClient(gateway.BaseAddress, revoked);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("client certificate has been revoked", detail);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task OutOfDateCrlFirst_CurrentOneAfterIt_CertificateNotOnItIsForwarded()
    {
        var stale = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddDays(-8), nextUpdate: DateTimeOffset.UtcNow.AddDays(-1));
        var current = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        await using var gateway = await StartAsync(stale, current);
        using var client = new CountingClient(gateway.BaseAddress, _pki.Payment);

        using var response = await client.Http.GetAsync("/internal/tx/2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
    }

    [Fact]
    public async Task NewerCrlFirst_OlderOneRevokesACertificateTheNewerNoLongerLists_ItIsForwarded()
    {
        // A certificate on hold in the older CRL and released in the newer: the newer CRL decides.
        var released = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var newer = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        var older = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddHours(-2), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), released);
        await using var gateway = await StartAsync(newer, older);
        using var client = new CountingClient(gateway.BaseAddress, released);

        using var response = await client.Http.GetAsync("/internal/tx/3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
    }

    private byte[] Crl(int number, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, thisUpdate.AddMinutes(-1));
        }
        return builder.Build(_pki.Ca, new BigInteger(number), nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    private async Task<GatewayHost> StartAsync(params byte[][] crls)
    {
        var crlPath = Path.Combine(_pki.Directory, "bundle.crl.pem");
        await File.WriteAllTextAsync(crlPath, string.Concat(crls.Select(crl => PemEncoding.WriteString("X509 CRL", crl) + "\n")));
        return await GatewayHost.StartAsync(MtlsGatewayFixture.Config(_backend.Url, _pki)
            .Set("Auth:Mtls:RevocationMode", "Offline")
            .Set("Auth:Mtls:CrlFile", crlPath));
    }
}
