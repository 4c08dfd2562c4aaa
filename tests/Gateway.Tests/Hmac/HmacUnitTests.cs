using System.Text;
using Gateway.Auth.Configuration;
using Gateway.Auth.Hmac;
using Gateway.Auth.Hmac.Nonces;
using Gateway.Client;
using Microsoft.Extensions.Configuration;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>The pure parts: canonical message, header parsing, target rule, memory store, config validation.</summary>
public sealed class HmacUnitTests
{
    private const string VectorSecret = "demo-secret-0123456789abcdef";

    // Computed by tests/Gateway.Tests/Hmac/reference_client.py (the contract's Python client):
    //   reference_client.py sign client-1 demo-secret-0123456789abcdef POST '/api/orders/42?expand=items&x=1' \
    //     1700000000 3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f809a1b <hex of {"item":"book","qty":2}>
    [Theory]
    [InlineData("POST", "/api/orders/42?expand=items&x=1", "1700000000", "3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f809a1b", "{\"item\":\"book\",\"qty\":2}", "587ceecc030bd5da11ddd89cae635aef478ccafe9f7f7759e5fd72bbde525011")]
    [InlineData("GET", "/api/orders/", "1700000000", "abcdefgh", "", "8edd9e5dd920fe56f033bb7f70edb5adc830d0c20205768823e01206b5395d12")]
    public void Signature_MatchesTheReferenceClientVector(string method, string target, string timestamp, string nonce, string body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        var gateway = Convert.ToHexStringLower(HmacSignature.Compute(Encoding.UTF8.GetBytes(VectorSecret), method, target, timestamp, nonce, bytes));
        var client = HmacSigningHandler.Sign(Encoding.UTF8.GetBytes(VectorSecret), method, target, timestamp, nonce, bytes);

        Assert.Equal(expected, gateway);
        Assert.Equal(expected, client);
    }

    // Compute takes a one-shot path on a stack buffer for small messages (bodiless requests) and
    // streams larger ones; both must equal the streamed HMAC the handler uses for bodies.
    [Theory]
    [InlineData(0, 10)]
    [InlineData(900, 10)]
    [InlineData(1000, 10)]
    [InlineData(5000, 10)]
    [InlineData(0, 1100)]
    public void Signature_OneShotAndStreamed_Agree(int bodyLength, int targetLength)
    {
        var secret = Encoding.UTF8.GetBytes(VectorSecret);
        var body = new byte[bodyLength];
        Random.Shared.NextBytes(body);
        var target = "/" + new string('a', targetLength);

        using var streamed = HmacSignature.Begin(secret, "PUT", target, "1700000000", "nonce-1234");
        streamed.AppendData(body);

        Assert.Equal(streamed.GetHashAndReset(), HmacSignature.Compute(secret, "PUT", target, "1700000000", "nonce-1234", body));
        Assert.Equal(HmacSigningHandler.Sign(secret, "PUT", target, "1700000000", "nonce-1234", body),
            Convert.ToHexStringLower(HmacSignature.Compute(secret, "PUT", target, "1700000000", "nonce-1234", body)));
    }

    [Fact]
    public async Task Signature_MatchesThePythonClient_ForRandomInputs()
    {
        var body = new byte[300];
        Random.Shared.NextBytes(body);
        var nonce = HmacSigningHandler.NewNonce();

        var python = await PythonReferenceClient.SignAsync(VectorSecret, "PATCH", "/api/orders/x?a=%20b&c", "1712345678", nonce, body);

        Assert.Equal(python, HmacSigningHandler.Sign(Encoding.UTF8.GetBytes(VectorSecret), "PATCH", "/api/orders/x?a=%20b&c", "1712345678", nonce, body));
    }

    [Theory]
    [InlineData("1700000000", true)]
    [InlineData("0", true)]
    [InlineData("999999999999", true)]
    [InlineData("9999999999999", false)]
    [InlineData("-1", false)]
    [InlineData("1e10", false)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("17000 0000", false)]
    [InlineData("１７", false)]
    [InlineData(null, false)]
    public void Timestamp_IsDecimalDigitsOnly(string? value, bool valid) =>
        Assert.Equal(valid, HmacSignature.TryParseTimestamp(value, out _));

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Signature_Is64HexCharactersEitherCase(string? value, bool valid) =>
        Assert.Equal(valid, HmacSignature.TryParse(value, new byte[32]));

    [Theory]
    [InlineData("/api/orders/1", true)]
    [InlineData("/api/orders/1?x=../y&z=//", true)]
    [InlineData("/api/orders/a%20b", true)]
    [InlineData("/api/orders/..", false)]
    [InlineData("/api/orders/./1", false)]
    [InlineData("/api/orders//1", false)]
    [InlineData("/api/orders/%2e%2e/1", false)]
    [InlineData("/api/orders/a%2fb", false)]
    [InlineData("/api/orders/a%5Cb", false)]
    [InlineData("/api/orders/a\\b", false)]
    [InlineData("http://host/api/orders/1", false)]
    [InlineData("*", false)]
    [InlineData("", false)]
    public void RequestTarget_MustBeCanonical(string target, bool canonical) =>
        Assert.Equal(canonical, HmacRequestTarget.IsCanonical(target));

