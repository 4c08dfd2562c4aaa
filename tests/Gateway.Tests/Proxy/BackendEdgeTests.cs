using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Proxy;

/// <summary>The gateway's own endpoints against routes, and backends that fail after their headers or mid-upload.</summary>
public sealed class BackendEdgeTests
{
    /// <summary>README: /healthz and /readyz are served by the gateway itself, without authentication, on every endpoint.</summary>
    [Fact]
    public async Task Healthz_IsNotShadowedByACatchAllRouteWithOrder()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(backend.Url)
            .Route("all", "/{**rest}", "ApiKey", "read:all")
            .Set("ReverseProxy:Routes:all:Order", -1)
            .ApiKeyClient("c", "sk-1", "read:all");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var healthz = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        using var readyz = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
    }

    /// <summary>A route on the very path of one of the gateway's endpoints made routing ambiguous: a 500 on /healthz.</summary>
    [Theory]
    [InlineData("/healthz", false)]
    [InlineData("/READYZ/", false)]
    [InlineData("/oauth/token", true)]
    [InlineData("/.well-known/jwks.json", true)]
    public void RouteOnAPathTheGatewayServes_IsAConfigError(string path, bool tokenServiceOn)
    {
        var errors = ValidateRouteOn(path, tokenServiceOn);

        var error = Assert.Single(errors);
        Assert.StartsWith("ReverseProxy:Routes:health:Match:Path: is a path the gateway serves itself", error, StringComparison.Ordinal);
    }

    /// <summary>With the token service off, its paths are the operator's to route.</summary>
    [Theory]
    [InlineData("/oauth/token")]
    [InlineData("/.well-known/jwks.json")]
    public void TokenServicePaths_WithTheServiceOff_AreFreeToRoute(string path) =>
        Assert.Empty(ValidateRouteOn(path, tokenServiceOn: false));

    private static IReadOnlyList<string> ValidateRouteOn(string path, bool tokenServiceOn)
    {
        var values = new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:health:ClusterId"] = "c",
            ["ReverseProxy:Routes:health:Match:Path"] = path,
            ["ReverseProxy:Routes:health:Metadata:Auth"] = "None",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
        };
        if (tokenServiceOn)
        {
            values["Auth:TokenService:Enabled"] = "true";
            values["Auth:TokenService:Clients:svc:Secrets:0"] = global::Gateway.Auth.ApiKeys.KeyHash.Format("s3cret-value");
        }
        return global::Gateway.Configuration.GatewayConfigValidator.Validate(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), Path.GetTempPath());
    }

    /// <summary>The backend answers its headers, then nothing within ActivityTimeout: the gateway has sent nothing yet, so 504.</summary>
    [Fact]
    public async Task BackendStallingAfterHeaders_Is504Problem()
    {
        var (app, url) = await LoopbackApp.StartAsync(a => a.Run(async context =>
        {
            context.Response.ContentLength = 100;
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { });
        }));
        await using var _ = app;
        var config = new GatewayConfig(url)
            .Route("slow", "/slow/{**rest}", "None")
            .Set("ReverseProxy:Clusters:backend:HttpRequest", new JsonObject { ["ActivityTimeout"] = "00:00:01" });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/slow/1");

        Assert.Equal("the backend did not answer in time", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout));
    }

    /// <summary>Contract: backend down is 502. With an active health check marking the only destination down.</summary>
    [Fact]
    public async Task BackendDown_WithHealthChecks_Is502()
    {
        var deadBackend = $"http://127.0.0.1:{FreePort.Next()}/";
        var config = new GatewayConfig(deadBackend)
            .Route("p", "/p/{**rest}", "None")
            .Set("ReverseProxy:Clusters:backend:HealthCheck", new JsonObject
            {
                ["Active"] = new JsonObject { ["Enabled"] = true, ["Interval"] = "00:00:01", ["Timeout"] = "00:00:01", ["Path"] = "/health" },
            });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        await Task.Delay(3000);

        using var response = await client.GetAsync("/p/1");
        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task BackendHugeResponseHeaders_Is502Problem()
    {
        var (app, url) = await LoopbackApp.StartAsync(a => a.Run(async context =>
        {
            context.Response.Headers["X-Big"] = new string('a', 100_000);
            await context.Response.WriteAsync("hi");
        }));
        await using var _ = app;
        var config = new GatewayConfig(url).Route("p", "/p/{**rest}", "None");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/p/1");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task BackendClosingMidUpload_Is502Problem(string version)
    {
        var (app, url) = await LoopbackApp.StartAsync(a => a.Run(async context =>
        {
            var buffer = new byte[1024];
            await context.Request.Body.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false);
            context.Abort();
        }));
        await using var _ = app;
        var config = new GatewayConfig(url).Route("p", "/p/{**rest}", "None");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(version: Version.Parse(version));

        using var content = new ByteArrayContent(new byte[8 * 1024 * 1024]);
        using var response = await client.PostAsync("/p/1", content);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task BackendResettingAfterHeaders_Is502Problem(string version)
    {
        var (app, url) = await LoopbackApp.StartAsync(a => a.Run(async context =>
        {
            context.Response.ContentLength = 100;
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await Task.Delay(200);
            context.Abort();
        }));
        await using var _ = app;
        var config = new GatewayConfig(url).Route("p", "/p/{**rest}", "None");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(version: Version.Parse(version));

        using var response = await client.GetAsync("/p/1");
        Assert.Equal("the backend's response broke off", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway));
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("DELETE")]
    public async Task Http2_UnauthenticatedMethods_Get401_AndNothingForwarded(string method)
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(backend.Url)
            .Route("t", "/api/t/{**rest}", "ApiKey", "read:t")
            .ApiKeyClient("c", "sk-1", "read:t");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient(version: HttpVersion.Version20);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/t/1"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, backend.Count);
    }
}
