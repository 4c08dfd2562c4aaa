using System.Collections.Concurrent;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// The nonce store used without <c>ConnectionStrings:Redis</c>: one process only. Bounded (a full store
/// answers unavailable, never forgets early) and expiring. Its epoch is when it was created, so a
/// restarted gateway refuses requests signed before it started, whose nonces it cannot know. A reload
/// that changes MaxSkew follows the same rules as in Redis (<see cref="RedisNonceStore.RecordScript"/>):
/// nonces are kept for the largest skew seen, and widening it moves the epoch to now.
/// </summary>
/// <remarks>
/// Branch by branch it agrees with the script, except where the process makes a branch impossible: the
/// epoch and the skew state live and die with the store, so neither can go missing (the script's reset()
/// happens once, here, at creation, with the epoch a second earlier and the skew taken from the first
/// request) and the state cannot be unreadable (the script's 503 for another build's record).
/// </remarks>
internal sealed class MemoryNonceStore : INonceStore
{
    public const int DefaultCapacity = 1_000_000;

    /// <summary>The skew before the first request: whatever it brings is kept, with nothing to widen from.</summary>
    private const long NoSkewYet = -1;

    private readonly ConcurrentDictionary<string, long> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly Lock _purgeLock = new();
    private SkewState _skew;

    public MemoryNonceStore(TimeProvider time)
        : this(time, DefaultCapacity)
    {
    }

    internal MemoryNonceStore(TimeProvider time, int capacity)
    {
        _time = time;
        _capacity = capacity;
        // Strictly older than the start: a previous process cannot have accepted anything in the second this one started.
        _skew = new SkewState(RefusedUpTo: time.GetUtcNow().ToUnixTimeSeconds() - 1, MaxSkew: NoSkewYet, GuardUntil: 0, GuardSkew: 0);
    }

    public ValueTask<NonceOutcome> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var (skew, widenedFrom) = SkewFor(maxSkewSeconds, now);
        return ValueTask.FromResult(new NonceOutcome(Record(keyId, nonce, timestamp, now, skew), widenedFrom));
    }

    private NonceResult Record(string keyId, string nonce, long timestamp, long now, SkewState skew)
    {
        if (timestamp <= skew.RefusedUpTo)
        {
            // As in the script: a widening leaves GuardUntil past the epoch it set, the start leaves it at 0.
            return skew.GuardUntil > skew.RefusedUpTo ? NonceResult.BeforeWidening : NonceResult.BeforeEpoch;
        }
        if (timestamp <= skew.GuardUntil && now - timestamp > skew.GuardSkew)
        {
            return NonceResult.OlderThanPreviousSkew;
        }

        var expiry = now + NonceKeys.LifetimeSeconds(skew.MaxSkew);
        var key = NonceKeys.For(keyId, nonce);
        while (true)
        {
            if (_expiries.TryGetValue(key, out var existing))
            {
                if (existing > now)
                {
                    return NonceResult.Replayed;
                }
                // Expired: take it over atomically; a concurrent taker makes this fail and we look again.
                if (_expiries.TryUpdate(key, expiry, existing))
                {
                    return NonceResult.Recorded;
                }
                continue;
            }

            if (_expiries.Count >= _capacity && !Purge(now))
            {
                throw new NonceStoreUnavailableException("the in-memory nonce store is full");
            }
            if (_expiries.TryAdd(key, expiry))
            {
                return NonceResult.Recorded;
            }
        }
    }

    /// <summary>
    /// The skew state for a caller with <paramref name="maxSkewSeconds"/>, widened first if that is the largest
    /// yet; with the skew this call widened from, if it did.
    /// </summary>
    private (SkewState State, long? WidenedFrom) SkewFor(long maxSkewSeconds, long now)
    {
        while (true)
        {
            var current = Volatile.Read(ref _skew);
            if (maxSkewSeconds <= current.MaxSkew)
            {
                return (current, null);
            }
            var first = current.MaxSkew == NoSkewYet;
            var widened = first
                ? current with { MaxSkew = maxSkewSeconds }
                : new SkewState(
                    RefusedUpTo: Math.Max(current.RefusedUpTo, now),
                    MaxSkew: maxSkewSeconds,
                    GuardUntil: now + current.MaxSkew + NonceKeys.ClockAllowanceSeconds,
                    GuardSkew: current.GuardUntil <= now ? current.MaxSkew : current.GuardSkew);
            if (Interlocked.CompareExchange(ref _skew, widened, current) == current)
            {
                return (widened, first ? null : current.MaxSkew);
            }
        }
    }

    /// <summary>Drops expired nonces; true when there is room afterwards.</summary>
    private bool Purge(long now)
    {
        lock (_purgeLock)
        {
            if (_expiries.Count >= _capacity)
            {
                foreach (var (key, expiry) in _expiries)
                {
                    if (expiry <= now)
                    {
                        _expiries.TryRemove(new KeyValuePair<string, long>(key, expiry));
                    }
                }
            }
            return _expiries.Count < _capacity;
        }
    }

    /// <summary>
    /// Requests signed at or before <paramref name="RefusedUpTo"/> are refused; nonces are kept for
    /// <paramref name="MaxSkew"/>, the largest skew seen; requests signed up to <paramref name="GuardUntil"/>
    /// are held to <paramref name="GuardSkew"/>, the skew nonces were kept for before the last widening.
    /// </summary>
    private sealed record SkewState(long RefusedUpTo, long MaxSkew, long GuardUntil, long GuardSkew);
}
