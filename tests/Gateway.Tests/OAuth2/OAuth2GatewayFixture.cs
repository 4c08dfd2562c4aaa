using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>A test identity provider (key "k1"), a recording backend and a gateway trusting the provider's JWKS.</summary>
public sealed class OAuth2GatewayFixture : IAsyncLifetime
{
    public TestSigningKey Key { get; } = TestSigningKey.Create("k1");
    public TestIdentityProvider Idp { get; private set; } = null!;
    public RecordingBackend Backend { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Idp = await TestIdentityProvider.StartAsync(Key);
        Backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(Backend.Url).WithOAuth2Routes().WithJwks(Idp)
            // A long cooldown: hostile tokens in these tests must not make the gateway fetch over and over.
            .Set("Auth:OAuth2:RefreshCooldown", "00:10:00");
        Gateway = await GatewayHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await Idp.DisposeAsync();
    }
}
