using Gateway.Auth.Hmac.Nonces;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Hmac;

/// <summary>
/// Both nonce stores (memory, and Redis on a real redis-server) while MaxSkew changes, under a gateway
/// clock the test moves: a nonce recorded under a small skew must not expire while a wider one still
/// accepts its timestamp.
/// </summary>
public sealed class NonceStoreSkewTests
{
    public static TheoryData<string> Stores => new() { "memory", "redis" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WideningTheSkew_RefusesTheReplayOfARequestSignedBeforeIt_AfterItsNonceExpired(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 5);
        var signed = store.Now;
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", signed, maxSkew: 5));

        // Kept 2 x 5 s + 60 s: gone after 71 s, while a 10-minute skew still accepts its timestamp.
        await store.AdvanceAsync(71);
        var replay = await store.RecordAsync("nonce-0001", signed, maxSkew: 600);

        Assert.Equal(NonceResult.BeforeWidening, replay);
        // Signed after the widening (from the next second on): accepted.
        await store.AdvanceAsync(1);
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0002", store.Now, maxSkew: 600));
        Assert.Equal([(5L, 600L)], store.Widenings);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task LoweringTheSkew_NeverShortensALifetime_SoRaisingItAgainIsSafe(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 600);
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", store.Now, maxSkew: 600));

        var signed = store.Now;
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0002", signed, maxSkew: 5));
        await store.AdvanceAsync(71);
        var replay = await store.RecordAsync("nonce-0002", signed, maxSkew: 600);

        Assert.Equal(NonceResult.Replayed, replay);
        Assert.Empty(store.Widenings);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WideningRightAfterAFutureDatedRequest_RefusesItsReplayAfterItsNonceExpired(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 60);
        var t0 = store.Now;
        // A client clock 55 s ahead: accepted under a 60 s skew, kept 180 s from t0, i.e. until 125 s past its timestamp.
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", t0 + 55, maxSkew: 60));
        await store.AdvanceAsync(1);
        Assert.Equal(NonceResult.BeforeWidening, await store.RecordAsync("nonce-0002", store.Now, maxSkew: 1800));

        await store.AdvanceAsync(180);
        // Signed after the widening epoch and 126 s old: inside 30 minutes, but its nonce is gone.
        var replay = await store.RecordAsync("nonce-0001", t0 + 55, maxSkew: 1800);

        Assert.Equal(NonceResult.OlderThanPreviousSkew, replay);
        Assert.Equal([(60L, 1800L)], store.Widenings);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AfterAWidening_TheOldSkewHoldsForRequestsSignedUntilAMinutePastIt_AndNoLonger(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 60);
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", store.Now, maxSkew: 60));
        // Well ahead of Redis's clock, so that the widening happens at the gateway's time, to the second.
        await store.AdvanceAsync(10);
        var widened = store.Now;
        Assert.Equal(NonceResult.BeforeWidening, await store.RecordAsync("nonce-0002", widened, maxSkew: 1800));
        var guardUntil = widened + 60 + 60;

        // Long after the guard: 179 and 178 s old, both beyond the old 60 s and well inside 30 minutes.
        await store.AdvanceAsync(300);
        Assert.Equal(NonceResult.OlderThanPreviousSkew, await store.RecordAsync("nonce-0003", guardUntil, maxSkew: 1800));
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0004", guardUntil + 1, maxSkew: 1800));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WideningTwiceInARow_KeepsTheFirstSkewForRequestsSignedUnderIt(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 5);
        var t0 = store.Now;
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", t0 + 5, maxSkew: 5));
        await store.AdvanceAsync(1);
        Assert.Equal(NonceResult.BeforeWidening, await store.RecordAsync("nonce-0002", store.Now, maxSkew: 200));
        await store.AdvanceAsync(1);
        Assert.Equal(NonceResult.BeforeWidening, await store.RecordAsync("nonce-0003", store.Now, maxSkew: 1800));

        await store.AdvanceAsync(69);
        // 66 s old: inside both wider skews, but it was recorded under 5 s.
        var replay = await store.RecordAsync("nonce-0001", t0 + 5, maxSkew: 1800);

        Assert.Equal(NonceResult.OlderThanPreviousSkew, replay);
        Assert.Equal([(5L, 200L), (200L, 1800L)], store.Widenings);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ConcurrentCallsWithAWiderSkew_ReportTheWideningOnce(string kind)
    {
        await using var store = await SkewedStore.StartAsync(kind, servedWithSkew: 5);
        Assert.Equal(NonceResult.Recorded, await store.RecordAsync("nonce-0001", store.Now, maxSkew: 5));
        await store.AdvanceAsync(1);

        // Signed ahead of the clocks (the gateway's and Redis's), so that the widening's epoch refuses none of them.
        var signed = store.Now + 30;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            store.Store.TryRecordAsync("client-1", $"concurrent-{i:D4}", signed, 600, default).AsTask())));

        Assert.Equal([5L], outcomes.Where(o => o.WidenedFromSeconds is not null).Select(o => o.WidenedFromSeconds!.Value));
        Assert.All(outcomes, o => Assert.Equal(NonceResult.Recorded, o.Result));
    }

    /// <summary>
    /// A nonce store and a gateway clock the test moves. Redis expires keys by its own clock, so when the
    /// moved clock passes a Redis nonce's lifetime (read from its TTL when it was recorded), the nonce is
    /// deleted, as Redis would have expired it by then.
    /// </summary>
    private sealed class SkewedStore : IAsyncDisposable
    {
        private const string KeyId = "client-1";

        private readonly ManualTimeProvider _clock;
        private readonly INonceStore _store;
        private readonly RedisServer? _redis;
        private readonly RedisConnection? _connection;
        private readonly Dictionary<string, long> _redisExpiries = [];

        private SkewedStore(ManualTimeProvider clock, INonceStore store, RedisServer? redis, RedisConnection? connection)
        {
            _clock = clock;
            _store = store;
            _redis = redis;
            _connection = connection;
        }

        public long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

        public INonceStore Store => _store;

        /// <summary>The widenings <see cref="RecordAsync"/> calls reported, as (from, to) in seconds.</summary>
        public List<(long From, long To)> Widenings { get; } = [];

        /// <summary>
        /// A store that has served for an hour with <paramref name="servedWithSkew"/>: in Redis, an epoch an hour
        /// old and the skew record that gateways with that skew write; the memory store takes it from the first
        /// request, which these tests make with it.
        /// </summary>
        public static async Task<SkewedStore> StartAsync(string kind, long servedWithSkew)
        {
            if (kind == "memory")
            {
                var memoryClock = Clock();
                return new SkewedStore(memoryClock, new MemoryNonceStore(memoryClock), null, null);
            }
            var redis = await RedisServer.StartAsync();
            var clock = Clock();
            // Its epoch lies well before the test's requests (as in HmacGatewayFixture).
            await redis.CommandAsync("SET", NonceKeys.Epoch, (clock.GetUtcNow().ToUnixTimeSeconds() - 3600).ToString());
            await redis.CommandAsync("SET", NonceKeys.Skew, $"{servedWithSkew} 0 0");
            var connection = new RedisConnection(RedisConnection.CreateOptions(redis.ConnectionString), NullLogger<RedisConnection>.Instance);
            return new SkewedStore(clock, new RedisNonceStore(connection, clock, NullLogger<RedisNonceStore>.Instance), redis, connection);
        }

        /// <summary>Now, on a whole second, so that "71 s later" is 71 seconds of Unix time.</summary>
        private static ManualTimeProvider Clock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        public async Task<NonceResult> RecordAsync(string nonce, long timestamp, long maxSkew)
        {
            var (result, widenedFrom) = await _store.TryRecordAsync(KeyId, nonce, timestamp, maxSkew, default);
            if (widenedFrom is { } from)
            {
                Widenings.Add((from, maxSkew));
            }
            if (result == NonceResult.Recorded && _redis is not null)
            {
                var ttl = long.Parse(await _redis.CommandAsync("TTL", NonceKeys.For(KeyId, nonce)));
                Assert.True(ttl > 0, $"nonce recorded without a lifetime (TTL {ttl})");
                _redisExpiries[nonce] = Now + ttl;
            }
            return result;
        }

        public async Task AdvanceAsync(long seconds)
        {
            _clock.Advance(TimeSpan.FromSeconds(seconds));
            foreach (var nonce in _redisExpiries.Where(e => e.Value <= Now).Select(e => e.Key).ToList())
            {
                await _redis!.CommandAsync("DEL", NonceKeys.For(KeyId, nonce));
                _redisExpiries.Remove(nonce);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }
}
