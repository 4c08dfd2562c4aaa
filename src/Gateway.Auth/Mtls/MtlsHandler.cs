using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Authenticates with the client certificate from the TLS handshake. The chain verdict may come from
/// the cache; the CN allow-list and scopes are read from the current options on every request, so
/// removing a CN from the config refuses the next request even on a connection that stays open.
/// </summary>
internal sealed partial class MtlsHandler(IOptionsMonitor<MtlsOptions> options, ILoggerFactory logger, UrlEncoder encoder, MtlsValidationCache cache)
    : GatewayAuthenticationHandler<MtlsOptions>(options, logger, encoder)
{
    // A certificate cannot be asked for again once the handshake is over: the challenge only names the scheme.
    protected override string Challenge => "Mtls";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.IsHttps)
        {
            return Fail("client certificate authentication needs HTTPS");
        }
        // The certificate from the handshake, never one asked for by renegotiation (DelayCertificate is refused by config).
        var certificate = Context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return Fail("no client certificate presented");
        }

        MtlsValidationResult result;
        try
        {
            var trust = Options.Trust;
            var now = TimeProvider.GetUtcNow();
            // Online revocation can fetch CRLs/OCSP over the network inside the chain build: do that
            // on the thread pool, never on the socket event loop this request runs on.
            result = trust.RevocationMode == System.Security.Cryptography.X509Certificates.X509RevocationMode.Online
                ? await Task.Run(() => cache.Validate(certificate, trust, now))
                : cache.Validate(certificate, trust, now);
        }
        catch (Exception ex) when (MtlsTrust.IsLoadFailure(ex))
        {
            // The files were valid when the config was loaded; they changed or vanished since.
            LogTrustUnavailable(Logger, ex.Message);
            return Fail("client certificate could not be verified");
        }

        if (result.Identity is not { } identity)
        {
            LogRejected(Logger, result.Failure!);
            return Fail(result.Failure!);
        }
        if (!Options.Clients.TryGetValue(identity.CommonName, out var client))
        {
            return Fail($"certificate CN '{identity.CommonName}' is not allowed", StatusCodes.Status403Forbidden);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(identity, client), Scheme.Name));
    }

    private static ClaimsPrincipal CreatePrincipal(MtlsCertificateIdentity certificate, MtlsClientOptions client)
    {
        var identity = GatewayIdentity.Create(MtlsDefaults.AuthenticationScheme, certificate.CommonName, client.Scopes);
        GatewayIdentity.AddClaim(identity, GatewayClaimTypes.CertificateCommonName, certificate.CommonName);
        GatewayIdentity.AddClaim(identity, GatewayClaimTypes.CertificateSha256, certificate.Sha256);
        identity.AddClaims(certificate.CertificateClaims);
        return new ClaimsPrincipal(identity);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Client certificate rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Mtls trust files could not be read: {Error}")]
    private static partial void LogTrustUnavailable(ILogger logger, string error);
}
