using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// The keys a token's signature may be checked with, as Envoy's jwt_authn picks them: a token that
/// names a key (<c>kid</c>) is checked only with the published key of that id (and with keys
/// published without an id); a token without a <c>kid</c> is checked with every key. IdentityModel's
/// default instead tries every key when the <c>kid</c> matches none, so a token naming a key the
/// provider never published, or has withdrawn under that id, still passed if another key signed it.
/// None found is "signed with an unknown key", which asks for a (rate-limited) JWKS refresh.
/// </summary>
internal static class TokenSigningKeys
{
    /// <summary>For <see cref="TokenValidationParameters.IssuerSigningKeyResolverUsingConfiguration"/>, with <c>TryAllIssuerSigningKeys</c> off.</summary>
    public static IEnumerable<SecurityKey> Resolve(string token, SecurityToken securityToken, string? kid, TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return For(kid, configuration?.SigningKeys, parameters.IssuerSigningKeys);
    }

    /// <summary>The candidates among the provider's keys and the gateway's own, in that order.</summary>
    public static List<SecurityKey> For(string? kid, IEnumerable<SecurityKey>? provider, IEnumerable<SecurityKey>? own)
    {
        var keys = new List<SecurityKey>();
        Add(keys, kid, provider);
        Add(keys, kid, own);
        return keys;
    }

    private static void Add(List<SecurityKey> keys, string? kid, IEnumerable<SecurityKey>? candidates)
    {
        if (candidates is null)
        {
            return;
        }
        foreach (var key in candidates)
        {
            // Exactly, case included, for every kind of key: a key published with a certificate chain
            // (x5c) carries the published kid as its id, not a thumbprint.
            if (string.IsNullOrEmpty(kid) || string.IsNullOrEmpty(key.KeyId) || string.Equals(kid, key.KeyId, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }
    }
}
