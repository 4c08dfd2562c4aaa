using System.Net;
using System.Text;
using Gateway.Auth.Hmac.Nonces;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// The nonce store failing the ways Redis fails: stopped, back, flushed, restarted empty, read-only,
/// out of memory; and two gateway processes sharing one Redis. Each test owns its Redis and gateway.
/// </summary>
public sealed class HmacRedisFaultTests
{
    private const string BeforeEpoch = "request signed before the nonce store was reset; sign it again";

    [Fact]
    public async Task RedisStopped_Is503WithRetryAfter_NotForwarded_ApiKeyStill200_AndRecoversWithoutRestart()
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        var (redis, backend, client) = (stack.Redis, stack.Backend, stack.Client);
        using (var ok = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/before")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await redis.StopAsync();
        var before = backend.Count;
        using var down = await client.SendAsync(HmacTestClient.Create("POST", "/api/orders/down", Encoding.UTF8.GetBytes("{}")));
        using var apiKey = new HttpRequestMessage(HttpMethod.Get, "/api/test/1");
        apiKey.Headers.Add("X-API-Key", HmacTestClient.ApiKey);
        using var apiKeyResponse = await client.SendAsync(apiKey);
        using var ready = await client.GetAsync("/readyz");

        Assert.Equal("nonce store unavailable, retry later", await ProblemAssert.IsProblemAsync(down, HttpStatusCode.ServiceUnavailable));
        Assert.True(down.Headers.RetryAfter is not null, "503 without Retry-After");
        Assert.Equal(HttpStatusCode.OK, apiKeyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(before + 1, backend.Count);
        Assert.Equal("/api/test/1", backend.Last.Target);

        await redis.RestartAsync();
        // Restarted empty: the gateway sets a new epoch when it reconnects; wait past it, then sign anew.
        await HmacTestClient.WaitPastEpochAsync(redis);
        await Wait.UntilAsync(async () =>
        {
            using var response = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/back"));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "HMAC works again after Redis came back");
        using var readyAgain = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, readyAgain.StatusCode);
        Assert.Equal("/api/orders/back", backend.Last.Target);
    }

    [Fact]
    public async Task RedisFlushed_ReplayOfAnAcceptedRequest_IsRefused()
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        using var replay = await HmacTestClient.SendAcceptedAsync(stack.Client, "/api/orders/pay");
        var before = stack.Backend.Count;
        Assert.Equal("3", await stack.Redis.CommandAsync("DBSIZE")); // the epoch marker, the skew record and the nonce: the store is Redis

        await stack.Redis.FlushAsync();
        using var response = await stack.Client.SendAsync(replay);

        Assert.Equal(BeforeEpoch, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Equal(before, stack.Backend.Count);
    }

    [Fact]
    public async Task RedisRestartedEmpty_ReplayOfAnAcceptedRequest_IsRefused()
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        using var replay = await HmacTestClient.SendAcceptedAsync(stack.Client, "/api/orders/pay");
        var before = stack.Backend.Count;

        await stack.Redis.RestartAsync();
        // The gateway answers 503 until its connection to Redis is back (when that is, only it knows:
        // the epoch marker in Redis can be there before the connection serves requests). Replay until
        // Redis answers: every answer on the way is a refusal, and the one from Redis is 401.
        string? refusal = null;
        await Wait.UntilAsync(async () =>
        {
            using var copy = await HmacTestClient.CopyAsync(replay);
            using var response = await stack.Client.SendAsync(copy);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, $"replay answered {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return false;
            }
            refusal = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            return true;
        }, TimeSpan.FromSeconds(20), "the gateway is back on Redis and answers the replay from it");

        Assert.Equal(BeforeEpoch, refusal);
        Assert.Equal("1", await stack.Redis.CommandAsync("EXISTS", HmacTestClient.EpochKey));
        Assert.Equal(before, stack.Backend.Count);
    }

    [Fact]
    public async Task SkewRecordMissingBesideTheEpoch_IsAWipe_ReplayOfAnAcceptedRequestIsRefused_AndAFreshOnePasses()
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        using var replay = await HmacTestClient.SendAcceptedAsync(stack.Client, "/api/orders/pay");
        var before = stack.Backend.Count;
        Assert.Equal("300 0 0", await stack.Redis.CommandAsync("GET", NonceKeys.Skew));

