using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>Makes the token service's access tokens: RS256 JWTs (RFC 9068 shape) for one client.</summary>
internal static class TokenIssuer
{
    /// <summary>What the token service signs with, whatever <c>Auth:OAuth2:Algorithms</c> allows an external provider.</summary>
    public const string Algorithm = SecurityAlgorithms.RsaSha256;

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Issue(TokenServiceOptions options, TokenSigningKey key, string clientId, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["client_id"] = clientId,
            ["sub"] = clientId,
            ["jti"] = Base64UrlRandom(),
        };
        if (scopes.Count > 0)
        {
            claims["scope"] = string.Join(' ', scopes);
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + options.TokenLifetime).UtcDateTime,
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.PrivateKey, Algorithm),
        };
        return Handler.CreateToken(descriptor);
    }

    private static string Base64UrlRandom() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
