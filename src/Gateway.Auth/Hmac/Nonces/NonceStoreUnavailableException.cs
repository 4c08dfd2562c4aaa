namespace Gateway.Auth.Hmac.Nonces;

/// <summary>The nonce store could not record a nonce (unreachable, timed out, out of memory, read-only).</summary>
public sealed class NonceStoreUnavailableException : Exception
{
    public NonceStoreUnavailableException()
    {
    }

    public NonceStoreUnavailableException(string message)
        : base(message)
    {
    }

    public NonceStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
