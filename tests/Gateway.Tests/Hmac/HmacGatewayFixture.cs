using Gateway.Auth.Hmac.Nonces;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>A real redis-server, a recording backend and a gateway with Hmac and ApiKey routes, shared by a test class.</summary>
public sealed class HmacGatewayFixture : IAsyncLifetime
{
    public const long MaxBodyBytes = 64 * 1024;

    public RedisServer Redis { get; private set; } = null!;
    public RecordingBackend Backend { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        // A Redis that has served for an hour: its epoch marker is old, so timestamps up to MaxSkew in
        // the past count (on a brand-new or wiped Redis, anything signed before its epoch is refused), and
        // its skew record says the gateway's 5 minutes (without one, the gateway would treat it as wiped).
        await Redis.CommandAsync("SET", HmacTestClient.EpochKey, (HmacTestClient.Now - 3600).ToString());
        await Redis.CommandAsync("SET", NonceKeys.Skew, "300 0 0");
        Backend = await RecordingBackend.StartAsync();
        Gateway = await GatewayHost.StartAsync(HmacTestClient.Config(Backend, Redis, MaxBodyBytes));
        await HmacTestClient.WaitPastEpochAsync(Redis);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
