using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The <c>Kestrel:Limits</c> section an operator writes in <c>appsettings.json</c> is what the running
/// gateway enforces (ASP.NET Core alone binds only endpoints and certificates from <c>Kestrel</c>); a bad
/// value is a config error naming its key; a reload cannot change the limits of a running server.
/// </summary>
public sealed class KestrelLimitsTests : IDisposable
{
    private const long BodyLimit = 1000;
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-limits-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static GatewayConfig PublicRoute(string backendUrl) =>
        new GatewayConfig(backendUrl).Route("public", "/public/{**rest}", "None");

    private static GatewayConfig WithBodyLimit(RecordingBackend backend) =>
        PublicRoute(backend.Url).Set("Kestrel:Limits:MaxRequestBodySize", BodyLimit);

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, int bytes, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/public/upload")
        {
            Content = chunked ? new StreamContent(new MemoryStream(new byte[bytes])) : new ByteArrayContent(new byte[bytes]),
        };
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConfiguredMaxRequestBodySize_Is413ProblemJson_AndNothingIsForwarded(bool chunked)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(WithBodyLimit(backend));
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/public/upload")
        {
            Content = chunked ? new StreamContent(new MemoryStream(new byte[3000])) : new ByteArrayContent(new byte[3000]),
        };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await client.SendAsync(request);

        Assert.Equal($"request body larger than {BodyLimit} bytes", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(0, backend.Count);
        // Within the limit, the same route forwards. Kestrel counts a chunked body's framing too, so not right up to it.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, (int)BodyLimit / 2, chunked));
        Assert.Equal(BodyLimit / 2, backend.Last.Body.Length);
    }

    /// <summary>
    /// A body whose Content-Length is over the limit is refused before YARP opens the backend request:
    /// the backend never sees its head (YARP would send the head, then reset when Kestrel refused the body).
    /// </summary>
    [Fact]
    public async Task AnnouncedBodyOverTheLimit_Is413_BeforeTheBackendSeesAnything()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(WithBodyLimit(backend));

        var answer = await RawHttp.SendAsync(
            gateway.BaseAddress,
            "POST /public/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000\r\n\r\n",
            untilFirstResponse: true);

