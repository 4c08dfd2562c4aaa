using System.Collections.Concurrent;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// The nonce store used without <c>ConnectionStrings:Redis</c>: one process only. Bounded (a full store
/// answers unavailable, never forgets early) and expiring. Its epoch is when it was created, so a
/// restarted gateway refuses requests signed before it started, whose nonces it cannot know.
/// </summary>
internal sealed class MemoryNonceStore : INonceStore
{
    public const int DefaultCapacity = 1_000_000;

    private readonly ConcurrentDictionary<string, long> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly long _epoch;
    private readonly Lock _purgeLock = new();

    public MemoryNonceStore(TimeProvider time)
        : this(time, DefaultCapacity)
    {
    }

    internal MemoryNonceStore(TimeProvider time, int capacity)
    {
        _time = time;
        _capacity = capacity;
        _epoch = time.GetUtcNow().ToUnixTimeSeconds();
    }

    public ValueTask<NonceResult> TryRecordAsync(string keyId, string nonce, long timestamp, long maxSkewSeconds, CancellationToken cancellationToken)
    {
        // Strictly older: a previous process cannot have accepted anything in the second this one started.
        if (timestamp < _epoch)
        {
            return ValueTask.FromResult(NonceResult.BeforeEpoch);
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var expiry = now + NonceKeys.LifetimeSeconds(maxSkewSeconds);
        var key = NonceKeys.For(keyId, nonce);
        while (true)
        {
            if (_expiries.TryGetValue(key, out var existing))
            {
                if (existing > now)
                {
                    return ValueTask.FromResult(NonceResult.Replayed);
                }
                // Expired: take it over atomically; a concurrent taker makes this fail and we look again.
                if (_expiries.TryUpdate(key, expiry, existing))
                {
                    return ValueTask.FromResult(NonceResult.Recorded);
                }
                continue;
            }

            if (_expiries.Count >= _capacity && !Purge(now))
            {
                throw new NonceStoreUnavailableException("the in-memory nonce store is full");
            }
            if (_expiries.TryAdd(key, expiry))
            {
                return ValueTask.FromResult(NonceResult.Recorded);
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
}
