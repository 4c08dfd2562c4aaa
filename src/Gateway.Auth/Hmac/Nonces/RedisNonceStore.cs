using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Nonces in Redis, shared by every gateway instance. One script, one round trip: check the epoch
/// marker and the skew record (starting both afresh if Redis lost either, widening the record if this
/// gateway's MaxSkew is the largest yet), then <c>SET key NX EX ttl</c>. Any failure to get an answer,
/// and a skew record the script cannot read, is a <see cref="NonceStoreUnavailableException"/>: there
/// is no fallback to memory.
/// </summary>
internal sealed partial class RedisNonceStore(RedisConnection connection, TimeProvider time, ILogger<RedisNonceStore> logger) : INonceStore
{
    // Both scripts: KEYS[1] epoch marker, KEYS[2] skew record.
    //
    // The epoch never expires: if it is missing (or not a number), Redis restarted empty, was flushed or
    // evicted it, and every nonce recorded before then may be gone. reset() sets a new epoch, the later of
    // the old one (if any), the gateway's clock and Redis's, and requests signed at or before it are
    // refused (same second included: it may have been accepted just before the loss).
    //
    // The skew record ("max guardUntil guardSkew", never expires) makes MaxSkew safe to change on reload,
    // restart or per instance. Every nonce is kept 2 x max + allowance, max being the largest MaxSkew any
    // gateway has recorded with since the epoch: a gateway with a smaller skew never shortens a lifetime.
    // Without the record nothing says how long the nonces in Redis are kept, so a record missing beside
    // an epoch (deleted by hand, evicted, lost in a failover, or never written by an older gateway) is a
    // wipe too: reset() moves the epoch, and the record starts afresh at this gateway's skew. A record that
    // is there but does not parse (another build's format, corruption) is neither trusted nor overwritten:
    // the record script answers 4 and the gateway 503, until an operator deletes it (which resets).
    private const string SharedFunctions = """
        local function readRecord()
          local record = redis.call('GET', KEYS[2])
          if not record then
            return 'missing'
          end
          local max, guardUntil, guardSkew = string.match(record, '^(%d+) (%d+) (%d+)$')
          if not max then
            return 'unreadable'
          end
          return 'ok', tonumber(max), tonumber(guardUntil), tonumber(guardSkew)
        end
        local function reset(epoch, now, skew)
          local t = redis.call('TIME')
          epoch = math.max(epoch or 0, now, tonumber(t[1]))
          redis.call('SET', KEYS[1], epoch)
          redis.call('SET', KEYS[2], skew .. ' 0 0')
          return epoch
        end

        """;

