using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Nonces in Redis, shared by every gateway instance. One script, one round trip: check the epoch
/// marker (setting a new one if Redis lost it) and the skew record (widening it if this gateway's
/// MaxSkew is the largest yet), then <c>SET key NX EX ttl</c>. Any failure to get an answer is a
/// <see cref="NonceStoreUnavailableException"/>: there is no fallback to memory.
/// </summary>
internal sealed partial class RedisNonceStore(RedisConnection connection, TimeProvider time, ILogger<RedisNonceStore> logger) : INonceStore
{
    // KEYS[1] epoch marker, KEYS[2] skew record, KEYS[3] nonce key; ARGV[1] request timestamp, ARGV[2]
    // gateway time, ARGV[3] this gateway's MaxSkew, ARGV[4] the allowance for clock differences (all in
    // seconds). Returns 1 recorded, 0 replayed, 2 before the epoch, 3 older than the skew its nonce may
    // have been kept for.
    //
    // The epoch never expires: if it is missing, Redis restarted empty, was flushed or evicted it, and
    // every nonce recorded before then may be gone. The new epoch is the later of the gateway's and
    // Redis's clocks, and requests signed at or before it are refused (same second included: it may
    // have been accepted just before the loss). The skew record is started afresh with it.
    //
    // The skew record ("max guardUntil guardSkew", never expires) makes MaxSkew safe to change on reload,
    // restart or per instance. Every nonce is kept 2 x max + allowance, max being the largest MaxSkew any
    // gateway has recorded with since the epoch: a gateway with a smaller skew never shortens a lifetime.
    // A gateway whose skew exceeds max widens it, because nonces recorded so far may expire while the
    // wider skew still accepts their timestamps:
    //  - the epoch moves to now (the later clock, as above), so everything signed until now is refused;
    //  - requests signed after it that the old skew could have accepted before now (up to guardUntil =
    //    now + old max + allowance) keep the old skew (guardSkew) as their window: their nonces are
    //    surely kept that long. If an earlier widening's guard still covers timestamps after the new
    //    epoch, its smaller guardSkew stays.
    // Every nonce recorded from then on is kept for the wider skew. A record missing beside an epoch
    // (written by a gateway from before the record existed) starts at this gateway's skew.
    internal const string RecordScript = """
        local timestamp, now, skew, allowance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local epoch = tonumber(redis.call('GET', KEYS[1]))
        local max, guardUntil, guardSkew
        if epoch then
          local record = redis.call('GET', KEYS[2])
          if record then
            max, guardUntil, guardSkew = string.match(record, '^(%d+) (%d+) (%d+)$')
          end
        else
          local t = redis.call('TIME')
          epoch = math.max(now, tonumber(t[1]))
          redis.call('SET', KEYS[1], epoch)
        end
        if not max then
          max, guardUntil, guardSkew = skew, 0, 0
          redis.call('SET', KEYS[2], max .. ' 0 0')
        else
          max, guardUntil, guardSkew = tonumber(max), tonumber(guardUntil), tonumber(guardSkew)
          if skew > max then
            local t = redis.call('TIME')
            local widened = math.max(now, tonumber(t[1]))
            if guardUntil <= widened then
              guardSkew = max
            end
            guardUntil = widened + max + allowance
            max = skew
            epoch = math.max(epoch, widened)
            redis.call('SET', KEYS[1], epoch)
            redis.call('SET', KEYS[2], max .. ' ' .. guardUntil .. ' ' .. guardSkew)
          end
        end
        if timestamp <= epoch then
          return 2
        end
        if timestamp <= guardUntil and now - timestamp > guardSkew then
          return 3
        end
        if redis.call('SET', KEYS[3], '1', 'NX', 'EX', 2 * max + allowance) then
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
    private static readonly RedisKey SkewKey = NonceKeys.Skew;
    private static readonly RedisValue ClockAllowance = NonceKeys.ClockAllowanceSeconds;

    public async ValueTask<NonceResult> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            var multiplexer = await connection.GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            result = await multiplexer.GetDatabase().ScriptEvaluateAsync(
                RecordScript,
                [EpochKey, SkewKey, NonceKeys.For(keyId, nonce)],
                [timestamp, now, maxSkewSeconds, ClockAllowance]).WaitAsync(cancellationToken);
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
            3 => NonceResult.OutsideWindow,
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
