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
/// <para>
/// An entry can also hold the identity the gateway's events accepted (gateway claims added, every
/// per-token check passed: <see cref="RememberAccepted"/>), which lets <see cref="OAuth2Handler"/>
/// answer a repeated token without running JwtBearer at all (<see cref="TryGetAccepted"/>); the same
/// key-set and lifetime rules apply to it.
/// </para>
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
            // As spans from now: ValidTo + ClockSkew overflows for a token valid until 9999-12-31.
            var remaining = jwt.ValidTo - now.UtcDateTime + validationParameters.ClockSkew;
            var lifetime = now + (remaining < MaxEntryLifetime ? remaining : MaxEntryLifetime);
            if (lifetime > now)
            {
                // The caller gets the identity validation built; the cache keeps a copy nobody else sees.
                _cache.Set(token!, new CachedToken(jwt, identity.Clone(), generation),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = lifetime });
            }
        }
        return result;
    }

    /// <summary>
    /// Keeps a copy of <paramref name="identity"/>, accepted by the gateway's events for
    /// <paramref name="token"/>, on the token's entry: only if the entry exists and was validated
    /// against the current key set (an entry that is already stale can never serve one).
    /// </summary>
    internal void RememberAccepted(string token, ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (_cache.TryGetValue(token, out CachedToken? entry) && entry!.Generation == _keys.Generation)
        {
            entry.Accepted = identity.Clone();
        }
    }

    /// <summary>
    /// A copy of the identity accepted before for <paramref name="token"/>, when its entry is still
    /// current (same key set) and the token is inside its lifetime now; otherwise false, and the
    /// caller validates the token the full way.
    /// </summary>
    internal bool TryGetAccepted(string token, TimeSpan clockSkew, out JsonWebToken jwt, out ClaimsIdentity identity)
    {
        if (_cache.TryGetValue(token, out CachedToken? entry) && entry!.Generation == _keys.Generation
            && entry.Accepted is { } accepted && entry.IsCurrent(_time.GetUtcNow().UtcDateTime, clockSkew))
        {
            jwt = entry.Token;
            identity = accepted.Clone();
            return true;
        }
        jwt = null!;
        identity = null!;
        return false;
    }

    public void Dispose() => _cache.Dispose();

    private sealed class CachedToken(JsonWebToken token, ClaimsIdentity identity, long generation)
    {
        private ClaimsIdentity? _accepted;

        public long Generation => generation;

        public JsonWebToken Token => token;

        /// <summary>The identity after the gateway's events accepted it; never handed out itself, only copies.</summary>
        public ClaimsIdentity? Accepted
        {
            get => Volatile.Read(ref _accepted);
            set => Volatile.Write(ref _accepted, value);
        }

        public bool IsCurrent(DateTime now, TimeSpan clockSkew) => LifetimeFailure(now, clockSkew) is null;

        /// <summary>The lifetime checks of IdentityModel's Validators.ValidateLifetime, against <paramref name="now"/>.</summary>
        public TokenValidationResult Result(DateTime now, TimeSpan clockSkew) =>
            LifetimeFailure(now, clockSkew) is { } failure
                ? Failed(failure)
                : new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = token,
                    ClaimsIdentity = identity.Clone(),
                    Issuer = token.Issuer,
                    TokenType = token.Typ,
                };

        private Exception? LifetimeFailure(DateTime now, TimeSpan clockSkew)
        {
            if (token.ValidTo < now - clockSkew)
            {
                return new SecurityTokenExpiredException("the token has expired") { Expires = token.ValidTo };
            }
            if (token.ValidFrom != DateTime.MinValue && token.ValidFrom > now + clockSkew)
            {
                return new SecurityTokenNotYetValidException("the token is not valid yet") { NotBefore = token.ValidFrom };
            }
            return null;
        }

        private static TokenValidationResult Failed(Exception exception) => new() { IsValid = false, Exception = exception };
    }
}
