using Gateway.Auth.Configuration;
using Gateway.Hosting;
using Gateway.Proxy;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gateway.Configuration;

/// <summary>
/// Validates a whole configuration: routes and clusters under <c>ReverseProxy</c>, every strategy's
/// <c>Auth:*</c> section, Kestrel's certificates, and, once the app's services exist, YARP's own
/// checks of the routes and clusters. The same check runs at start, on every reload and in
/// <c>validate</c>, so what the verb accepts is exactly what the gateway serves.
/// </summary>
/// <param name="development">True in the Development environment.</param>
internal sealed class GatewayConfigValidator(string baseDirectory, bool development)
{
    private ProxyConfigValidator? _proxy;
    private bool _developmentCertificate;

    /// <summary>YARP's checks need the built app's policies and transforms; until it is attached they are skipped.</summary>
    public void AttachProxyValidator(ProxyConfigValidator proxy) => _proxy = proxy;

    /// <summary>
    /// Kestrel's HTTPS defaults hold the development certificate (Development, with no certificate
    /// configured at start), so an HTTPS endpoint without a certificate of its own is served with it.
    /// </summary>
    public void AttachDevelopmentCertificate() => _developmentCertificate = true;

    public async Task<IReadOnlyList<string>> ValidateAsync(IConfiguration configuration)
    {
        var context = ValidateRules(configuration, baseDirectory);
        KestrelConfigValidator.Validate(context, development, _developmentCertificate);
        if (_proxy is not null)
        {
            await _proxy.ValidateAsync(context);
        }
        return context.Errors;
    }

    /// <summary>The gateway's own rules alone, without YARP's checks.</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration, string baseDirectory) =>
        ValidateRules(configuration, baseDirectory).Errors;

    private static ConfigValidationContext ValidateRules(IConfiguration configuration, string baseDirectory)
    {
        var context = new ConfigValidationContext(configuration, baseDirectory);
        ValidateProxy(context);
        AuthConfigValidator.Validate(context);
        Hosting.LoggingConfigValidator.Validate(context);
        return context;
    }

