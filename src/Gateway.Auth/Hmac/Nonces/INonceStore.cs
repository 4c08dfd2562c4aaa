namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Remembers the nonces of verified requests for as long as their timestamps can stay valid.
/// Implementations record atomically: of any number of concurrent calls with the same key id and
/// nonce, exactly one gets <see cref="NonceResult.Recorded"/>; and each widening of the store's skew
/// is reported by the one call that made it (<see cref="NonceOutcome.WidenedFromSeconds"/>).
/// </summary>
internal interface INonceStore
{
    /// <summary>
    /// Records <paramref name="nonce"/> for <paramref name="keyId"/>, unless it was seen before or
    /// <paramref name="timestamp"/> predates what the store can vouch for. <paramref name="maxSkewSeconds"/>
    /// is the window the caller checked the timestamp against, in whole seconds.
    /// </summary>
    /// <exception cref="NonceStoreUnavailableException">The store cannot answer; the request must not pass.</exception>
    ValueTask<NonceOutcome> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken);
}
