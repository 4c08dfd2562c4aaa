namespace Gateway.Proxy;

/// <summary>
/// Headers a proxy sets and backends trust, so a client must not supply them. Removed on every route
/// before any other transform, in any case, <c>_</c> for <c>-</c> (<see cref="HeaderName"/>):
/// <list type="bullet">
/// <item><c>Forwarded</c> (RFC 7239, which Spring prefers to <c>X-Forwarded-*</c>), <c>X-Real-IP</c>,
/// <c>True-Client-IP</c>, <c>Client-IP</c>: the client address that IP allowlists and rate limits go by.</item>
/// <item><c>CF-Connecting-IP</c> and <c>CF-Connecting-IPv6</c> (Cloudflare), <c>Fastly-Client-IP</c> (Fastly),
/// <c>X-Cluster-Client-IP</c> (Rack's and Zend's remote-IP helpers): the client address as a CDN or load balancer
/// sets it, which apps read behind one.</item>
/// <item><c>X-Forwarded-Port</c>, <c>-Server</c>, <c>-Ssl</c>, <c>-Scheme</c>, <c>-Path</c>: what backends build
/// absolute URLs and redirects from.</item>
/// <item><c>X-Original-URL</c>, <c>X-Rewrite-URL</c>: IIS and older Symfony and Zend route by them, so the backend
/// would serve another path than the one the gateway routed and authorized.</item>
/// <item><c>X-Original-URI</c> (nginx <c>auth_request</c>), <c>X-Forwarded-Uri</c> and <c>X-Forwarded-Method</c>
/// (Traefik <c>forwardAuth</c>), <c>X-Original-Method</c> (ingress-nginx external auth): the path and method a
/// forward-auth service authorizes, so a backend acting as one would decide on the client's instead of the request's.</item>
/// <item><c>X-HTTP-Method-Override</c>, <c>X-HTTP-Method</c>, <c>X-Method-Override</c>: ASP.NET Core, Express and
/// Laravel run the named method instead of the one the gateway routed, authorized and (Hmac) verified.</item>
/// </list>
/// YARP's own <c>X-Forwarded-For</c>, <c>-Proto</c>, <c>-Host</c> and <c>-Prefix</c> are untrusted only when
/// spelled with a <c>_</c>: its default transform replaces the client's <c>X-Forwarded-For</c> but not its
/// <c>X_Forwarded_For</c>, which CGI-style backends read as the same header. A route that configures the
/// <c>-</c> spellings differently means it.
/// </summary>
internal static class UntrustedHeaders
{
    private static readonly string[] Names =
    [
        "Forwarded", "X-Real-IP", "True-Client-IP", "Client-IP",
        "CF-Connecting-IP", "CF-Connecting-IPv6", "Fastly-Client-IP", "X-Cluster-Client-IP",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Path",
        "X-Original-URL", "X-Rewrite-URL",
        "X-Original-URI", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Original-Method",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
    ];

    private static readonly string[] YarpForwarded = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"];

    // Indexed by name length: this runs for every header of every request, and a name can only match
    // one of the same length, so the cost stays flat however long the lists grow.
    private static readonly string[][] NamesByLength = ByLength(Names);
    private static readonly string[][] YarpForwardedByLength = ByLength(YarpForwarded);

    public static bool IsUntrusted(string name) =>
        MatchesAny(name, NamesByLength)
        || (name.Contains('_', StringComparison.Ordinal) && MatchesAny(name, YarpForwardedByLength));

    private static bool MatchesAny(string name, string[][] byLength)
    {
        if (name.Length >= byLength.Length)
        {
            return false;
        }
        foreach (var candidate in byLength[name.Length])
        {
            if (HeaderName.Matches(name, candidate))
            {
                return true;
            }
        }
        return false;
    }

    private static string[][] ByLength(string[] names)
    {
        var byLength = new string[names.Max(n => n.Length) + 1][];
        for (var length = 0; length < byLength.Length; length++)
        {
            byLength[length] = [.. names.Where(n => n.Length == length)];
        }
        return byLength;
    }
}
