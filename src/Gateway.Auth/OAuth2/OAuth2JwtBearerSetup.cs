using Gateway.Auth.OAuth2.TokenService;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
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

        var binding = new IssuerBinding(service.Enabled ? service : null, serviceKeySet, external.Audiences, external.EffectiveAlgorithms);

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
            AudienceValidator = binding.AudienceMatches,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = external.ClockSkew,
            RequireSignedTokens = true,
            // Either issuer's algorithms pass here; OAuth2Events holds each issuer to its own (IssuerBinding).
            ValidAlgorithms = service.Enabled ? [.. external.EffectiveAlgorithms.Union([TokenIssuer.Algorithm])] : [.. external.EffectiveAlgorithms],
            PropertyBag = new Dictionary<string, object>
            {
                [IssuerBinding.Key] = binding,
            },
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = serviceKeySet,
            // A token naming a key is checked with that key only (see TokenSigningKeys).
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolverUsingConfiguration = TokenSigningKeys.Resolve,
            IssuerSigningKeyValidator = binding.KeyMatches,
            NameClaimType = "client_id",
            RoleClaimType = "roles",
        };
    }
}
