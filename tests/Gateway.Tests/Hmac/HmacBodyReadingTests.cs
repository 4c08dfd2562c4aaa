using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Client;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// How an Hmac route reads the body it verifies, against a gateway (memory nonce store) whose
/// Kestrel-wide body limit (30 MB by default) is set in <c>Kestrel:Limits</c> far below <c>Auth:Hmac:MaxBodyBytes</c>: the
/// configured value is the one enforced and named; and a client that stops sending gets 408, not 400.
/// </summary>
public sealed class HmacBodyReadingTests : IAsyncLifetime
{
    private const long KestrelLimit = 1000;
    private const long MaxBodyBytes = 5000;

    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(HmacTestClient.Config(_backend, redis: null, MaxBodyBytes)
            .Set("Kestrel:Limits:MaxRequestBodySize", KestrelLimit)
            // Kestrel's rate (240 B/s) with a shorter grace than its 5 s, to keep the test short.
            .Set("Kestrel:Limits:MinRequestBodyDataRate", new JsonObject { ["BytesPerSecond"] = 240, ["GracePeriod"] = "00:00:02" }));
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyAboveKestrelsLimit_ButWithinMaxBodyBytes_IsForwardedByteForByte(bool chunked)
    {
        var body = new byte[3000];
        Random.Shared.NextBytes(body);
        using var request = HmacTestClient.Create("POST", "/api/orders/above-kestrel", body);
        if (chunked)
        {
            request.Content = new StreamContent(new MemoryStream(body));
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
        Assert.Equal(body, _backend.Last.Body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOverMaxBodyBytes_Is413_NamingMaxBodyBytes_AndNotForwarded(bool chunked)
    {
        var body = new byte[MaxBodyBytes + 1000];
        using var request = HmacTestClient.Create("POST", "/api/orders/over", body);
        if (chunked)
        {
            request.Content = new StreamContent(new MemoryStream(body));
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal($"request body larger than {MaxBodyBytes} bytes", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task OtherRoutes_KeepKestrelsLimit()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/1") { Content = new ByteArrayContent(new byte[3000]) };
        request.Headers.Add("X-API-Key", HmacTestClient.ApiKey);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _backend.Count);
    }

    /// <summary>
    /// Kestrel's MinRequestBodyDataRate ends the read with a 408: the client hears that, nothing is
    /// forwarded, and the nonce stays unused.
    /// </summary>
    [Fact]
    public async Task BodyThatStopsArriving_Is408_AndNotForwarded_AndTheNonceIsNotConsumed()
    {
        var body = Encoding.ASCII.GetBytes(new string('x', 100));
        var timestamp = HmacTestClient.Now.ToString();
        var nonce = HmacSigningHandler.NewNonce();
        var signature = HmacTestClient.Sign(HmacTestClient.Secret, "POST", "/api/orders/slow", timestamp, nonce, body);
        var stopwatch = Stopwatch.StartNew();

        // The headers and the first 10 of the 100 bytes, then nothing.
        var answer = await RawHttp.SendAsync(
            _gateway.BaseAddress,
            $"POST /api/orders/slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n"
            + $"X-API-Key: {HmacTestClient.KeyId}\r\nX-Timestamp: {timestamp}\r\nX-Nonce: {nonce}\r\nX-Signature: {signature}\r\n\r\n"
            + Encoding.ASCII.GetString(body, 0, 10),
            quiet: TimeSpan.FromSeconds(10));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"no answer until the client gave up: {answer}");
        Assert.Equal(408, RawHttp.StatusCode(answer));
        Assert.Contains("application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"status\":408", answer, StringComparison.Ordinal);
        Assert.Contains("the request body did not arrive in time", answer, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Count);

        // The same signed request, sent whole: its nonce was not recorded by the one that timed out.
        using var whole = HmacTestClient.Create("POST", "/api/orders/slow", body, timestamp, nonce, signature: signature);
        using var response = await _client.SendAsync(whole);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, _backend.Last.Body);
    }
}