    // KEYS[3] nonce key; ARGV[1] request timestamp, ARGV[2] gateway time, ARGV[3] this gateway's MaxSkew,
    // ARGV[4] the allowance for clock differences (all in seconds). Returns {verdict, wiped, widenedFrom}:
    //  - verdict: 1 recorded, 0 replayed, 2 signed before an epoch a reset set, 5 signed before an epoch a
    //    widening set, 3 older than the skew its nonce may have been kept for, 4 skew record unreadable
    //    (nothing checked, nothing written);
    //  - wiped: 0, or the reset this call made: 1 epoch was missing, 2 record was missing (as EpochScript);
    //  - widenedFrom: -1, or the max this call widened from.
    //
    // A gateway whose skew exceeds max widens it, because nonces recorded so far may expire while the
    // wider skew still accepts their timestamps:
    //  - the epoch moves to now (the later clock, as in reset()), so everything signed until now is refused;
    //  - requests signed after it that the old skew could have accepted before now (up to guardUntil =
    //    now + old max + allowance) keep the old skew (guardSkew) as their window: their nonces are
    //    surely kept that long. If an earlier widening's guard still covers timestamps after the new
    //    epoch, its smaller guardSkew stays.
    // Every nonce recorded from then on is kept for the wider skew. Which of the two moved the epoch last
    // shows in the record: a reset leaves guardUntil at 0, a widening sets it past the epoch.
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);
    private long _unavailableLoggedAt;
    private long _unreadableLoggedAt;

    internal const string RecordScript = SharedFunctions + """
        local timestamp, now, skew, allowance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local epoch = tonumber(redis.call('GET', KEYS[1]))
        local state, max, guardUntil, guardSkew = 'missing'
        local wiped, widenedFrom = 0, -1
        if epoch then
          state, max, guardUntil, guardSkew = readRecord()
          if state == 'unreadable' then
            return {4, wiped, widenedFrom}
          end
        end
        if state == 'missing' then
          wiped = epoch and 2 or 1
          epoch = reset(epoch, now, skew)
          max, guardUntil, guardSkew = skew, 0, 0
        elseif skew > max then
          local t = redis.call('TIME')
          local widened = math.max(now, tonumber(t[1]))
          if guardUntil <= widened then
            guardSkew = max
          end
          guardUntil = widened + max + allowance
          widenedFrom = max
          max = skew
          epoch = math.max(epoch, widened)
          redis.call('SET', KEYS[1], epoch)
          redis.call('SET', KEYS[2], max .. ' ' .. guardUntil .. ' ' .. guardSkew)
        end
        local verdict
        if timestamp <= epoch then
          verdict = guardUntil > epoch and 5 or 2
        elseif timestamp <= guardUntil and now - timestamp > guardSkew then
          verdict = 3
        elseif redis.call('SET', KEYS[3], '1', 'NX', 'EX', 2 * max + allowance) then
          verdict = 1
        else
          verdict = 0
        end
        return {verdict, wiped, widenedFrom}
        """;

    // ARGV[1] gateway time, ARGV[2] this gateway's MaxSkew. Run on every (re)connection so that a Redis
    // that lost its data gets its new epoch (and record) as soon as the gateway sees it, not at the first
    // signed request. Returns 0 nothing to do, 1 epoch was missing, 2 record was missing beside the epoch
    // (both reset), 4 record unreadable (left alone: the record script answers 503).
    internal const string EpochScript = SharedFunctions + """
        local epoch = tonumber(redis.call('GET', KEYS[1]))
        local state = 'missing'
        if epoch then
          state = readRecord()
          if state == 'ok' then
            return 0
          elseif state == 'unreadable' then
            return 4
          end
        end
        reset(epoch, tonumber(ARGV[1]), tonumber(ARGV[2]))
        if epoch then
          return 2
        end
        return 1
        """;

    private static readonly RedisKey EpochKey = NonceKeys.Epoch;
    private static readonly RedisKey SkewKey = NonceKeys.Skew;
    private static readonly RedisValue ClockAllowance = NonceKeys.ClockAllowanceSeconds;

    public async ValueTask<NonceOutcome> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken)
    {
        RedisResult[]? answer;
        try
        {
            var multiplexer = await connection.GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            answer = (RedisResult[]?)await multiplexer.GetDatabase().ScriptEvaluateAsync(
                RecordScript,
                [EpochKey, SkewKey, NonceKeys.For(keyId, nonce)],
                [timestamp, now, maxSkewSeconds, ClockAllowance]).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (LogDue(ref _unavailableLoggedAt))
            {
                LogUnavailable(logger, ex);
            }
            throw new NonceStoreUnavailableException("the nonce store is unavailable", ex);
        }
        if (answer is not [var verdict, var wiped, var widenedFrom])
        {
            throw new NonceStoreUnavailableException("the nonce store gave an answer of the wrong shape");
        }

        ReportReset((int)wiped);
        var result = (int)verdict switch
        {
            1 => NonceResult.Recorded,
            0 => NonceResult.Replayed,
            2 => NonceResult.BeforeEpoch,
            5 => NonceResult.BeforeWidening,
            3 => NonceResult.OlderThanPreviousSkew,
            4 => throw Unreadable(),
            var other => throw new NonceStoreUnavailableException(string.Create(CultureInfo.InvariantCulture, $"the nonce store answered {other}")),
        };
        var previous = (long)widenedFrom;
        return new NonceOutcome(result, previous >= 0 ? previous : null);
    }

    /// <summary>
    /// Sets a new epoch, and a skew record at <paramref name="maxSkewSeconds"/>, if Redis has either missing
    /// (first start, or it lost data).
    /// </summary>
    public async Task EnsureEpochAsync(ConnectionMultiplexer multiplexer, long maxSkewSeconds)
    {
        try
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var outcome = (int)await multiplexer.GetDatabase().ScriptEvaluateAsync(EpochScript, [EpochKey, SkewKey], [now, maxSkewSeconds]);
            if (outcome == 4)
            {
                LogSkewRecordUnreadable(logger, NonceKeys.Skew);
            }
            else
            {
                ReportReset(outcome);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The record script sets them too, in the same round trip as the nonce; this is only early.
            LogUnavailable(logger, ex);
        }
    }

    /// <summary>Logs the reset a script made: 1 the epoch was missing, 2 the skew record was.</summary>
    private void ReportReset(int wiped)
    {
        if (wiped == 1)
        {
            LogNewEpoch(logger);
        }
        else if (wiped == 2)
        {
            LogSkewRecordMissing(logger, NonceKeys.Skew);
        }
    }

    private NonceStoreUnavailableException Unreadable()
    {
        if (LogDue(ref _unreadableLoggedAt))
        {
            LogSkewRecordUnreadable(logger, NonceKeys.Skew);
        }
        return new NonceStoreUnavailableException("the HMAC skew record in Redis is unreadable");
    }

    /// <summary>
    /// Per-request failures are logged at most once per <see cref="FailureLogInterval"/>: every signed
    /// request gets its 503 while the fault lasts, and the log should say so once, not thousands of times a second.
    /// </summary>
    private bool LogDue(ref long loggedAt)
    {
        var now = time.GetTimestamp();
        var last = Volatile.Read(ref loggedAt);
        return (last == 0 || time.GetElapsedTime(last, now) >= FailureLogInterval)
            && Interlocked.CompareExchange(ref loggedAt, now, last) == last;
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "HMAC nonce store unavailable; answering 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Redis had no HMAC epoch marker (first use, or it restarted empty, was flushed or evicted keys): requests signed up to now are refused")]
    private static partial void LogNewEpoch(ILogger logger);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Warning, Message = "Redis had the HMAC epoch marker but no skew record {Key} (deleted, evicted, lost in a failover, or never written by an older gateway), so how long its nonces are kept is unknown: treated as a wipe, requests signed up to now are refused")]
    private static partial void LogSkewRecordMissing(ILogger logger, string key);

    [LoggerMessage(EventId = 5114, Level = LogLevel.Error, Message = "Redis key {Key} does not hold an HMAC skew record this gateway can read (\"max guardUntil guardSkew\" in seconds; another gateway build's format, or corrupted): HMAC routes answer 503 until it is fixed. Deleting it makes the next request reset the nonce store: requests signed before then are refused once")]
    private static partial void LogSkewRecordUnreadable(ILogger logger, string key);
}
