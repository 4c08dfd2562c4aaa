namespace Gateway.Proxy;

/// <summary>The headers only the gateway may set, and the rule for recognising client-sent copies.</summary>
internal static class IdentityHeaders
{
    public const string ClientId = "X-Client-Id";
    public const string AuthMethod = "X-Auth-Method";
    public const string ClientScopes = "X-Client-Scopes";
    public const string ClientCN = "X-Client-CN";
    public const string ClientVerify = "X-Client-Verify";
    public const string ClientCertSha256 = "X-Client-Cert-Sha256";
    public const string ClientCert = "Client-Cert";

    /// <summary>
    /// True for any header a client must never supply: <c>X-Client-*</c>, <c>X-Auth-*</c> and the
    /// client-certificate headers, as <see cref="HeaderName"/> compares names (any case, <c>_</c> for <c>-</c>).
    /// </summary>
    public static bool IsReserved(string name) =>
        HeaderName.StartsWith(name, "X-Client-")
        || HeaderName.StartsWith(name, "X-Auth-")
        || HeaderName.Matches(name, "Client-Cert")
        || HeaderName.Matches(name, "Client-Cert-Chain")
        || HeaderName.Matches(name, "X-Forwarded-Client-Cert");
}
