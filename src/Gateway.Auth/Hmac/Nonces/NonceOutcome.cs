namespace Gateway.Auth.Hmac.Nonces;

/// <summary>What <see cref="INonceStore.TryRecordAsync"/> found for one request.</summary>
/// <param name="Result">Whether the request may pass, and if not, why.</param>
/// <param name="WidenedFromSeconds">
/// When this very call raised the store's skew to the caller's MaxSkew, the largest skew it had before
/// (in seconds); otherwise null. A widening is reported once, by the call that made it, whichever
/// instance that was.
/// </param>
internal readonly record struct NonceOutcome(NonceResult Result, long? WidenedFromSeconds = null);
