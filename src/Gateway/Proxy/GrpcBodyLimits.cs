using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// Keeps Kestrel's request body limits on requests YARP would treat as gRPC streams, unless the route
/// sets <c>GrpcStreaming</c>. YARP 2.3 lifts the body size limit and the minimum data rate for any
/// HTTP/2 (or 3) request whose <c>Content-Type</c> is <c>application/grpc</c>, when it forwards the
/// body over HTTP/2; the client picks the content type, so on any other route a client could buy an
/// unlimited body, or a backend connection held open by a trickle.
/// </summary>
internal static class GrpcBodyLimits
{
    /// <summary>The prefix YARP's <c>ProtocolHelper.IsGrpcContentType</c> requires, in any case, before it parses the rest.</summary>
    private const string GrpcContentTypePrefix = "application/grpc";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (MayBeLiftedByYarp(context.Request) && !StreamsOn(context))
        {
            PinnedBodyLimitsFeature.Install(context.Features);
        }
        return next(context);
    }

    /// <summary>
    /// True when YARP may lift the body limits of this request because its route allows gRPC streams.
    /// The test is the broad one (any <c>application/grpc…</c>), so on such a route a content type YARP
    /// does not lift is exempted from the early 413 too and is cut by Kestrel as it streams instead.
    /// </summary>
    public static bool MayBeLifted(HttpContext context) => MayBeLiftedByYarp(context.Request) && StreamsOn(context);

    private static bool StreamsOn(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteAuth>() is { GrpcStreaming: true };

    /// <summary>A superset of YARP's test, so that it holds whatever YARP makes of the rest of the content type.</summary>
    private static bool MayBeLiftedByYarp(HttpRequest request) =>
        (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))
        && request.ContentType is { } contentType
        && contentType.StartsWith(GrpcContentTypePrefix, StringComparison.OrdinalIgnoreCase)
        && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false;
}
