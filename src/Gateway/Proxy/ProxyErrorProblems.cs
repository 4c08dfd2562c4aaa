using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Turns YARP's bare error answers (502/504, and 413 when Kestrel refused the body being forwarded)
/// into problem+json, without saying more about the backend than its status.
/// </summary>
internal static class ProxyErrorProblems
{
    public static async Task WriteOnErrorAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }
        var status = context.Response.StatusCode;
        if (error.Error is ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyDestination
            && IsCancellation(error.Exception) && !context.RequestAborted.IsCancellationRequested)
        {
            // The backend sent its headers and then nothing until the activity timeout cancelled the read:
            // a timeout (504), which YARP reports as 502. Nothing has gone to the client yet.
            status = StatusCodes.Status504GatewayTimeout;
        }
        var detail = Detail(context, status, error.Error);
        if (status < 400)
        {
            status = StatusCodes.Status502BadGateway;
        }
        await ProblemResponse.WriteAsync(context, status, detail);
    }

    private static bool IsCancellation(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    private static string Detail(HttpContext context, int status, ForwarderError error)
    {
        // Kestrel refused the body while YARP forwarded it (Kestrel:Limits:MaxRequestBodySize): worded as the Hmac limit is.
        if (status == StatusCodes.Status413PayloadTooLarge && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit)
        {
            return ProblemResponse.BodyTooLarge(limit);
        }
        return error switch
        {
            ForwarderError.RequestTimedOut => "the backend did not answer in time",
            ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyDestination when status == StatusCodes.Status504GatewayTimeout => "the backend did not answer in time",
            ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyCanceled => "the backend's response broke off",
            ForwarderError.NoAvailableDestinations => "no backend is available for this route",
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => "the request was canceled",
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination => "the request body could not be forwarded",
            _ => "the backend could not be reached",
        };
    }
}
