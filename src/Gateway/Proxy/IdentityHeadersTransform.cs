using System.Security.Claims;
using System.Text;
using Gateway.Auth;
using Gateway.Auth.ApiKeys;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy;

/// <summary>
/// Runs on every route after YARP has copied the client's headers: removes every identity header the
/// client sent (any case, any number of copies) and the route's credentials, then sets the identity
/// the gateway verified. Strategies only put claims on the principal; this is the one place that
/// turns claims into headers.
/// </summary>
internal sealed class IdentityHeadersTransform(RouteAuth auth, IOptionsMonitor<ApiKeyOptions> apiKeyOptions) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.ProxyRequest;
        ProxyRequestHeaders.RemoveMatching(request, IdentityHeaders.IsReserved);
        RemoveCredentials(request);

        if (!auth.IsPublic)
        {
            AddIdentity(context, context.HttpContext.User);
            if (auth.ForwardCertificate)
            {
                AddCertificate(context);
            }
        }
        return ValueTask.CompletedTask;
    }

    private void RemoveCredentials(HttpRequestMessage request)
    {
        switch (auth.Strategy)
        {
            case ApiKeyDefaults.AuthenticationScheme:
                request.Headers.Remove(apiKeyOptions.Get(ApiKeyDefaults.AuthenticationScheme).Header);
                break;
            case Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme when !auth.ForwardCredentials:
                request.Headers.Authorization = null;
                break;
            case Gateway.Auth.Hmac.HmacDefaults.AuthenticationScheme when !auth.ForwardCredentials:
                // The backend gets the verified key id as X-Client-Id; the signing headers are for the gateway only.
                foreach (var header in Gateway.Auth.Hmac.HmacDefaults.Headers)
                {
                    request.Headers.Remove(header);
                }
                break;
        }
    }

    private static void AddIdentity(RequestTransformContext context, ClaimsPrincipal user)
    {
        StringBuilder? scopes = null;
        string? certificateCn = null;
        foreach (var claim in user.Claims)
        {
            switch (claim.Type)
            {
                case GatewayClaimTypes.ClientId:
                    Add(context, IdentityHeaders.ClientId, claim.Value);
                    break;
                case GatewayClaimTypes.AuthMethod:
                    Add(context, IdentityHeaders.AuthMethod, claim.Value);
                    break;
                case GatewayClaimTypes.Scope:
                    scopes = scopes is null ? new StringBuilder(claim.Value) : scopes.Append(' ').Append(claim.Value);
                    break;
                case GatewayClaimTypes.CertificateCommonName:
                    certificateCn = claim.Value;
                    Add(context, IdentityHeaders.ClientCN, claim.Value);
                    break;
                case GatewayClaimTypes.CertificateSha256:
                    Add(context, IdentityHeaders.ClientCertSha256, claim.Value);
                    break;
            }
        }
        Add(context, IdentityHeaders.ClientScopes, scopes?.ToString() ?? string.Empty);
        if (certificateCn is not null)
        {
            Add(context, IdentityHeaders.ClientVerify, "SUCCESS");
        }
    }

    /// <summary>RFC 9440 <c>Client-Cert</c>: the verified certificate's DER as a structured-field byte sequence.</summary>
    private static void AddCertificate(RequestTransformContext context)
    {
        var certificate = context.HttpContext.Connection.ClientCertificate;
        if (certificate is not null && context.HttpContext.User.HasClaim(c => c.Type == GatewayClaimTypes.CertificateSha256))
        {
            Add(context, IdentityHeaders.ClientCert, $":{Convert.ToBase64String(certificate.RawDataMemory.Span)}:");
        }
    }

    private static void Add(RequestTransformContext context, string name, string value)
    {
        // Strategies refuse unsafe values already; this keeps a bad claim from ever becoming a header.
        if (HeaderValue.IsPrintableAscii(value))
        {
            context.ProxyRequest.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
