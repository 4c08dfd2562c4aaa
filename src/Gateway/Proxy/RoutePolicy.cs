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
        auth.IsPublic ? Anonymous : $"{Prefix}{auth.Strategy}|{string.Join(' ', auth.Scopes)}";

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
