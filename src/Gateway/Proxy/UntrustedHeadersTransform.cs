using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy;

/// <summary>
/// First on every route: removes every client-sent <see cref="UntrustedHeaders"/> header, so that what
/// reaches the backend under those names comes from the route's own transforms, which run after it.
/// </summary>
internal sealed class UntrustedHeadersTransform : RequestTransform
{
    public static readonly UntrustedHeadersTransform Instance = new();

    private UntrustedHeadersTransform()
    {
    }

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ProxyRequestHeaders.RemoveMatching(context.ProxyRequest, UntrustedHeaders.IsUntrusted);
        return ValueTask.CompletedTask;
    }
}