    private static void ValidateProxy(ConfigValidationContext context)
    {
        var proxy = context.Root.GetSection("ReverseProxy");
        var clusters = proxy.GetSection("Clusters");
        var clusterIds = new HashSet<string>(clusters.GetChildren().Select(c => c.Key), StringComparer.OrdinalIgnoreCase);
        var routes = proxy.GetSection("Routes").GetChildren().ToList();
        if (routes.Count == 0)
        {
            context.Error("ReverseProxy:Routes", "no routes are configured");
        }

        foreach (var route in routes)
        {
            var path = $"ReverseProxy:Routes:{route.Key}";
            var clusterId = route["ClusterId"];
            if (string.IsNullOrWhiteSpace(clusterId))
            {
                context.Error($"{path}:ClusterId", "is missing");
            }
            else if (!clusterIds.Contains(clusterId))
            {
                // Values under ReverseProxy are not quoted: any of them may come from the secrets directory.
                context.Error($"{path}:ClusterId", "names a cluster that is not defined under ReverseProxy:Clusters");
            }

            var matchPath = route["Match:Path"];
            if (matchPath is not null && OwnPaths(context.Root).Any(own => own.TrimEnd('/').Equals(matchPath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
            {
                // Two endpoints on one path: routing cannot choose (a 500), and the gateway's would have to win.
                context.Error($"{path}:Match:Path", "is a path the gateway serves itself (/healthz, /readyz, the token service's); choose another");
            }
            if (string.IsNullOrWhiteSpace(matchPath) && !route.GetSection("Match:Hosts").GetChildren().Any())
            {
                context.Error($"{path}:Match", "needs a Path or Hosts");
            }
            else if (!string.IsNullOrWhiteSpace(matchPath))
            {
                try
                {
                    RoutePatternFactory.Parse(matchPath);
                }
                catch (RoutePatternException ex)
                {
                    context.Error($"{path}:Match:Path", $"is not a valid route pattern: {ex.Message}");
                }
            }

            if (route["AuthorizationPolicy"] is not null)
            {
                context.Error($"{path}:AuthorizationPolicy", "is set by the gateway from Metadata:Auth; remove it");
            }

            ValidateMetadataKeys(context, route, path);
            RouteAuth.Parse(ReadMetadata(route), out var error);
            if (error is not null)
            {
                context.Error(path, error);
            }
        }

        foreach (var cluster in clusters.GetChildren())
        {
            var destinations = cluster.GetSection("Destinations").GetChildren().ToList();
            if (destinations.Count == 0)
            {
                context.Error($"ReverseProxy:Clusters:{cluster.Key}:Destinations", "no destinations are configured");
            }
            foreach (var destination in destinations)
            {
                var address = destination["Address"];
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    // Not quoted: an address can carry credentials (http://user:password@host/) and come from the secrets directory.
                    context.Error($"ReverseProxy:Clusters:{cluster.Key}:Destinations:{destination.Key}:Address", address is null ? "is missing" : "is not an absolute http(s) URL");
                }
            }
        }
    }

    /// <summary>
    /// Metadata is free-form (YARP's), but a key the gateway reads must hold a string (a list under
    /// <c>Scopes</c> was dropped, leaving the route without scopes), and a key that looks meant for the
    /// gateway but is not one it reads (<c>Scope</c>, <c>RequiredScopes</c>, <c>"Scopes "</c>) would
    /// silently protect nothing.
    /// </summary>
    private static void ValidateMetadataKeys(ConfigValidationContext context, IConfigurationSection route, string path)
    {
        foreach (var entry in route.GetSection("Metadata").GetChildren())
        {
            var known = RouteAuth.Keys.FirstOrDefault(key => key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase));
            if (known is not null)
            {
                if (entry.Value is null && entry.GetChildren().Any())
                {
                    context.Error($"{path}:Metadata:{entry.Key}", known == RouteAuth.ScopesKey
                        ? "must be one string of space-separated scopes (e.g. \"read:a write:b\"), not a list"
                        : "must be a string, not a list or object");
                }
                continue;
            }
            var meant = RouteAuth.Keys.FirstOrDefault(key => key.Equals(entry.Key.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? (LikelyMeant.TryGetValue(entry.Key.Trim(), out var guess) ? guess : null);
            if (meant is not null)
            {
                context.Error($"{path}:Metadata:{entry.Key}", $"is not a key the gateway reads; did you mean {meant}?");
            }
        }
    }

    /// <summary>Keys an operator plausibly wrote for one the gateway reads (other keys stay free-form: Authority, ScopeNote...).</summary>
    private static readonly Dictionary<string, string> LikelyMeant = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Scope"] = RouteAuth.ScopesKey,
        ["RequiredScope"] = RouteAuth.ScopesKey,
        ["RequiredScopes"] = RouteAuth.ScopesKey,
        ["AllowedScopes"] = RouteAuth.ScopesKey,
        ["Authentication"] = RouteAuth.AuthKey,
        ["AuthMethod"] = RouteAuth.AuthKey,
        ["AuthType"] = RouteAuth.AuthKey,
        ["AuthScheme"] = RouteAuth.AuthKey,
        ["AuthStrategy"] = RouteAuth.AuthKey,
        ["Strategy"] = RouteAuth.AuthKey,
    };

    /// <summary>The paths the gateway serves itself: the health endpoints, and the token service's when it is on.</summary>
    private static string[] OwnPaths(IConfiguration root)
    {
        var tokenService = root.GetSection(Gateway.Auth.OAuth2.TokenService.TokenServiceDefaults.ConfigSection);
        return bool.TryParse(tokenService["Enabled"], out var enabled) && enabled
            ? [GatewayApp.HealthPath, GatewayApp.ReadyPath, tokenService["Path"] ?? Gateway.Auth.OAuth2.TokenService.TokenServiceDefaults.DefaultPath, Gateway.Auth.OAuth2.TokenService.TokenServiceDefaults.JwksPath]
            : [GatewayApp.HealthPath, GatewayApp.ReadyPath];
    }

    internal static Dictionary<string, string> ReadMetadata(IConfigurationSection route)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in route.GetSection("Metadata").GetChildren())
        {
            if (entry.Value is not null)
            {
                metadata[entry.Key] = entry.Value;
            }
        }
        return metadata;
    }
}
