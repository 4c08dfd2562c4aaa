using Gateway.Auth.ApiKeys;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy;

/// <summary>
/// Adds the gateway's header transforms to every route, public ones included: the removal of untrusted
/// headers before the route's own transforms, the identity headers after them. YARP appends its default
/// <c>X-Forwarded-*</c> transforms after all of these.
/// </summary>
internal sealed class IdentityTransformProvider(IOptionsMonitor<ApiKeyOptions> apiKeyOptions) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var auth = RouteAuth.Of(context.Route);
        context.RequestTransforms.Insert(0, UntrustedHeadersTransform.Instance);
        context.RequestTransforms.Add(new IdentityHeadersTransform(auth, apiKeyOptions));
    }
}
