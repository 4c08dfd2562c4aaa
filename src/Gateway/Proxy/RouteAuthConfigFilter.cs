using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy;

/// <summary>
/// Gives every YARP route the authorization policy its <c>Metadata:Auth</c> names. A route whose
/// metadata does not parse is refused here too, so no route can become public by accident even if
/// config validation were bypassed.
/// </summary>
internal sealed class RouteAuthConfigFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => new(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        return new(route with { AuthorizationPolicy = RoutePolicy.NameFor(RouteAuth.Of(route)) });
    }
}
