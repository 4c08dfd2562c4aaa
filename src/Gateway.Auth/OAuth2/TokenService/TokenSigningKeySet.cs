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
    /// <paramref name="incoming"/> trusted alongside the current keys (replacing an older entry for the
    /// same key, retiring or not). Still signs with <see cref="Signing"/>; no other key's time changes.
    /// </summary>
    public TokenSigningKeySet Trusting(TokenSigningKey incoming)
    {
        var trusted = ImmutableArray.CreateBuilder<TrustedTokenSigningKey>(Trusted.Length + 1);
        trusted.Add(new TrustedTokenSigningKey(incoming, null));
        foreach (var key in Trusted)
        {
            if (key.Key.KeyId != incoming.KeyId)
            {
                trusted.Add(key);
            }
        }
        return this with { Trusted = trusted.ToImmutable() };
    }

    /// <summary><paramref name="key"/>, if trusted without end, retires at <paramref name="retireAt"/>.</summary>
    public TokenSigningKeySet Retiring(TokenSigningKey key, DateTimeOffset retireAt) =>
        this with { Trusted = [.. Trusted.Select(t => t.Key.KeyId == key.KeyId && t.RetireAt is null ? t with { RetireAt = retireAt } : t)] };

    public TokenSigningKeySet WithoutRetired(DateTimeOffset now) =>
        this with { Trusted = Trusted.RemoveAll(key => key.RetireAt <= now) };
}
