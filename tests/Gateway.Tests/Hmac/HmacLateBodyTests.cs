using System.Diagnostics;
using Gateway.Client;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// The timestamp window holds when the nonce is recorded, after the body was read, not only when the
/// headers arrived. Otherwise a captured request replayed with its body paced out past the original
/// nonce's lifetime (2 x MaxSkew + 60 s; a body of ≈ 87 KB at Kestrel's minimum rate under the default
/// 5-minute window) would be recorded as new and forwarded a second time.
/// </summary>
public sealed class HmacLateBodyTests : IAsyncLifetime
{
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(3);

    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(
            HmacTestClient.Config(_backend, redis: null)
                .Set("Auth:Hmac:MaxSkew", "00:00:01")
                .Set("Auth:Hmac:BodyReadTimeout", "00:00:30")
                .Set("Kestrel:Limits:MinRequestBodyDataRate", null));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task BodyFinishedAfterTheWindowClosed_Is401_AndNotForwarded()
    {
        var answer = await SendInTwoPartsAsync("/api/orders/late", pause: Late);

        Assert.Equal(401, RawHttp.StatusCode(answer));
        Assert.Contains("timestamp outside the allowed window", answer, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task BodyFinishedInsideTheWindow_IsForwarded()
    {
        var answer = await SendInTwoPartsAsync("/api/orders/prompt", pause: TimeSpan.Zero);

        Assert.Equal(200, RawHttp.StatusCode(answer));
        Assert.Equal("/api/orders/prompt", Assert.Single(_backend.Requests).Target);
    }

    /// <summary>A signed POST: its headers and half its body, then after <paramref name="pause"/> the rest.</summary>
    private async Task<string> SendInTwoPartsAsync(string target, TimeSpan pause)
    {
        var body = new byte[2000];
        Array.Fill(body, (byte)'x');
        var timestamp = (await HmacTestClient.NowEarlyInASecondAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = HmacSigningHandler.NewNonce();
        var signature = HmacTestClient.Sign(HmacTestClient.Secret, "POST", target, timestamp, nonce, body);
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseAddress);
        await connection.WriteAsync(
            $"POST {target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n"
            + $"X-API-Key: {HmacTestClient.KeyId}\r\nX-Timestamp: {timestamp}\r\nX-Nonce: {nonce}\r\nX-Signature: {signature}\r\n\r\n"
            + new string('x', body.Length / 2));
        var sent = Stopwatch.StartNew();
        if (pause > TimeSpan.Zero)
        {
            // The scenario itself: the rest of the body comes late.
            await Task.Delay(pause);
        }
        await connection.WriteAsync(new string('x', body.Length - (body.Length / 2)));
        var answer = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.True(pause > TimeSpan.Zero || sent.Elapsed < TimeSpan.FromSeconds(1), "the prompt case took too long to stay inside a 1 s window");
        return answer;
    }
}
