using System.Diagnostics.CodeAnalysis;

namespace Gateway.Proxy;

/// <summary>
/// A route's authorization policy name encodes its strategy and scopes, so the policy provider can
/// build the policy from the name alone and a config reload needs no policy registration.
/// </summary>
internal static class RoutePolicy
{
    /// <summary>YARP's built-in name for a public route.</summary>
    public const string Anonymous = "Anonymous";

    private const string Prefix = "gw|";

    public static string NameFor(RouteAuth auth) =>
        auth.IsPublic ? Anonymous : $"{Prefix}{SchemeFor(auth)}|{string.Join(' ', auth.Scopes)}";

    /// <summary>The authentication scheme: the strategy's, except certificate-bound OAuth2 routes (RFC 8705), which have their own.</summary>
    private static string SchemeFor(RouteAuth auth) =>
        auth.CertificateBound && auth.Strategy == Gateway.Auth.OAuth2.OAuth2Defaults.AuthenticationScheme
            ? Gateway.Auth.OAuth2.OAuth2Defaults.CertificateBoundScheme
            : auth.Strategy;

    public static bool TryParse(string name, [NotNullWhen(true)] out string? scheme, out string[] scopes)
    {
        scheme = null;
        scopes = [];
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = name.AsSpan(Prefix.Length);
        var bar = rest.IndexOf('|');
        if (bar <= 0)
        {
            return false;
        }
        scheme = rest[..bar].ToString();
        scopes = Gateway.Auth.Scopes.ScopeRequirement.Parse(rest[(bar + 1)..].ToString());
        return true;
    }
}
