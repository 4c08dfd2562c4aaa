namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// The Redis keys of the nonce store. All share the hash tag <c>{gw:hmac}</c> so the script's keys
/// live in one slot on Redis Cluster. The key id is length-prefixed so that no (key id, nonce) pair
/// can collide with another.
/// </summary>
internal static class NonceKeys
{
    public const string Epoch = "{gw:hmac}:epoch";

    /// <summary>
    /// What the nonces recorded since the epoch were kept for: <c>"max guardUntil guardSkew"</c> in seconds
    /// (see <see cref="RedisNonceStore.RecordScript"/>).
    /// </summary>
    public const string Skew = "{gw:hmac}:skew";

    /// <summary>Slack for clock differences between gateway instances and Redis, in nonce lifetimes and the window kept after a widening.</summary>
    public const long ClockAllowanceSeconds = 60;

    public static string For(string keyId, string nonce) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{gw:hmac}}:n:{keyId.Length}:{keyId}:{nonce}");

    /// <summary>
    /// Nonces are kept for twice the skew (a timestamp is valid from skew before to skew after it), plus a
    /// minute for clock differences between instances. The skew is the largest any gateway has recorded
    /// with since the epoch, not the caller's: a gateway with a smaller one must not shorten a lifetime.
    /// In whole seconds: a skew from a <see cref="TimeSpan"/> is at most about 9.2e11 s, so this cannot
    /// overflow, whatever the config held. <see cref="RedisNonceStore.RecordScript"/> computes the same.
    /// </summary>
    public static long LifetimeSeconds(long maxSkewSeconds) => (2 * maxSkewSeconds) + ClockAllowanceSeconds;
}
