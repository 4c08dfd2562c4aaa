using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Each issuer only with its own signing algorithms: the token service signs with
/// <see cref="TokenService.TokenIssuer.Algorithm"/> whatever <c>Auth:OAuth2:Algorithms</c> allows the
/// external provider (a provider restricted to ES256 made every token of the gateway's own refused),
/// and the provider's tokens stay within that list. JwtBearer is given both lists together; this is
/// checked once a token has validated, on the options it validated with.
/// </summary>
internal sealed class IssuerAlgorithms(string? serviceIssuer, IReadOnlyCollection<string> external)
{
    /// <summary>Where the instance rides: <see cref="TokenValidationParameters.PropertyBag"/>.</summary>
    public const string Key = "gateway:issuer-algorithms";

    /// <summary>True when <paramref name="token"/>'s algorithm is one its issuer may sign with.</summary>
    public bool Allows(JsonWebToken token) =>
        serviceIssuer is not null && string.Equals(token.Issuer, serviceIssuer, StringComparison.Ordinal)
            ? string.Equals(token.Alg, TokenService.TokenIssuer.Algorithm, StringComparison.Ordinal)
            : external.Contains(token.Alg, StringComparer.Ordinal);

    /// <summary>The instance <paramref name="parameters"/> carry, if any.</summary>
    public static IssuerAlgorithms? Of(TokenValidationParameters parameters) =>
        parameters.PropertyBag is { } bag && bag.TryGetValue(Key, out var value) ? value as IssuerAlgorithms : null;
}
