using Gateway.Auth.ApiKeys;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy;

/// <summary>Adds the identity-header transform to every route, public ones included.</summary>
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
        var auth = RouteAuth.Parse(context.Route.Metadata, out var error)
            ?? throw new InvalidOperationException($"route '{context.Route.RouteId}': {error}");
        context.RequestTransforms.Add(new IdentityHeadersTransform(auth, apiKeyOptions));
    }
}
