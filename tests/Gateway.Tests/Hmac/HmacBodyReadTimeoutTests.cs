using System.Diagnostics;
using System.Net;
using Gateway.Client;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// <c>Auth:Hmac:BodyReadTimeout</c> against a gateway (memory nonce store) whose Kestrel has no minimum
/// body data rate: a client that sends most of a signed body and then stalls gets 408 once the gateway
/// has waited that long for the next piece, however much it sent before.
/// </summary>
public sealed class HmacBodyReadTimeoutTests : IAsyncLifetime
{
    private const long MaxBodyBytes = 5000;
    private const string BodyReadTimeout = "00:00:01";

    /// <summary>Far above the 1 s timeout, far below what any rate-based cut-off would take.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(
            HmacTestClient.Config(_backend, redis: null, MaxBodyBytes)
                .Set("Auth:Hmac:BodyReadTimeout", BodyReadTimeout)
                .Set("Kestrel:Limits:MinRequestBodyDataRate", null), // Kestrel's own rate check cannot be what answers.
            extraArgs: "--Serilog:MinimumLevel:Override:Gateway.Auth=Information");
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task BodyThatStallsAfterMostOfIt_Is408AfterBodyReadTimeout_AndNotForwarded_AndTheNonceIsNotConsumed()
    {
        var body = new byte[5000];
        Array.Fill(body, (byte)'x');
        var timestamp = HmacTestClient.Now.ToString();
        var nonce = HmacSigningHandler.NewNonce();
        var signature = HmacTestClient.Sign(HmacTestClient.Secret, "POST", "/api/orders/stalled", timestamp, nonce, body);
        var stopwatch = Stopwatch.StartNew();

        // The headers and 4800 of the 5000 bytes at once, then nothing.
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseAddress);
        await connection.WriteAsync(
            $"POST /api/orders/stalled HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n"
            + $"X-API-Key: {HmacTestClient.KeyId}\r\nX-Timestamp: {timestamp}\r\nX-Nonce: {nonce}\r\nX-Signature: {signature}\r\n\r\n"
            + new string('x', 4800));
        var answer = await connection.ReadResponseAsync(AnswerWithin);

        Assert.True(stopwatch.Elapsed < AnswerWithin, $"no answer until the client gave up: {answer}");
        Assert.Equal(408, RawHttp.StatusCode(answer));
        // The connection cannot carry another request (the rest of the body may still come): the
        // answer says so and the gateway closes it at once, not after Kestrel's 5 s drain.
        Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.OrdinalIgnoreCase);
        var afterAnswer = Stopwatch.StartNew();
        var after = await connection.ReadUntilQuietAsync(AnswerWithin, untilFirstResponse: false);
        Assert.True(connection.Closed, $"the connection was still open {AnswerWithin.TotalSeconds} s after the 408: {after}");
        Assert.True(afterAnswer.Elapsed < TimeSpan.FromSeconds(3), $"the connection closed {afterAnswer.Elapsed.TotalSeconds:0.0} s after the 408 (Kestrel's drain is 5 s)");
        Assert.Contains("application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"status\":408", answer, StringComparison.Ordinal);
        Assert.Contains("the request body did not arrive in time", answer, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Count);
        await Wait.UntilAsync(() => _gateway.LogText().Contains("BodyReadTimeout", StringComparison.Ordinal), AnswerWithin, "the timeout is logged naming BodyReadTimeout");

        // The same signed request, sent whole: its nonce was not recorded by the one that timed out.
        using var whole = HmacTestClient.Create("POST", "/api/orders/stalled", body, timestamp, nonce, signature: signature);
        using var response = await _client.SendAsync(whole);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, _backend.Last.Body);
    }

    /// <summary>
    /// The same over HTTP/2, where the stalled body is one stream of a connection: the 408 is that
    /// stream's answer.
    /// </summary>
    [Fact]
    public async Task OverHttp2_BodyThatStallsAfterMostOfIt_Is408AfterBodyReadTimeout_AndNotForwarded_AndTheNonceIsNotConsumed()
    {
        using var client = _gateway.CreateClient(version: HttpVersion.Version20);
        var body = new byte[5000];
        Array.Fill(body, (byte)'x');
        var timestamp = HmacTestClient.Now.ToString();
        var nonce = HmacSigningHandler.NewNonce();
        var signature = HmacTestClient.Sign(HmacTestClient.Secret, "POST", "/api/orders/stalled-h2", timestamp, nonce, body);
        using var stalled = HmacTestClient.Create("POST", "/api/orders/stalled-h2", body, timestamp, nonce, signature: signature);
        // Signed over all 5000 bytes; 4800 of them sent, then nothing.
        stalled.Content = new StallingContent(body[..4800], declared: body.Length) { Headers = { ContentType = stalled.Content!.Headers.ContentType } };
        stalled.Version = HttpVersion.Version20;
        stalled.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var giveUp = new CancellationTokenSource(AnswerWithin);
        var stopwatch = Stopwatch.StartNew();

        HttpResponseMessage response;
        string problem;
        try
        {
            response = await client.SendAsync(stalled, giveUp.Token);
            problem = await response.Content.ReadAsStringAsync(giveUp.Token);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"no answer until the client gave up after {stopwatch.Elapsed.TotalSeconds:0.#} s");
        }
        using var _ = response;

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":408", problem, StringComparison.Ordinal);
        Assert.Contains("the request body did not arrive in time", problem, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Count);
        await Wait.UntilAsync(() => _gateway.LogText().Contains("BodyReadTimeout", StringComparison.Ordinal), AnswerWithin, "the timeout is logged naming BodyReadTimeout");

        // The same signed request, sent whole (the 408 reset only the stalled stream; HttpClient reuses the
        // connection): its nonce was not recorded by the one that timed out.
        using var whole = HmacTestClient.Create("POST", "/api/orders/stalled-h2", body, timestamp, nonce, signature: signature);
        whole.Version = HttpVersion.Version20;
        whole.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var accepted = await client.SendAsync(whole);
        Assert.Equal(HttpVersion.Version20, accepted.Version);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(body, _backend.Last.Body);
    }
}
