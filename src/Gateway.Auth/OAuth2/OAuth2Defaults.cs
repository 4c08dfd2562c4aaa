namespace Gateway.Auth.OAuth2;

public static class OAuth2Defaults
{
    public const string AuthenticationScheme = "OAuth2";

    /// <summary>
    /// The scheme of <c>Auth: OAuth2</c> routes with <c>"CertificateBound": "true"</c>: the same
    /// validation, plus the RFC 8705 §3 check that the token is bound to the client certificate.
    /// </summary>
    public const string CertificateBoundScheme = "OAuth2Bound";

    public const string ConfigSection = "Auth:OAuth2";

    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultRefreshCooldown = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultFetchTimeout = TimeSpan.FromSeconds(5);
    public const int DefaultMaxJwksBytes = 512 * 1024;

    /// <summary>Longer bearer tokens are refused before parsing (real access tokens are a few KB).</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>The asymmetric JWS algorithms <c>Algorithms</c> may list; <c>none</c> and HMAC are never accepted.</summary>
    public static readonly IReadOnlySet<string> SupportedAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };
}
