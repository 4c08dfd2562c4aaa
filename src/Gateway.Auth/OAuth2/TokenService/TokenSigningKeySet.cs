using System.Collections.Immutable;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// The token service's keys at one moment: the one that signs, and every key routes trust, newest
/// first. During a rotation the new key is trusted before it signs, so that no token exists that
/// the routes would refuse.
/// </summary>
internal sealed record TokenSigningKeySet(TokenSigningKey Signing, ImmutableArray<TrustedTokenSigningKey> Trusted)
{
    public static TokenSigningKeySet Single(TokenSigningKey key) => new(key, [new TrustedTokenSigningKey(key, null)]);

    /// <summary>True when some replaced key's tokens have all expired by <paramref name="now"/>.</summary>
    public bool HasRetired(DateTimeOffset now)
    {
        foreach (var trusted in Trusted)
        {
            if (trusted.RetireAt <= now)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <paramref name="incoming"/> trusted alongside the current keys; the keys it replaces retire
    /// at <paramref name="retireAt"/> (those already retiring keep their time). Still signs with <see cref="Signing"/>.
    /// </summary>
    public TokenSigningKeySet Trusting(TokenSigningKey incoming, DateTimeOffset retireAt, DateTimeOffset now)
    {
        var trusted = ImmutableArray.CreateBuilder<TrustedTokenSigningKey>(Trusted.Length + 1);
        trusted.Add(new TrustedTokenSigningKey(incoming, null));
        foreach (var key in Trusted)
        {
            if (key.Key.KeyId != incoming.KeyId && !(key.RetireAt <= now))
            {
                trusted.Add(key.RetireAt is null ? key with { RetireAt = retireAt } : key);
            }
        }
        return this with { Trusted = trusted.ToImmutable() };
    }

    public TokenSigningKeySet WithoutRetired(DateTimeOffset now) =>
        this with { Trusted = Trusted.RemoveAll(key => key.RetireAt <= now) };
}
