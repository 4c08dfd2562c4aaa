using System.Net;
using System.Text;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.ApiKeys;

public sealed class ApiKeyRouteTests(ApiKeyGatewayFixture fixture) : IClassFixture<ApiKeyGatewayFixture>
{
    private readonly RecordingBackend _backend = fixture.Backend;
    private readonly HttpClient _client = fixture.Gateway.CreateClient();

    [Fact]
    public async Task ValidKeyWithScope_IsForwarded_WithIdentity_AndWithoutTheKey()
    {
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/42?x=1");
        request.Headers.Add("X-API-Key", ApiKeyGatewayFixture.PaymentKey);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
        var seen = _backend.Last;
        Assert.Equal("/api/transactions/42?x=1", seen.Target);
        Assert.Equal("payment-service", seen.Header("X-Client-Id"));
        Assert.Equal("ApiKey", seen.Header("X-Auth-Method"));
        Assert.Equal("read:transactions", seen.Header("X-Client-Scopes"));
        Assert.False(seen.HasHeader("X-API-Key"));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains(ApiKeyGatewayFixture.PaymentKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotatedSecondKey_AlsoAuthenticatesTheSameClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/1");
        request.Headers.Add("X-API-Key", ApiKeyGatewayFixture.PaymentKeyRotated);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("payment-service", _backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task ValidKeyLackingScope_Is403_AndNotForwarded()
    {
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/42");
        request.Headers.Add("X-API-Key", ApiKeyGatewayFixture.TestKey);

        using var response = await _client.SendAsync(request);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("read:transactions", detail, StringComparison.Ordinal);
        Assert.Equal(before, _backend.Count);
    }

    [Theory]
    [InlineData("sk-unknown-0000", "unknown API key")]
    [InlineData("", "X-API-Key")]
    [InlineData(null, "missing X-API-Key header")]
    public async Task UnknownEmptyOrMissingKey_Is401_WithChallenge_AndNotForwarded(string? key, string expectedDetail)
    {
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/42");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
        }

        using var response = await _client.SendAsync(request);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(expectedDetail, detail, StringComparison.Ordinal);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        if (!string.IsNullOrEmpty(key))
        {
            Assert.DoesNotContain(key, detail, StringComparison.Ordinal);
        }
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task TwoKeyHeaders_AreRefused_AndNotForwarded()
    {
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/42");
        request.Headers.TryAddWithoutValidation("X-API-Key", ApiKeyGatewayFixture.PaymentKey);
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-other");

        using var response = await _client.SendAsync(request);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task TenKilobyteKey_Is401_AndNotForwarded()
    {
        var before = _backend.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/42");
        request.Headers.TryAddWithoutValidation("X-API-Key", new string('k', 10 * 1024));

        using var response = await _client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task PublicRoute_NeedsNoKey()
    {
        using var response = await _client.GetAsync("/public/info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/public/info", _backend.Last.Target);
        Assert.False(_backend.Last.HasHeader("X-Client-Id"));
    }

    [Theory]
    [InlineData("/nowhere")]
    [InlineData("/nothing.txt")] // file-like paths too (the default fallback pattern skips them)
    [InlineData("/api/other/report.json")]
    [InlineData("/.env")]
    public async Task UnmatchedPath_Is404Problem(string path)
    {
        var before = _backend.Count;
        using var response = await _client.GetAsync(path);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("no route matches this request", detail);
        Assert.Equal(before, _backend.Count);
    }

    [Fact]
    public async Task Health_AndReadiness_AnswerWithoutAuth()
    {
        using var health = await _client.GetAsync("/healthz");
        using var ready = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task RequestLog_HasOneLinePerRequest_WithRouteClientAndReason_ButNoKeyAndNoQuery()
    {
        using var ok = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/log-ok?access_token=query-secret-123");
        ok.Headers.Add("X-API-Key", ApiKeyGatewayFixture.PaymentKey);
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/log-bad");
        bad.Headers.Add("X-API-Key", "sk-not-a-real-key-123");

        (await _client.SendAsync(ok)).Dispose();
        (await _client.SendAsync(bad)).Dispose();

        await Wait.UntilAsync(() => fixture.Gateway.LogText().Contains("/api/transactions/log-bad", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the request log has the failed request: " + fixture.Gateway.LogText() + " @ " + fixture.Gateway.LogPath + " exists=" + File.Exists(fixture.Gateway.LogPath));
        var log = fixture.Gateway.LogText();
        Assert.Contains("/api/transactions/log-ok 200", log, StringComparison.Ordinal);
        Assert.Matches("log-ok 200 .*route=transactions client=payment-service auth=ApiKey outcome=forwarded", log);
        Assert.Matches("log-bad 401 .*route=transactions client=- auth=- outcome=rejected reason=unknown API key", log);
        Assert.DoesNotContain(ApiKeyGatewayFixture.PaymentKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-not-a-real-key-123", log, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret-123", log, StringComparison.Ordinal);
    }

    /// <summary>Kestrel lets raw control bytes (ESC, BS, DEL) through in an HTTP/1.1 target: the text log gets them percent-encoded.</summary>
    [Theory]
    [InlineData(new byte[] { 0x1b, (byte)'[', (byte)'2', (byte)'K' }, "%1B[2K")]
    [InlineData(new byte[] { 0x08, 0x08, 0x7f }, "%08%08%7F")]
    public async Task RequestLog_ControlBytesInThePath_ArePercentEncoded(byte[] control, string logged)
    {
        var marker = "/public/log-control-" + Guid.NewGuid().ToString("N");
        var answer = await SendRawTargetAsync([.. Encoding.ASCII.GetBytes(marker), .. control, (byte)'x']);
        Assert.Equal(200, RawHttp.StatusCode(answer));

        var line = await LogLineAsync(marker);
        Assert.Contains(marker + logged + "x 200 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => c < 0x20 || c == 0x7f);
    }

    /// <summary>An absolute-form target may carry a password in its userinfo: only the path is logged.</summary>
    [Fact]
    public async Task RequestLog_AbsoluteFormTarget_LogsThePathOnly()
    {
        var marker = "/public/log-absolute-" + Guid.NewGuid().ToString("N");
        var answer = await SendRawTargetAsync(Encoding.ASCII.GetBytes("https://alice:s3cret-pw@localhost" + marker + "?token=query-secret-456"));
        Assert.Equal(200, RawHttp.StatusCode(answer));

        var line = await LogLineAsync(marker);
        Assert.Contains("GET " + marker + " 200 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", line, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret-456", line, StringComparison.Ordinal);
    }

    private async Task<string> SendRawTargetAsync(byte[] target)
    {
        await using var connection = await RawHttpConnection.OpenAsync(fixture.Gateway.BaseAddress);
        await connection.WriteAsync([.. Encoding.ASCII.GetBytes("GET "), .. target, .. Encoding.ASCII.GetBytes(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")]);
        return await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<string> LogLineAsync(string marker)
    {
        await Wait.UntilAsync(() => fixture.Gateway.LogText().Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the request is logged");
        return fixture.Gateway.LogText().Split('\n').Single(line => line.Contains(marker, StringComparison.Ordinal)).TrimEnd('\r');
    }
}
