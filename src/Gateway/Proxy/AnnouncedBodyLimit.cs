using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// Refuses, before anything is forwarded, a request whose <c>Content-Length</c> is over the body limit
/// that holds for it (Kestrel's, <c>Kestrel:Limits:MaxRequestBodySize</c>, or on Hmac routes
/// <c>MaxBodyBytes</c>): 413, as nginx answers from <c>client_max_body_size</c>. Without it YARP opens
/// the backend request, sends the head, and resets it when Kestrel refuses the body, so the backend
/// sees the start of a request the gateway refused. A body without a length is still cut by Kestrel
/// as it streams. Requests on routes whose gRPC streams YARP may free from the limit pass on.
/// </summary>
internal static class AnnouncedBodyLimit
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength is { } announced
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
            && announced > limit
            && !GrpcBodyLimits.MayBeLifted(context))
        {
            // The answer goes out before the body.
            RefusedBody.LetClientFinish(context);
            return ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemResponse.BodyTooLarge(limit));
        }
        return next(context);
    }
}
