using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// <see cref="JsonWebTokenHandler"/> that remembers the tokens it has validated (as Envoy's
/// jwt_authn does), so a client reusing its token costs one signature check, not one per request.
/// One instance per JwtBearerOptions instance, so a config reload starts with an empty cache.
/// A hit is used only while the provider's key set is the one the token was validated against
/// (any JWKS change makes every entry stale) and only after checking exp and nbf again against the
/// current time; it hands out a copy of the identity, which the events then add claims to.
/// Only successes are cached, at most <see cref="DefaultMaxEntries"/>, each for at most
/// <see cref="MaxEntryLifetime"/> and never past the token's expiry.
/// </summary>
internal sealed class CachingTokenHandler : JsonWebTokenHandler, IDisposable
{
    public const int DefaultMaxEntries = 10_000;
    public static readonly TimeSpan MaxEntryLifetime = TimeSpan.FromMinutes(5);

    private readonly JwksKeyManager _keys;
    private readonly TimeProvider _time;
    private readonly MemoryCache _cache;

    public CachingTokenHandler(JwksKeyManager keys, int maxEntries = DefaultMaxEntries, TimeProvider? time = null)
    {
        _keys = keys;
        _time = time ?? TimeProvider.System;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries });
        MapInboundClaims = false;
    }

    /// <summary>Tokens cached now (for tests).</summary>
    internal int Count => _cache.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        // Read before validating: if the keys change meanwhile, the entry is stored as already stale.
        var generation = _keys.Generation;
        if (token is not null && _cache.TryGetValue(token, out CachedToken? hit) && hit!.Generation == generation)
        {
            return hit.Result(_time.GetUtcNow().UtcDateTime, validationParameters.ClockSkew);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity
            && jwt.ValidTo != DateTime.MinValue)
        {
            var now = _time.GetUtcNow();
            var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + validationParameters.ClockSkew;
            var lifetime = until - now < MaxEntryLifetime ? until : now + MaxEntryLifetime;
            if (lifetime > now)
            {
                // The caller gets the identity validation built; the cache keeps a copy nobody else sees.
                _cache.Set(token!, new CachedToken(jwt, identity.Clone(), generation),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = lifetime });
            }
        }
        return result;
    }

    public void Dispose() => _cache.Dispose();

    private sealed class CachedToken(JsonWebToken token, ClaimsIdentity identity, long generation)
    {
        public long Generation => generation;

        /// <summary>The lifetime checks of IdentityModel's Validators.ValidateLifetime, against <paramref name="now"/>.</summary>
        public TokenValidationResult Result(DateTime now, TimeSpan clockSkew)
        {
            if (token.ValidTo < now - clockSkew)
            {
                return Failed(new SecurityTokenExpiredException("the token has expired") { Expires = token.ValidTo });
            }
            if (token.ValidFrom != DateTime.MinValue && token.ValidFrom > now + clockSkew)
            {
                return Failed(new SecurityTokenNotYetValidException("the token is not valid yet") { NotBefore = token.ValidFrom });
            }
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = token,
                ClaimsIdentity = identity.Clone(),
                Issuer = token.Issuer,
                TokenType = token.Typ,
            };
        }

        private static TokenValidationResult Failed(Exception exception) => new() { IsValid = false, Exception = exception };
    }
}
