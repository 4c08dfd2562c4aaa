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
    /// client-certificate headers, in any letter case and with <c>_</c> in place of any <c>-</c>:
    /// CGI, WSGI and PHP backends read <c>X_Client_Id</c> and <c>X-Client-Id</c> alike, as
    /// <c>HTTP_X_CLIENT_ID</c>.
    /// </summary>
    public static bool IsReserved(string name) =>
        StartsWithName(name, "X-Client-")
        || StartsWithName(name, "X-Auth-")
        || SameName(name, "Client-Cert")
        || SameName(name, "Client-Cert-Chain")
        || SameName(name, "X-Forwarded-Client-Cert");

    private static bool StartsWithName(ReadOnlySpan<char> name, ReadOnlySpan<char> prefix) =>
        name.Length >= prefix.Length && SameName(name[..prefix.Length], prefix);

    /// <summary>Equal ignoring ASCII case, with <c>_</c> in <paramref name="name"/> matching <c>-</c> in <paramref name="reserved"/>.</summary>
    private static bool SameName(ReadOnlySpan<char> name, ReadOnlySpan<char> reserved)
    {
        if (name.Length != reserved.Length)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i] == '_' ? '-' : name[i];
            if (char.ToLowerInvariant(c) != char.ToLowerInvariant(reserved[i]))
            {
                return false;
            }
        }
        return true;
    }
}
