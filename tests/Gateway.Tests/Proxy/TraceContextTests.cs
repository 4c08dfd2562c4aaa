using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

/// <summary>
/// W3C trace context passes through the gateway as the client sent it, and the gateway does not
/// invent one: like nginx, it is not a tracing participant unless a tracer is attached (it starts no
/// Activity per request).
/// </summary>
public sealed class TraceContextTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task ClientTraceContext_IsForwardedUnchanged_AndNoneIsInventedWithoutIt()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig(backend.Url).Route("public", "/public/{**rest}", "None"));
        using var client = gateway.CreateClient();

        using var traced = new HttpRequestMessage(HttpMethod.Get, "/public/traced");
        traced.Headers.Add("traceparent", TraceParent);
        traced.Headers.Add("tracestate", "congo=t61rcWkgMzE");
        using (var response = await client.SendAsync(traced))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(TraceParent, backend.Last.Header("traceparent"));
        Assert.Equal("congo=t61rcWkgMzE", backend.Last.Header("tracestate"));

        using (var response = await client.GetAsync("/public/untraced"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.False(backend.Last.HasHeader("traceparent"), "the gateway invented a traceparent: " + backend.Last.Header("traceparent"));
    }
}
