using System.Security.Claims;

namespace Gateway.Auth;

/// <summary>
/// Builds the gateway claims every strategy puts on the principal it authenticates:
/// <see cref="GatewayClaimTypes.ClientId"/>, <see cref="GatewayClaimTypes.AuthMethod"/> and one
/// <see cref="GatewayClaimTypes.Scope"/> per scope. The claims are made with the identity as their
/// subject, so the identity keeps them as they are instead of cloning each one.
/// </summary>
internal static class GatewayIdentity
{
    /// <summary>A new identity of <paramref name="authMethod"/> for <paramref name="clientId"/>, named by the client id.</summary>
    public static ClaimsIdentity Create(string authMethod, string clientId, IReadOnlyList<string> scopes)
    {
        var identity = new ClaimsIdentity(authMethod, GatewayClaimTypes.ClientId, null);
        AddClaims(identity, authMethod, clientId, scopes);
        return identity;
    }

    /// <summary>Adds the gateway claims to an identity the strategy already has (the validated token's). <paramref name="scopes"/> hold each scope once (the strategies' client indexes and OAuth2Claims see to it).</summary>
    public static void AddClaims(ClaimsIdentity identity, string authMethod, string clientId, IReadOnlyList<string> scopes)
    {
        AddClaim(identity, GatewayClaimTypes.ClientId, clientId);
        AddClaim(identity, GatewayClaimTypes.AuthMethod, authMethod);
        for (var i = 0; i < scopes.Count; i++)
        {
            AddClaim(identity, GatewayClaimTypes.Scope, scopes[i]);
        }
    }

    /// <summary>Adds one string claim issued by the gateway.</summary>
    public static void AddClaim(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
}
