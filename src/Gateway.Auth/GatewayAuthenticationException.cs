namespace Gateway.Auth;

/// <summary>
/// The failure a strategy reports from authentication. <see cref="StatusCode"/> is what the client
/// receives (401 unless the strategy knows better: 403 for a certificate CN that is not allowed, 413
/// for an oversized signed body, 503 when the nonce store is down). <see cref="Exception.Message"/>
/// becomes the problem detail, so it must never contain a secret.
/// </summary>
public sealed class GatewayAuthenticationException : Exception
{
    public GatewayAuthenticationException(string detail, int statusCode = 401)
        : base(detail)
    {
        StatusCode = statusCode;
    }

    public GatewayAuthenticationException()
        : this("authentication failed")
    {
    }

    public GatewayAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 401;
    }

    public int StatusCode { get; }
}
