using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy;

/// <summary>
/// First on every route: removes every client-sent <see cref="UntrustedHeaders"/> header, so that what
/// reaches the backend under those names comes from the route's own transforms, which run after it.
/// On a route with <c>RequestHeadersCopy: false</c> YARP's transforms read the client's headers from
/// the incoming request instead (an <c>Append</c> would append to the client's value), so they are
/// removed there as well.
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
        if (!context.HeadersCopied)
        {
            ProxyRequestHeaders.RemoveMatching(context.HttpContext.Request.Headers, UntrustedHeaders.IsUntrusted);
        }
        return ValueTask.CompletedTask;
    }
}
