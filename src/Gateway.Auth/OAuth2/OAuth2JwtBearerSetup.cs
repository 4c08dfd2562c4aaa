using Gateway.Auth.OAuth2.TokenService;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// Builds JwtBearer's options for both OAuth2 schemes from <c>Auth:OAuth2</c> and, when it is on,
/// the built-in token service (whose issuer, audience and public key are trusted as well). Runs
/// again after every config reload. Both sections are read through their factories, not their
/// monitors: on a reload JwtBearer's monitor may rebuild these options before the other monitors
/// have dropped their cached values, which would keep the old issuer and audiences until the next reload.
/// The token service's keys are taken as loaded (no file is read here): when they change, the
/// provider's change token rebuilds these options.
/// </summary>
internal sealed class OAuth2JwtBearerSetup(
    IOptionsFactory<OAuth2Options> oauth2, IOptionsFactory<TokenServiceOptions> tokenService, TokenSigningKeyProvider serviceKeys, JwksKeyManager keys)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options)
    {
    }

    public void Configure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is not (OAuth2Defaults.AuthenticationScheme or OAuth2Defaults.CertificateBoundScheme))
        {
            return;
        }
        var external = oauth2.Create(Options.DefaultName);
        var service = tokenService.Create(Options.DefaultName);

        var issuers = new List<string>();
        var audiences = new List<string>(external.Audiences);
        if (!string.IsNullOrEmpty(external.Issuer))
        {
            issuers.Add(external.Issuer);
        }
        List<SecurityKey>? serviceKeySet = null;
        if (service.Enabled)
        {
            // Null when the key file went bad after validation: the service's tokens then fail (401), nothing else does.
            if (serviceKeys.Loaded(service) is { } loaded)
            {
                // The current key and, until their tokens have expired, the keys it replaced.
                serviceKeySet = [.. loaded.Trusted.Select(trusted => trusted.Key.PublicKey)];
            }
            issuers.Add(service.Issuer);
            audiences.Add(service.Audience);
        }

        // A new cache per options instance: a config reload starts with an empty one.
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new CachingTokenHandler(keys));
        options.MapInboundClaims = false;
        options.IncludeErrorDetails = false;
        options.RefreshOnIssuerKeyNotFound = true;
        options.ConfigurationManager = keys;
        options.EventsType = typeof(OAuth2Events);
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudiences = audiences,
            AudienceValidator = AudienceBinding(service.Enabled ? service : null, external.Audiences),
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = external.ClockSkew,
            RequireSignedTokens = true,
            // Either issuer's algorithms pass here; OAuth2Events holds each issuer to its own (IssuerAlgorithms).
            ValidAlgorithms = service.Enabled ? [.. external.EffectiveAlgorithms.Union([TokenIssuer.Algorithm])] : [.. external.EffectiveAlgorithms],
            PropertyBag = new Dictionary<string, object>
            {
                [IssuerAlgorithms.Key] = new IssuerAlgorithms(service.Enabled ? service.Issuer : null, external.EffectiveAlgorithms),
            },
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = serviceKeySet,
            // A token naming a key is checked with that key only (see TokenSigningKeys).
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolverUsingConfiguration = TokenSigningKeys.Resolve,
            IssuerSigningKeyValidator = IssuerKeyBinding(service.Enabled ? service : null, serviceKeySet),
            NameClaimType = "client_id",
            RoleClaimType = "roles",
        };
    }

    /// <summary>
    /// Each issuer only with its own keys (RFC 8725 3.8): the token service's keys sign only tokens
    /// with the service's issuer, and the provider's keys never do. Otherwise whoever holds one
    /// issuer's key could mint tokens for the other's clients. Keys are told apart by identity, not by
    /// kid: a provider may publish any kid.
    /// </summary>
    internal static IssuerSigningKeyValidator IssuerKeyBinding(TokenServiceOptions? service, IReadOnlyCollection<SecurityKey>? serviceKeys)
    {
        var ownKeys = new HashSet<SecurityKey>(serviceKeys ?? [], ReferenceEqualityComparer.Instance);
        return (key, token, _) => key is not null && token is JsonWebToken jwt && ownKeys.Contains(key) == IsServiceIssued(jwt, service);
    }

    /// <summary>
    /// Each issuer only for its own audiences: the service's tokens carry the service's audience, the
    /// provider's tokens one of <c>Auth:OAuth2</c>'s (a provider token naming only the service's
    /// audience is not meant for the routes). Compared as IdentityModel's own check does.
    /// </summary>
    internal static AudienceValidator AudienceBinding(TokenServiceOptions? service, IReadOnlyCollection<string> externalAudiences) =>
        (audiences, token, _) =>
        {
            if (token is not JsonWebToken jwt)
            {
                return false;
            }
            var serviceIssued = IsServiceIssued(jwt, service);
            foreach (var audience in audiences)
            {
                if (serviceIssued ? SameAudience(audience, service!.Audience) : externalAudiences.Any(accepted => SameAudience(audience, accepted)))
                {
                    return true;
                }
            }
            return false;
        };

    private static bool IsServiceIssued(JsonWebToken jwt, TokenServiceOptions? service) =>
        service is not null && string.Equals(jwt.Issuer, service.Issuer, StringComparison.Ordinal);

    /// <summary>Equal but for one trailing '/', as IdentityModel's own audience check compares (IgnoreTrailingSlashWhenValidatingAudience).</summary>
    private static bool SameAudience(string audience, string accepted) =>
        WithoutTrailingSlash(audience).SequenceEqual(WithoutTrailingSlash(accepted));

    private static ReadOnlySpan<char> WithoutTrailingSlash(string value) => value.EndsWith('/') ? value.AsSpan(0, value.Length - 1) : value;
}
