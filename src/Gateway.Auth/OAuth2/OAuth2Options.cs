using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.OAuth2;

/// <summary>Bound from <c>Auth:OAuth2</c>: which tokens an <c>Auth: OAuth2</c> route accepts, and where their keys come from.</summary>
public sealed class OAuth2Options
{
    /// <summary>The required <c>iss</c>. With <see cref="Authority"/> it may be left out: the discovery document's issuer is used.</summary>
    public string? Issuer { get; set; }

    /// <summary>Accepted <c>aud</c> values (config <c>Audience</c>: one string or a list).</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>A bare JWKS document.</summary>
    public Uri? JwksUri { get; set; }

    /// <summary>An OIDC issuer: keys come from its <c>/.well-known/openid-configuration</c>.</summary>
    public Uri? Authority { get; set; }

    public List<string> Algorithms { get; set; } = [];

    public TimeSpan ClockSkew { get; set; } = OAuth2Defaults.DefaultClockSkew;

    /// <summary>How often the keys are fetched again, even when every token names a known key.</summary>
    public TimeSpan RefreshInterval { get; set; } = OAuth2Defaults.DefaultRefreshInterval;

    /// <summary>The least time between two fetches caused by tokens naming unknown keys.</summary>
    public TimeSpan RefreshCooldown { get; set; } = OAuth2Defaults.DefaultRefreshCooldown;

    public TimeSpan FetchTimeout { get; set; } = OAuth2Defaults.DefaultFetchTimeout;

    public int MaxJwksBytes { get; set; } = OAuth2Defaults.DefaultMaxJwksBytes;

    /// <summary>Refuse tokens without <c>nbf</c> (off by default: Auth0, Okta and Keycloak access tokens carry none; when present it is always checked).</summary>
    public bool RequireNotBefore { get; set; }

    /// <summary>The algorithms to accept: the configured list, or RS256.</summary>
    internal IReadOnlyList<string> EffectiveAlgorithms => Algorithms.Count > 0 ? Algorithms : ["RS256"];

    /// <summary>The URL the keys come from (JWKS or discovery), or null when no external provider is configured.</summary>
    internal Uri? KeySource => JwksUri ?? Authority;

    /// <summary><c>Audience</c> is one string or an array; the binder cannot bind both shapes to one property.</summary>
    internal static List<string> ReadAudiences(IConfigurationSection audience)
    {
        if (!string.IsNullOrEmpty(audience.Value))
        {
            return [audience.Value];
        }
        var list = new List<string>();
        foreach (var child in audience.GetChildren())
        {
            if (!string.IsNullOrEmpty(child.Value))
            {
                list.Add(child.Value);
            }
        }
        return list;
    }
}