    [Fact]
    public async Task MemoryStore_ConcurrentSameNonce_ExactlyOneRecorded()
    {
        var store = new MemoryNonceStore(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
            store.TryRecordAsync("k", "nonce-123456", now, 300, default).AsTask())));

        Assert.Equal(1, results.Count(r => r.Result == NonceResult.Recorded));
        Assert.Equal(49, results.Count(r => r.Result == NonceResult.Replayed));
    }

    [Fact]
    public async Task MemoryStore_Full_IsUnavailable_NotForgetful()
    {
        var store = new MemoryNonceStore(TimeProvider.System, capacity: 2);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        await store.TryRecordAsync("k", "nonce-0001", now, 300, default);
        await store.TryRecordAsync("k", "nonce-0002", now, 300, default);

        await Assert.ThrowsAsync<NonceStoreUnavailableException>(() => store.TryRecordAsync("k", "nonce-0003", now, 300, default).AsTask());
        Assert.Equal(NonceResult.Replayed, (await store.TryRecordAsync("k", "nonce-0001", now, 300, default)).Result);
    }

    [Fact]
    public async Task MemoryStore_RefusesTimestampsBeforeItStarted()
    {
        var store = new MemoryNonceStore(TimeProvider.System);

        var result = await store.TryRecordAsync("k", "nonce-0001", DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10, 300, default);

        Assert.Equal(new NonceOutcome(NonceResult.BeforeEpoch), result);
    }

    [Fact]
    public void ConfigValidator_ClientWithoutSecret_IsAnErrorNamingIt()
    {
        var errors = Validate(new()
        {
            ["Auth:Hmac:Clients:client-1:Scopes:0"] = "write:orders",
            ["Auth:Hmac:Clients:client-2:Secret"] = "short",
            ["Auth:Hmac:Clients:client-3:Secret"] = "long-enough-secret-0123456789",
            ["Auth:Hmac:MaxSkew"] = "five minutes",
            ["Auth:Hmac:MaxBodyBytes"] = "-1",
            ["ConnectionStrings:Redis"] = "127.0.0.1:6379,password=hunter2-secret,nonsense-option=1",
        });

        Assert.Contains(errors, e => e.StartsWith("Auth:Hmac:Clients:client-1:Secret: is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:Hmac:Clients:client-2:Secret: is shorter", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("client-3", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:Hmac:MaxSkew", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:Hmac:MaxBodyBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ConnectionStrings:Redis", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("short", StringComparison.Ordinal) && !e.Contains("shorter", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("01:00:01")]
    [InlineData("1.00:00:00")]
    [InlineData("6000000.00:00:00")]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("00:00:00.5")]
    [InlineData("00:00:00.9999999")]
    public void ConfigValidator_MaxSkewOutsideItsBounds_IsAnErrorNamingIt(string maxSkew)
    {
        var errors = Validate(new() { ["Auth:Hmac:MaxSkew"] = maxSkew });

        var error = Assert.Single(errors);
        Assert.StartsWith("Auth:Hmac:MaxSkew: ", error, StringComparison.Ordinal);
        Assert.Contains("from 00:00:01 to 01:00:00", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01:00:00")]
    [InlineData("00:05:00")]
    [InlineData("00:00:01")]
    [InlineData("00:00:01.5")]
    public void ConfigValidator_MaxSkewFromOneSecondToOneHour_IsValid(string maxSkew) =>
        Assert.Empty(Validate(new() { ["Auth:Hmac:MaxSkew"] = maxSkew }));

    [Theory]
    [InlineData("00:00:00.5")]
    [InlineData("bogus")]
    [InlineData("00:20:00")]
    [InlineData("00:10:00.0000001")]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public void ConfigValidator_BodyReadTimeoutOutsideItsBounds_IsAnErrorNamingIt(string timeout)
    {
        var errors = Validate(new() { ["Auth:Hmac:BodyReadTimeout"] = timeout });

        var error = Assert.Single(errors);
        Assert.StartsWith("Auth:Hmac:BodyReadTimeout: ", error, StringComparison.Ordinal);
        Assert.Contains("from 00:00:01 to 00:10:00", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:01:00")]
    [InlineData("00:10:00")]
    public void ConfigValidator_BodyReadTimeoutFromOneSecondToTenMinutes_IsValid(string timeout) =>
        Assert.Empty(Validate(new() { ["Auth:Hmac:BodyReadTimeout"] = timeout }));

    [Fact]
    public async Task MemoryStore_TheLargestTimeSpanAsMaxSkew_DoesNotThrow()
    {
        // Config validation keeps MaxSkew within an hour; the arithmetic must not depend on it.
        var store = new MemoryNonceStore(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var maxSkew = (long)TimeSpan.MaxValue.TotalSeconds;

        Assert.Equal(NonceResult.Recorded, (await store.TryRecordAsync("k", "nonce-0001", now, maxSkew, default)).Result);
        Assert.Equal(NonceResult.Replayed, (await store.TryRecordAsync("k", "nonce-0001", now, maxSkew, default)).Result);
    }

    private static IReadOnlyList<string> Validate(Dictionary<string, string?> values) => AuthConfigErrors.Of(values);

    /// <summary>Only asyncTimeout set: syncTimeout still gets the gateway's 1 s (a substring match took one for the other).</summary>
    [Theory]
    [InlineData("localhost:6379,asyncTimeout=3000", 1000, 3000)]
    [InlineData("localhost:6379,syncTimeout=2500", 2500, 1000)]
    [InlineData("localhost:6379, SyncTimeout = 4000 ,asyncTimeout=4500", 4000, 4500)]
    [InlineData("localhost:6379", 1000, 1000)]
    public void RedisTimeouts_TheGatewaysDefaultsFillOnlyWhatTheStringLeavesOut(string configuration, int sync, int async)
    {
        var options = RedisConnection.CreateOptions(configuration);

        Assert.Equal((sync, async), (options.SyncTimeout, options.AsyncTimeout));
    }
}