        Assert.Equal(413, RawHttp.StatusCode(answer));
        Assert.Contains($"request body larger than {BodyLimit} bytes", answer, StringComparison.Ordinal);
        Assert.Equal(0, backend.Started);
        // The same route still forwards a body within the limit, so the backend is reachable.
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, (int)BodyLimit));
        Assert.Equal(1, backend.Started);
    }

    /// <summary>
    /// The 413 goes out before the body; a client that sends the body it announced anyway can finish,
    /// read the answer and use the connection again (the gateway discards the body), as with nginx.
    /// </summary>
    [Fact]
    public async Task AnnouncedBodyOverTheLimit_ClientThatSendsItAnyway_Gets413_AndKeepsTheConnection()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(WithBodyLimit(backend));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.BaseAddress);

        await connection.WriteAsync("POST /public/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000\r\n\r\n");
        var answer = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(413, RawHttp.StatusCode(answer));
        await connection.WriteAsync(new byte[3000]);
        await connection.WriteAsync("GET /public/next HTTP/1.1\r\nHost: localhost\r\n\r\n");
        var next = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));

        Assert.False(connection.Closed, $"the gateway closed the connection after its 413: {answer}");
        Assert.Equal(200, RawHttp.StatusCode(next));
        Assert.Equal(1, backend.Started);
        Assert.Equal("/public/next", backend.Last.Target);
    }

    /// <summary>
    /// The discarding after a 413 is bounded in time: a client that announced a huge body and keeps
    /// sending it is cut off (Kestrel's 5 s drain), not read for as long as it likes.
    /// </summary>
    [Fact]
    public async Task AnnouncedHugeBody_KeptSendingAfterThe413_IsCutOffWithinSeconds()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(WithBodyLimit(backend));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.BaseAddress);
        await connection.WriteAsync("POST /public/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000000\r\n\r\n");
        Assert.Equal(413, RawHttp.StatusCode(await connection.ReadResponseAsync(TimeSpan.FromSeconds(10))));

        var chunk = new byte[16 * 1024];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cutOff = false;
        while (!cutOff && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await connection.WriteAsync(chunk);
                await Task.Delay(20);
            }
            catch (IOException)
            {
                cutOff = true;
            }
        }

        Assert.True(cutOff, "the gateway was still reading the refused body after 30 s");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Equal(0, backend.Started);
    }

    /// <summary>
    /// A client that asked <c>Expect: 100-continue</c> sends no body after a 413, so nothing is held open
    /// waiting for one: the connection closes at once (with the drain, it stayed ≈7 s, and a next
    /// request on it would have been swallowed as body).
    /// </summary>
    [Fact]
    public async Task AnnouncedBodyOverTheLimit_WithExpect100Continue_ClosesTheConnectionAtOnce()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(WithBodyLimit(backend));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.BaseAddress);

        await connection.WriteAsync("POST /public/upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 3000\r\n\r\n");
        var answer = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(413, RawHttp.StatusCode(answer));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var after = await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));

        Assert.True(connection.Closed, $"the connection was still open 10 s after the 413: {after}");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(0, backend.Started);
    }

    [Fact]
    public async Task ConfiguredMaxRequestHeadersTotalSize_Is431_AndNothingIsForwarded()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(PublicRoute(backend.Url).Set("Kestrel:Limits:MaxRequestHeadersTotalSize", 2048));
        using var client = gateway.CreateClient();

        using var big = new HttpRequestMessage(HttpMethod.Get, "/public/headers");
        big.Headers.Add("X-Padding", new string('a', 4096));
        using var refused = await client.SendAsync(big);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
        Assert.Equal(0, backend.Count);

        // Kestrel's default (32 KB) would have let this through; the configured one lets a small one through.
        using var small = await gateway.CreateClient().GetAsync("/public/headers");
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task ConfiguredNull_LiftsKestrelsDefaultBodyLimit()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(PublicRoute(backend.Url).Set("Kestrel:Limits:MaxRequestBodySize", null));
        using var client = gateway.CreateClient();

        // Kestrel's default is 30,000,000 bytes.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, 30_000_001, chunked: true));
        Assert.Equal(30_000_001, backend.Last.Body.Length);
    }

    /// <summary>Every bad value in the section, each named by its key, the way other config errors are.</summary>
    private static GatewayConfig WithBadLimits() => PublicRoute("http://127.0.0.1:9/")
        .Set("Kestrel:Limits:MaxRequestBodySize", "lots")
        .Set("Kestrel:Limits:MaxConcurrentConnections", -1)
        .Set("Kestrel:Limits:MaxRequestBodySise", 1000)
        .Set("Kestrel:Limits:MinRequestBodyDataRate", new JsonObject { ["BytesPerSecond"] = 240 })
        .Set("Kestrel:Limits:Http2:MaxFrameSize", 100);

    private static void AssertNamesEveryBadLimit(string output)
    {
        Assert.Contains("Kestrel:Limits:MaxRequestBodySize: 'lots' must be a number of bytes, 0 or more, or null for no limit", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Limits:MaxConcurrentConnections: '-1' must be a positive whole number, or null for no limit", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Limits:MaxRequestBodySise: is not a Kestrel limit the gateway knows", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Limits:MinRequestBodyDataRate: must be null", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Limits:Http2:MaxFrameSize: '100' must be a number of bytes from 16384 to 16777215", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExitsOne_NamingEveryBadLimit()
    {
        var path = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(path, WithBadLimits().ToJson());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        AssertNamesEveryBadLimit(output);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_NamingEveryBadLimit()
    {
        var path = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(path, WithBadLimits().ToJson());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.NotEqual(0, code);
        AssertNamesEveryBadLimit(output);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Kestrel itself refuses, at start, a request buffer smaller than the request line or headers it
    /// must hold (an InvalidOperationException naming no key); the gateway reports it first, as a config error.
    /// </summary>
    [Theory]
    [InlineData("validate")]
    [InlineData("serve")]
    public async Task MaxRequestBufferSize_BelowTheHeadersLimit_IsAConfigError_NotACrashAtStart(string verb)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(path, PublicRoute("http://127.0.0.1:9/").Set("Kestrel:Limits:MaxRequestBufferSize", 10_000).ToJson());

        var (code, output) = verb == "validate"
            ? await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path)
            : await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Kestrel:Limits:MaxRequestBufferSize: '10000' must be at least MaxRequestLineSize (8192) and MaxRequestHeadersTotalSize (32768)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadWithABadLimit_IsRejected_AndTheLastGoodConfigKeepsServing()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = WithBodyLimit(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        // A bad limit beside a new public route: neither may take effect.
        await gateway.RewriteConfigAsync(config.Clone()
            .Set("Kestrel:Limits:MaxRequestBodySize", -5)
            .Route("added", "/added/{**rest}", "None"));
        await Wait.UntilAsync(() => gateway.LogText().Contains("Kestrel:Limits:MaxRequestBodySize: '-5'", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged naming the limit");

        Assert.Contains("rejected", gateway.LogText(), StringComparison.Ordinal);
        using var added = await client.GetAsync("/added/1");
        Assert.Equal(HttpStatusCode.NotFound, added.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(client, 3000));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, 10));
    }

    [Fact]
    public async Task ReloadThatChangesALimit_AppliesTheRest_KeepsTheRunningLimit_AndWarnsThatARestartIsNeeded()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = WithBodyLimit(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        await gateway.RewriteConfigAsync(config.Clone()
            .Set("Kestrel:Limits:MaxRequestBodySize", 100_000)
            .Route("added", "/added/{**rest}", "None"));
        await Wait.UntilAsync(() => gateway.LogText().Contains("until the gateway restarts", StringComparison.Ordinal), ReloadTimeout, "the reload warns that the limits need a restart");
        await Wait.UntilAsync(async () =>
        {
            using var added = await client.GetAsync("/added/1");
            return added.StatusCode == HttpStatusCode.OK;
        }, ReloadTimeout, "the rest of the reload goes live");

        var warning = gateway.LogText().Split('\n').Single(line => line.Contains("until the gateway restarts", StringComparison.Ordinal));
        Assert.Contains("Kestrel:Limits:MaxRequestBodySize", warning, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(client, 3000));
    }
}
