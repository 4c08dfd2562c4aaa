using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Tests.Proxy;

/// <summary>
/// YARP treats an HTTP/2 request with a gRPC content type as a stream and lifts Kestrel's body size
/// limit and minimum data rate before forwarding it to an HTTP/2 backend. The client picks the content
/// type, so the gateway keeps both limits, as <c>Kestrel:Limits</c> configures them, unless the route
/// sets <c>"GrpcStreaming": "true"</c>. Run against a backend reached over cleartext HTTP/2, the only
/// kind of hop on which YARP lifts them.
/// </summary>
public sealed class GrpcBodyLimitTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-grpc-limits";
    private const long KestrelLimit = 1000;
    private const int OverLimit = 5000;

    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        // Cleartext HTTP/2 only (prior knowledge), and no minimum rate of its own, as a gRPC server
        // lifts it for a streaming call: what the backend puts up with is what the gateway lets through.
        _backend = await RecordingBackend.StartAsync(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        var config = new GatewayConfig(_backend.Url)
            .Route("public", "/public/{**rest}", "None")
            .Route("keyed", "/keyed/{**rest}", "ApiKey")
            .Route("streaming", "/streaming/{**rest}", "None", metadata: new Dictionary<string, string> { ["GrpcStreaming"] = "true" })
            .ApiKeyClient("grpc-client", ApiKey, "read:grpc")
            .Set("ReverseProxy:Clusters:backend:HttpRequest", new JsonObject { ["Version"] = "2", ["VersionPolicy"] = "RequestVersionExact" });
        _gateway = await GatewayHost.StartAsync(config
            .Set("Kestrel:Limits:MaxRequestBodySize", KestrelLimit)
            // Kestrel's rate (240 B/s) with a shorter grace than its 5 s, to keep the test short.
            .Set("Kestrel:Limits:MinRequestBodyDataRate", new JsonObject { ["BytesPerSecond"] = 240, ["GracePeriod"] = "00:00:02" }));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    /// <summary>
    /// Only the headers reach the backend (YARP sends them first), then its stream is reset before any of
    /// the body: it never has a complete request to record.
    /// </summary>
    [Theory]
    [InlineData("/public/big", "application/grpc")]
    // YARP 2.3 itself does not take +proto for gRPC (MediaTypeHeaderValue.MatchesMediaType); the gateway does.
    [InlineData("/public/big", "application/grpc+proto")]
    [InlineData("/public/big", "Application/GRPC; charset=utf-8")]
    [InlineData("/keyed/big", "application/grpc")]
    public async Task GrpcTypedBodyOverTheLimit_OnARouteWithoutTheOptIn_Is413_AndNeverReachesTheBackendWhole(string path, string contentType)
    {
        using var client = _gateway.CreateClient();
        using var request = Post(path, new ByteArrayContent(new byte[OverLimit]), contentType);
        request.Headers.Add("X-API-Key", ApiKey);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(_backend.Requests, r => r.Target == path);
    }

    /// <summary>
    /// Kestrel enforces the minimum data rate on HTTP/2 by aborting the whole connection, so the
    /// client sees its request fail rather than a status.
    /// </summary>
    [Fact]
    public async Task GrpcTypedBodyThatStopsArriving_OnARouteWithoutTheOptIn_IsCutOff_AndNeverReachesTheBackendWhole()
    {
        using var client = _gateway.CreateClient();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = Post("/public/slow", new StallingContent(sent: 10, declared: 100), "application/grpc");
        var stopwatch = Stopwatch.StartNew();

        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.SendAsync(request, giveUp.Token);
            Assert.Fail($"the gateway answered {(int)response.StatusCode} to a body that never arrived: {await response.Content.ReadAsStringAsync()}");
        });

        Assert.False(giveUp.IsCancellationRequested, $"the stalled body was still being waited for after {stopwatch.Elapsed.TotalSeconds:0.#} s");
        // Kestrel closes the HTTP/2 connection; HttpClient reports that as a failed request or, when it
        // first cancels the stalled content's copy, as a cancellation (not ours: giveUp was not reached).
        Assert.True(outcome is HttpRequestException or OperationCanceledException, $"expected the request to be cut off, got: {outcome}");
        Assert.DoesNotContain(_backend.Requests, r => r.Target.StartsWith("/public/slow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GrpcTypedBodyOverTheLimit_OnARouteThatOptsIn_IsForwardedWhole()
    {
        using var client = _gateway.CreateClient();
        var body = new byte[OverLimit];
        Random.Shared.NextBytes(body);

        using var response = await client.SendAsync(Post("/streaming/big", new ByteArrayContent(body), "application/grpc"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(_backend.Requests, r => r.Target == "/streaming/big").Body);
    }

    [Theory]
    [InlineData("2.0", "application/json")]
    [InlineData("1.1", "application/grpc")]
    [InlineData("1.1", "application/json")]
    public async Task OtherRequests_KeepTheLimit_AndWithinIt_AreForwarded(string version, string contentType)
    {
        using var client = _gateway.CreateClient();
        var body = new byte[KestrelLimit];
        Random.Shared.NextBytes(body);

        using (var response = await client.SendAsync(Post($"/public/within/{version}", new ByteArrayContent(body), contentType, Version.Parse(version))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await client.SendAsync(Post($"/public/over/{version}", new ByteArrayContent(new byte[OverLimit]), contentType, Version.Parse(version))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal(body, Assert.Single(_backend.Requests, r => r.Target == $"/public/within/{version}").Body);
        Assert.DoesNotContain(_backend.Requests, r => r.Target == $"/public/over/{version}");
    }

    [Fact]
    public async Task GrpcTypedBodyWithinTheLimit_OnARouteWithoutTheOptIn_IsForwardedWhole()
    {
        using var client = _gateway.CreateClient();
        var body = new byte[KestrelLimit];
        Random.Shared.NextBytes(body);

        using var response = await client.SendAsync(Post("/public/small", new ByteArrayContent(body), "application/grpc"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(_backend.Requests, r => r.Target == "/public/small").Body);
    }

    /// <summary>A POST over exactly <paramref name="version"/> (HTTP/2 unless said otherwise).</summary>
    private static HttpRequestMessage Post(string path, HttpContent content, string contentType, Version? version = null)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}
