using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Nonces in Redis, shared by every gateway instance. One script, one round trip: check the epoch
/// marker (setting a new one if Redis lost it), then <c>SET key NX EX ttl</c>. Any failure to get an
/// answer is a <see cref="NonceStoreUnavailableException"/>: there is no fallback to memory.
/// </summary>
internal sealed partial class RedisNonceStore(RedisConnection connection, TimeProvider time, ILogger<RedisNonceStore> logger) : INonceStore
{
    // KEYS[1] epoch marker, KEYS[2] nonce key; ARGV[1] request timestamp, ARGV[2] gateway time, ARGV[3] TTL seconds.
    // The epoch never expires: if it is missing, Redis restarted empty, was flushed or evicted it, and
    // every nonce recorded before then may be gone. The new epoch is the later of the gateway's and
    // Redis's clocks, and requests signed at or before it are refused (same second included: it may
    // have been accepted just before the loss). Returns 1 recorded, 0 replayed, 2 before the epoch.
    internal const string RecordScript = """
        local epoch = tonumber(redis.call('GET', KEYS[1]))
        if not epoch then
          local t = redis.call('TIME')
          epoch = math.max(tonumber(ARGV[2]), tonumber(t[1]))
          redis.call('SET', KEYS[1], epoch)
        end
        if tonumber(ARGV[1]) <= epoch then
          return 2
        end
        if redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[3])) then
          return 1
        end
        return 0
        """;

    // Sets the epoch if missing; run on every (re)connection so that a Redis that restarted empty gets
    // its new epoch as soon as the gateway sees it, not at the first signed request.
    internal const string EpochScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          local t = redis.call('TIME')
          redis.call('SET', KEYS[1], math.max(tonumber(ARGV[1]), tonumber(t[1])))
          return 1
        end
        return 0
        """;

    private static readonly RedisKey EpochKey = NonceKeys.Epoch;

    public async ValueTask<NonceResult> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            var multiplexer = await connection.GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            result = await multiplexer.GetDatabase().ScriptEvaluateAsync(
                RecordScript,
                [EpochKey, NonceKeys.For(keyId, nonce)],
                [timestamp, now, NonceKeys.LifetimeSeconds(maxSkewSeconds)]).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogUnavailable(logger, ex);
            throw new NonceStoreUnavailableException("the nonce store is unavailable", ex);
        }

        return (int)result switch
        {
            1 => NonceResult.Recorded,
            0 => NonceResult.Replayed,
            2 => NonceResult.BeforeEpoch,
            var other => throw new NonceStoreUnavailableException(string.Create(CultureInfo.InvariantCulture, $"the nonce store answered {other}")),
        };
    }

    /// <summary>Sets a new epoch if Redis has none (first start, or it lost its data).</summary>
    public async Task EnsureEpochAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var created = (int)await multiplexer.GetDatabase().ScriptEvaluateAsync(EpochScript, [EpochKey], [now]);
            if (created == 1)
            {
                LogNewEpoch(logger);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The record script sets it too, in the same round trip as the nonce; this is only early.
            LogUnavailable(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "HMAC nonce store unavailable; answering 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Redis had no HMAC epoch marker (first use, or it restarted empty, was flushed or evicted keys): requests signed up to now are refused")]
    private static partial void LogNewEpoch(ILogger logger);
}
