namespace Gateway.Auth.Mtls;

public static class MtlsDefaults
{
    public const string AuthenticationScheme = "Mtls";
    public const string ConfigSection = "Auth:Mtls";

    /// <summary>The client-authentication extended key usage (id-kp-clientAuth).</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>At most this many validated certificates are remembered (as the framework's handler does).</summary>
    public const int ValidationCacheSize = 1024;

    /// <summary>A validated certificate is re-checked after this long (or when it expires, if sooner).</summary>
    public static readonly TimeSpan ValidationCacheExpiration = TimeSpan.FromMinutes(2);
}