        // The record is gone (deleted by hand, evicted, lost in a failover) and so is the nonce (expired
        // early under a skew the record no longer vouches for, or evicted too): only the epoch can refuse.
        Assert.Equal("1", await stack.Redis.CommandAsync("DEL", NonceKeys.Skew));
        Assert.Equal("1", await stack.Redis.CommandAsync("DEL", HmacTestClient.NonceKey(replay)));
        using var response = await stack.Client.SendAsync(replay);

        Assert.Equal(BeforeEpoch, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Equal(before, stack.Backend.Count);
        Assert.Equal("300 0 0", await stack.Redis.CommandAsync("GET", NonceKeys.Skew));
        await Wait.UntilAsync(() => stack.Gateway.LogText().Contains($"no skew record {NonceKeys.Skew}", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the reset is logged, naming the record");
        await HmacTestClient.WaitPastEpochAsync(stack.Redis);
        using var fresh = await stack.Client.SendAsync(HmacTestClient.Create("GET", "/api/orders/fresh"));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("/api/orders/fresh", stack.Backend.Last.Target);
    }

    [Fact]
    public async Task EpochMissingBesideASkewRecord_IsAWipe_AndTheRecordStartsAfresh()
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        using var replay = await HmacTestClient.SendAcceptedAsync(stack.Client, "/api/orders/pay");
        var before = stack.Backend.Count;

        // The epoch is gone with the nonce; the record left behind says 5 s, which no gateway here runs.
        Assert.Equal("1", await stack.Redis.CommandAsync("DEL", NonceKeys.Epoch));
        Assert.Equal("1", await stack.Redis.CommandAsync("DEL", HmacTestClient.NonceKey(replay)));
        Assert.Equal("OK", await stack.Redis.CommandAsync("SET", NonceKeys.Skew, "5 0 0"));
        using var response = await stack.Client.SendAsync(replay);

        Assert.Equal(BeforeEpoch, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Equal(before, stack.Backend.Count);
        Assert.Equal("300 0 0", await stack.Redis.CommandAsync("GET", NonceKeys.Skew));
        await HmacTestClient.WaitPastEpochAsync(stack.Redis);
        using var fresh = await HmacTestClient.SendAcceptedAsync(stack.Client, "/api/orders/fresh");
        // Kept for this gateway's 5 minutes (2 x 300 s + 60 s), not for the stale record's 5 seconds.
        Assert.InRange(long.Parse(await stack.Redis.CommandAsync("TTL", HmacTestClient.NonceKey(fresh))), 601, 660);
    }

    [Theory]
    [InlineData("300 0 0 1")]
    [InlineData("{\"max\":300}")]
    [InlineData("-5 0 0")]
    public async Task SkewRecordUnreadable_Is503_NotForwarded_LeftAsItIs_AndLoggedNamingTheKey(string record)
    {
        await using var stack = await RedisBackedGateway.StartAsync();
        var epoch = await stack.Redis.CommandAsync("GET", NonceKeys.Epoch);
        Assert.Equal("OK", await stack.Redis.CommandAsync("SET", NonceKeys.Skew, record));
        using var request = HmacTestClient.Create("POST", "/api/orders/pay", Encoding.UTF8.GetBytes("{}"));
        var nonceKey = HmacTestClient.NonceKey(request);
        var nonce = request.Headers.GetValues("X-Nonce").Single();
        var signature = request.Headers.GetValues("X-Signature").Single();
        using var response = await stack.Client.SendAsync(request);

        Assert.Equal("nonce store unavailable, retry later", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable));
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, stack.Backend.Count);
        Assert.Equal(record, await stack.Redis.CommandAsync("GET", NonceKeys.Skew));
        Assert.Equal(epoch, await stack.Redis.CommandAsync("GET", NonceKeys.Epoch));
        Assert.Equal("0", await stack.Redis.CommandAsync("EXISTS", nonceKey));
        var logLine = $"Redis key {NonceKeys.Skew} does not hold an HMAC skew record";
        await Wait.UntilAsync(() => stack.Gateway.LogText().Contains(logLine, StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the unreadable record is logged, naming its key");
        // Every request gets its 503 while the record is unreadable; the log says so once, not per request.
        for (var i = 0; i < 5; i++)
        {
            using var again = await stack.Client.SendAsync(HmacTestClient.Create("GET", $"/api/orders/again-{i}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        }
        var log = stack.Gateway.LogText();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, System.Text.RegularExpressions.Regex.Escape(logLine)));
        Assert.DoesNotContain(nonce, log, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, log, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacTestClient.Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisSlow_Is503WithinSeconds_NotForwarded()
    {
        await using var stack = await RedisBackedGateway.StartAsync();

        // Redis stalls for 8 s; the gateway's command timeout is 1 s (checked on a ~1 s heartbeat), so
        // the 503 must come well before Redis could have answered.
        var awake = await stack.Redis.SleepAsync(TimeSpan.FromSeconds(8));
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await stack.Client.SendAsync(HmacTestClient.Create("GET", "/api/orders/slow"));
        var elapsed = started.Elapsed;
        await awake;

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.TotalSeconds:0.0}s");
        Assert.Equal(0, stack.Backend.Count);
    }

    [Fact]
    public async Task RedisReadOnly_Is503_NotForwarded()
    {
        await using var stack = await RedisBackedGateway.StartAsync();

        await stack.Redis.SetReadOnlyAsync();
        var before = stack.Backend.Count;
        using var response = await stack.Client.SendAsync(HmacTestClient.Create("GET", "/api/orders/ro"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(before, stack.Backend.Count);
    }

    [Fact]
    public async Task RedisOutOfMemory_Is503_NotForwarded()
    {
        await using var stack = await RedisBackedGateway.StartAsync();

        Assert.Equal("OK", await stack.Redis.CommandAsync("CONFIG", "SET", "maxmemory", "1"));
        var before = stack.Backend.Count;
        using var response = await stack.Client.SendAsync(HmacTestClient.Create("GET", "/api/orders/oom"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(before, stack.Backend.Count);
    }

    [Fact]
    public async Task TwoGatewayProcesses_OnOneRedis_ANonceAcceptedByOneIsRefusedByTheOther()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        await using var first = await GatewayHost.StartAsync(HmacTestClient.Config(backend, redis));
        await using var second = await GatewayProcess.StartAsync(HmacTestClient.Config(backend, redis), readyPath: "/readyz");
        using var secondClient = first.CreateClient(baseAddress: second.BaseAddress);
        await HmacTestClient.WaitPastEpochAsync(redis);
        using var firstClient = first.CreateClient();

        using var replay = await HmacTestClient.SendAcceptedAsync(firstClient, "/api/orders/shared");
        var before = backend.Count;
        using var refused = await secondClient.SendAsync(replay);

        Assert.Equal("nonce already used", await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized));
        Assert.Equal(before, backend.Count);

        // And the other way round: the second process accepts, the first refuses.
        using var otherReplay = await HmacTestClient.SendAcceptedAsync(secondClient, "/api/orders/other");
        using var otherRefused = await firstClient.SendAsync(otherReplay);
        Assert.Equal("nonce already used", await ProblemAssert.IsProblemAsync(otherRefused, HttpStatusCode.Unauthorized));
        Assert.Equal(before + 1, backend.Count);
    }

    [Fact]
    public async Task WithoutRedis_MemoryStore_RefusesReplays_AndWarnsItIsSingleInstance()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(HmacTestClient.Config(backend, redis: null));
        using var client = gateway.CreateClient();
        using var original = HmacTestClient.Create("GET", "/api/orders/memory");
        using var replay = await HmacTestClient.CopyAsync(original);

        using var accepted = await client.SendAsync(original);
        using var refused = await client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("nonce already used", await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized));
        Assert.Equal(1, backend.Count);
        await Wait.UntilAsync(() => gateway.LogText().Contains("only safe for a single gateway instance", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the start-up warning is logged");
    }
}
