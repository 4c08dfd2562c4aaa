using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

internal static class OAuth2TestConfig
{
    /// <summary>Routes every OAuth2 test gateway has: plain, ForwardCredentials, certificate-bound.</summary>
    public static GatewayConfig WithOAuth2Routes(this GatewayConfig config) => config
        .Route("reports", "/api/reports/{**rest}", "OAuth2", "read:reports")
        .Route("forwarding", "/api/forwarding/{**rest}", "OAuth2", "read:reports", new Dictionary<string, string> { ["ForwardCredentials"] = "true" })
        .Route("bound", "/api/bound/{**rest}", "OAuth2", "read:reports", new Dictionary<string, string> { ["CertificateBound"] = "true" });

    /// <summary>Auth:OAuth2 pointing at the test provider's bare JWKS document.</summary>
    public static GatewayConfig WithJwks(this GatewayConfig config, TestIdentityProvider idp) => config
        .Set("Auth:OAuth2:Issuer", TestIdentityProvider.Issuer)
        .Set("Auth:OAuth2:Audience", new JsonArray(TestIdentityProvider.Audience, "https://other-api.test"))
        .Set("Auth:OAuth2:JwksUri", idp.JwksUri.AbsoluteUri);
}
