using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// The body limits of a request about to be forwarded, first in the proxy pipeline, one pass for both:
/// <list type="bullet">
/// <item>gRPC: YARP 2.3 lifts Kestrel's body size limit and minimum data rate for any HTTP/2 (or 3)
/// request whose <c>Content-Type</c> is <c>application/grpc</c>, when it forwards the body over HTTP/2.
/// The client picks the content type, so unless the route sets <c>GrpcStreaming</c> the limits are
/// pinned (<see cref="PinnedBodyLimitsFeature"/>); otherwise a client could buy an unlimited body, or a
/// backend connection held open by a trickle.</item>
/// <item>Announced length: a <c>Content-Length</c> over the limit that holds for the request
/// (Kestrel's, <c>Kestrel:Limits:MaxRequestBodySize</c>, or on Hmac routes <c>MaxBodyBytes</c>) is
/// answered 413 before anything is forwarded, as nginx answers from <c>client_max_body_size</c>.
/// Without it YARP opens the backend request, sends the head, and resets it when Kestrel refuses the
/// body, so the backend sees the start of a request the gateway refused. A body without a length is
/// still cut by Kestrel as it streams. Requests whose limits YARP may lift (gRPC-typed on a
/// <c>GrpcStreaming</c> route; the test is the broad one, so a content type YARP does not lift is
/// exempted too and cut by Kestrel as it streams) pass on.</item>
/// </list>
/// </summary>
internal static class RequestBodyLimits
{
    /// <summary>The prefix YARP's <c>ProtocolHelper.IsGrpcContentType</c> requires, in any case, before it parses the rest.</summary>
    private const string GrpcContentTypePrefix = "application/grpc";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var grpcTyped = MayBeLiftedByYarp(context.Request);
        var streams = grpcTyped && context.GetEndpoint()?.Metadata.GetMetadata<RouteAuth>() is { GrpcStreaming: true };
        if (grpcTyped && !streams)
        {
            PinnedBodyLimitsFeature.Install(context.Features);
        }
        if (!streams
            && context.Request.ContentLength is { } announced
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
            && announced > limit)
        {
            // The answer goes out before the body.
            RefusedBody.LetClientFinish(context);
            return ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemResponse.BodyTooLarge(limit));
        }
        return next(context);
    }

    /// <summary>A superset of YARP's test, so that it holds whatever YARP makes of the rest of the content type.</summary>
    private static bool MayBeLiftedByYarp(HttpRequest request) =>
        (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))
        && request.ContentType is { } contentType
        && contentType.StartsWith(GrpcContentTypePrefix, StringComparison.OrdinalIgnoreCase)
        && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false;
}
