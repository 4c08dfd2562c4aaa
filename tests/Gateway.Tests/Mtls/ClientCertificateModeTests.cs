using System.Net;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>
/// The <c>Kestrel</c> section's <c>ClientCertificateMode</c>, on an endpoint or for all of them
/// (<c>EndpointDefaults</c>), wins over the gateway's ask-but-do-not-require default.
/// </summary>
public sealed class ClientCertificateModeTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private RecordingBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordingBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _pki.Dispose();
    }

    /// <summary>The gateway's own default overwrote EndpointDefaults: a client without a certificate was served.</summary>
    [Theory]
    [InlineData("Kestrel:EndpointDefaults:ClientCertificateMode")]
    [InlineData("Kestrel:Endpoints:Https:ClientCertificateMode")]
    public async Task RequireCertificate_RefusesTheHandshakeWithoutACertificate_AndServesOneWithIt(string key)
    {
        var config = MtlsGatewayFixture.Config(_backend.Url, _pki)
            .Route("public", "/public/{**rest}", "None")
            .Set(key, "RequireCertificate");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var anonymous = gateway.CreateClient();
        using var withCertificate = gateway.CreateClient(_pki.Payment);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/public/x"));
        using var served = await withCertificate.GetAsync("/public/y");

        Assert.True(refused.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.ResponseEnded || refused.InnerException is AuthenticationException or IOException, refused.ToString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("/public/y", Assert.Single(_backend.Requests).Target);
    }
}
