namespace Gateway.Auth.OAuth2;

/// <summary>Why a key fetch failed, safe to log (no key material).</summary>
internal sealed class JwksFetchException : Exception
{
    public JwksFetchException(string message)
        : base(message)
    {
    }

    public JwksFetchException()
    {
    }

    public JwksFetchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
