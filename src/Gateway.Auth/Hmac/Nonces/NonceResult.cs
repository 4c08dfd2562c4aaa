namespace Gateway.Auth.Hmac.Nonces;

internal enum NonceResult
{
    /// <summary>First sighting: the nonce is now recorded and the request may pass.</summary>
    Recorded,

    /// <summary>The nonce was recorded before: a replay.</summary>
    Replayed,

    /// <summary>
    /// The request was signed no later than the store's epoch, set when it started or when Redis was
    /// found wiped: nonces from before then are unknown, so the request could be a replay.
    /// </summary>
    BeforeEpoch,

    /// <summary>
    /// The request was signed no later than the epoch a widening of MaxSkew set: nonces from before then
    /// were kept only for the smaller skew, so the request could be a replay.
    /// </summary>
    BeforeWidening,

    /// <summary>
    /// Signed around a widening of MaxSkew, when nonces were still kept only for the smaller skew, and
    /// older than that skew: its nonce may have expired already, so the request could be a replay.
    /// </summary>
    OlderThanPreviousSkew,
}
