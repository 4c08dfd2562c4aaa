using Gateway.Auth.OAuth2.TokenService;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// With an external provider and the built-in token service both trusted, each issuer only with its
/// own keys, audiences and algorithms (RFC 8725 3.8): the service's keys sign only the service's
/// tokens, for the service's audience, in <see cref="TokenIssuer.Algorithm"/>; the provider's keys
/// never sign for the service's issuer, and its tokens carry one of <c>Auth:OAuth2</c>'s audiences
/// and algorithms. Otherwise whoever holds one issuer's key could mint tokens for the other's clients.
/// JwtBearer is given both issuers' lists together; this holds each token to its own issuer's.
/// </summary>
internal sealed class IssuerBinding
{
    /// <summary>Where the instance rides: <see cref="TokenValidationParameters.PropertyBag"/>.</summary>
    public const string Key = "gateway:issuer-binding";

    private readonly TokenServiceOptions? _service;
    private readonly HashSet<SecurityKey> _serviceKeys;
    private readonly IReadOnlyCollection<string> _externalAudiences;
    private readonly IReadOnlyCollection<string> _externalAlgorithms;

    /// <param name="service">The token service's options when it is on, else null.</param>
    /// <param name="serviceKeys">The service's public keys: told apart by identity, not by kid (a provider may publish any kid).</param>
    public IssuerBinding(TokenServiceOptions? service, IEnumerable<SecurityKey>? serviceKeys, IReadOnlyCollection<string> externalAudiences, IReadOnlyCollection<string> externalAlgorithms)
    {
        _service = service;
        _serviceKeys = new HashSet<SecurityKey>(serviceKeys ?? [], ReferenceEqualityComparer.Instance);
        _externalAudiences = externalAudiences;
        _externalAlgorithms = externalAlgorithms;
    }

    /// <summary>For <see cref="TokenValidationParameters.IssuerSigningKeyValidator"/>.</summary>
    public bool KeyMatches(SecurityKey? key, SecurityToken? token, TokenValidationParameters parameters) =>
        key is not null && token is JsonWebToken jwt && _serviceKeys.Contains(key) == IsServiceIssued(jwt);

    /// <summary>For <see cref="TokenValidationParameters.AudienceValidator"/>; compared as IdentityModel's own check does (one trailing '/' aside).</summary>
    public bool AudienceMatches(IEnumerable<string> audiences, SecurityToken? token, TokenValidationParameters parameters)
    {
        if (token is not JsonWebToken jwt)
        {
            return false;
        }
        var serviceIssued = IsServiceIssued(jwt);
        foreach (var audience in audiences)
        {
            if (serviceIssued ? SameAudience(audience, _service!.Audience) : _externalAudiences.Any(accepted => SameAudience(audience, accepted)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the token's algorithm is one its issuer signs with (checked once the token validated: as a validator, IdentityModel would report a bad signature).</summary>
    public bool AllowsAlgorithm(JsonWebToken token) =>
        IsServiceIssued(token)
            ? string.Equals(token.Alg, TokenIssuer.Algorithm, StringComparison.Ordinal)
            : _externalAlgorithms.Contains(token.Alg, StringComparer.Ordinal);

    /// <summary>The instance <paramref name="parameters"/> carry, if any.</summary>
    public static IssuerBinding? Of(TokenValidationParameters parameters) =>
        parameters.PropertyBag is { } bag && bag.TryGetValue(Key, out var value) ? value as IssuerBinding : null;

    private bool IsServiceIssued(JsonWebToken jwt) =>
        _service is not null && string.Equals(jwt.Issuer, _service.Issuer, StringComparison.Ordinal);

    private static bool SameAudience(string audience, string accepted) =>
        WithoutTrailingSlash(audience).SequenceEqual(WithoutTrailingSlash(accepted));

    private static ReadOnlySpan<char> WithoutTrailingSlash(string value) => value.EndsWith('/') ? value.AsSpan(0, value.Length - 1) : value;
}
