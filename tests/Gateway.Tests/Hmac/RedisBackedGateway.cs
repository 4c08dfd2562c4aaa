using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// One fault test's own Redis, recording backend and gateway (HMAC nonces in that Redis), started and
/// with the epoch marker set and passed, so requests signed from now on are accepted.
/// </summary>
internal sealed class RedisBackedGateway : IAsyncDisposable
{
    private RedisBackedGateway(RedisServer redis, RecordingBackend backend, GatewayHost gateway)
    {
        Redis = redis;
        Backend = backend;
        Gateway = gateway;
        Client = gateway.CreateClient();
    }

    public RedisServer Redis { get; }

    public RecordingBackend Backend { get; }

    public GatewayHost Gateway { get; }

    public HttpClient Client { get; }

    public static async Task<RedisBackedGateway> StartAsync()
    {
        var redis = await RedisServer.StartAsync();
        RecordingBackend? backend = null;
        GatewayHost? gateway = null;
        try
        {
            backend = await RecordingBackend.StartAsync();
            gateway = await GatewayHost.StartAsync(HmacTestClient.Config(backend, redis));
            await HmacTestClient.WaitPastEpochAsync(redis);
            return new RedisBackedGateway(redis, backend, gateway);
        }
        catch
        {
            await DisposeAllAsync(gateway, backend, redis);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await DisposeAllAsync(Gateway, Backend, Redis);
    }

    private static async Task DisposeAllAsync(GatewayHost? gateway, RecordingBackend? backend, RedisServer redis)
    {
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }
        if (backend is not null)
        {
            await backend.DisposeAsync();
        }
        await redis.DisposeAsync();
    }
}
