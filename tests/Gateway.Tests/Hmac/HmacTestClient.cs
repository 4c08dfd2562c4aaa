using System.Text;
using Gateway.Auth.Hmac.Nonces;
using Gateway.Client;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>Builds signed requests with every part under the test's control, so each can be tampered with.</summary>
public static class HmacTestClient
{
    public const string KeyId = "client-1";
    public const string Secret = "test-secret-0123456789abcdef-xyz";
    public const string Scope = "write:orders";
    public const string NoScopeKeyId = "client-2";
    public const string NoScopeSecret = "other-secret-0123456789abcdef-xyz";
    public const string ApiKey = "sk-test-e5f6g7h8";

    public const string EpochKey = NonceKeys.Epoch;

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>
    /// <see cref="Now"/>, taken early in a second, so that a request stamped with it reaches the
    /// gateway's clock within the same second: for a test at the window's edge, where one tick of the
    /// gateway's clock between stamping and checking would move the offset by a second.
    /// </summary>
    public static async Task<long> NowEarlyInASecondAsync()
    {
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.Millisecond < 300, TimeSpan.FromSeconds(2), "a new second to begin");
        return Now;
    }

    /// <summary>A config with an Hmac route, an ApiKey route and the two HMAC clients; Redis when given.</summary>
    public static GatewayConfig Config(RecordingBackend backend, RedisServer? redis, long maxBodyBytes = 64 * 1024) =>
        Config(backend.Url, redis, maxBodyBytes);

    /// <inheritdoc cref="Config(RecordingBackend, RedisServer?, long)"/>
    public static GatewayConfig Config(string backendUrl, RedisServer? redis, long maxBodyBytes = 64 * 1024) =>
        new GatewayConfig(backendUrl)
            .Route("orders", "/api/orders/{**rest}", "Hmac", Scope)
            .Route("test", "/api/test/{**rest}", "ApiKey", "read:test")
            .ApiKeyClient("test-client", ApiKey, "read:test")
            .Set("Auth:Hmac:MaxSkew", "00:05:00")
            .Set("Auth:Hmac:MaxBodyBytes", maxBodyBytes)
            .Set($"Auth:Hmac:Clients:{KeyId}:Secret", Secret)
            .Set($"Auth:Hmac:Clients:{KeyId}:Scopes", new System.Text.Json.Nodes.JsonArray(Scope))
            .Set($"Auth:Hmac:Clients:{NoScopeKeyId}:Secret", NoScopeSecret)
            .Set("ConnectionStrings:Redis", redis?.ConnectionString);

    public static string Sign(string secret, string method, string target, string timestamp, string nonce, byte[] body) =>
        HmacSigningHandler.Sign(Encoding.UTF8.GetBytes(secret), method, target, timestamp, nonce, body);

    /// <summary>
    /// A request for <paramref name="target"/> signed over exactly the given parts; <paramref name="sign"/>
    /// lets a test sign something other than what is sent.
    /// </summary>
    public static HttpRequestMessage Create(
        string method, string target, byte[]? body = null, string? timestamp = null, string? nonce = null,
        string keyId = KeyId, string secret = Secret, string? signature = null)
    {
        body ??= [];
        timestamp ??= Now.ToString();
        nonce ??= HmacSigningHandler.NewNonce();
        signature ??= Sign(secret, method, target, timestamp, nonce, body);
        var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (body.Length > 0 || method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        request.Headers.TryAddWithoutValidation("X-API-Key", keyId);
        request.Headers.TryAddWithoutValidation("X-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Nonce", nonce);
        request.Headers.TryAddWithoutValidation("X-Signature", signature);
        return request;
    }

    /// <summary>A copy of <paramref name="original"/> with the same headers and body: what a replaying attacker sends.</summary>
    public static async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage original)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri);
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        if (original.Content is not null)
        {
            copy.Content = new ByteArrayContent(await original.Content.ReadAsByteArrayAsync());
            foreach (var header in original.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        return copy;
    }

    /// <summary>Sends a signed POST, checks that it is accepted, and returns an exact copy of it to replay.</summary>
    public static async Task<HttpRequestMessage> SendAcceptedAsync(HttpClient client, string target)
    {
        using var original = Create("POST", target, Encoding.UTF8.GetBytes("{\"amount\":100}"));
        var replay = await CopyAsync(original);
        using var accepted = await client.SendAsync(original);
        Assert.Equal(System.Net.HttpStatusCode.OK, accepted.StatusCode);
        return replay;
    }

    /// <summary>The Redis key under which <paramref name="request"/>'s nonce is recorded.</summary>
    public static string NonceKey(HttpRequestMessage request) =>
        NonceKeys.For(KeyId, request.Headers.GetValues("X-Nonce").Single());

    /// <summary>
    /// Waits until the clock has passed the Redis epoch marker the gateway set when it connected
    /// (requests signed in or before the epoch's second are refused), so a test's first request counts.
    /// </summary>
    public static async Task WaitPastEpochAsync(RedisServer redis)
    {
        long epoch = 0;
        await Wait.UntilAsync(async () => long.TryParse(await redis.CommandAsync("GET", EpochKey), out epoch), TimeSpan.FromSeconds(15), "the gateway set the Redis epoch marker");
        await Wait.UntilAsync(() => Now > epoch, TimeSpan.FromSeconds(5), "the clock passed the epoch");
    }
}
