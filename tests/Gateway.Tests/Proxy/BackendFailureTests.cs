using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

public sealed class BackendFailureTests
{
    [Fact]
    public async Task BackendDown_Is502Problem_ButAnUnauthenticatedRequestStillGets401()
    {
        var deadBackend = $"http://127.0.0.1:{FreePort.Next()}/";
        var config = new GatewayConfig(deadBackend)
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .ApiKeyClient("payment-service", "sk-live-1", "read:transactions");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var anonymous = await client.GetAsync("/api/transactions/1");
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/1");
        request.Headers.Add("X-API-Key", "sk-live-1");
        using var authenticated = await client.SendAsync(request);
        var detail = await ProblemAssert.IsProblemAsync(authenticated, HttpStatusCode.BadGateway);
        Assert.DoesNotContain("127.0.0.1", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendTimingOut_Is504Problem()
    {
        await using var backend = await RecordingBackend.StartAsync();
        backend.Delay = TimeSpan.FromSeconds(5);
        var config = new GatewayConfig(backend.Url)
            .Route("slow", "/slow/{**rest}", "None")
            .Set("ReverseProxy:Clusters:backend:HttpRequest", new JsonObject { ["ActivityTimeout"] = "00:00:01" });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/slow/1");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
    }
}
