namespace Gateway.Proxy;

/// <summary>
/// Headers a proxy sets and backends trust, so a client must not supply them. Removed on every route
/// before any other transform, in any case, <c>_</c> for <c>-</c> (<see cref="HeaderName"/>):
/// <list type="bullet">
/// <item><c>Forwarded</c> (RFC 7239, which Spring prefers to <c>X-Forwarded-*</c>), <c>X-Real-IP</c>,
/// <c>True-Client-IP</c>, <c>Client-IP</c>: the client address that IP allowlists and rate limits go by.</item>
/// <item><c>X-Forwarded-Port</c>, <c>-Server</c>, <c>-Ssl</c>, <c>-Scheme</c>, <c>-Path</c>: what backends build
/// absolute URLs and redirects from.</item>
/// <item><c>X-Original-URL</c>, <c>X-Rewrite-URL</c>: IIS and older Symfony and Zend route by them, so the backend
/// would serve another path than the one the gateway routed and authorized.</item>
/// <item><c>X-HTTP-Method-Override</c>, <c>X-HTTP-Method</c>, <c>X-Method-Override</c>: ASP.NET Core, Express and
/// Laravel run the named method instead of the one the gateway routed, authorized and (Hmac) verified.</item>
/// </list>
/// YARP's <c>X-Forwarded-For</c>, <c>-Proto</c>, <c>-Host</c> and <c>-Prefix</c> are not listed: its default
/// transform replaces the client's copies, and a route that configures them differently means it.
/// </summary>
internal static class UntrustedHeaders
{
    private static readonly string[] Names =
    [
        "Forwarded", "X-Real-IP", "True-Client-IP", "Client-IP",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Path",
        "X-Original-URL", "X-Rewrite-URL",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
    ];

    public static bool IsUntrusted(string name)
    {
        foreach (var untrusted in Names)
        {
            if (HeaderName.Matches(name, untrusted))
            {
                return true;
            }
        }
        return false;
    }
}
