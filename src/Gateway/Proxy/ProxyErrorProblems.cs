using Gateway.Auth.Problems;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>Turns YARP's bare 502/504 answers into problem+json, without saying more about the backend than its status.</summary>
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
        var detail = error.Error switch
        {
            ForwarderError.RequestTimedOut => "the backend did not answer in time",
            ForwarderError.NoAvailableDestinations => "no backend is available for this route",
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => "the request was canceled",
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination => "the request body could not be forwarded",
            _ => "the backend could not be reached",
        };
        if (status < 400)
        {
            status = StatusCodes.Status502BadGateway;
        }
        await ProblemResponse.WriteAsync(context, status, detail);
    }
}
