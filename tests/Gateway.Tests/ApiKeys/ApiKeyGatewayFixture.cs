using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.ApiKeys;

/// <summary>One recording backend and one gateway with ApiKey and public routes, shared by a test class.</summary>
public sealed class ApiKeyGatewayFixture : IAsyncLifetime
{
    public const string PaymentKey = "sk-live-a1b2c3d4";
    public const string PaymentKeyRotated = "sk-live-rotated-9z8y7x";
    public const string TestKey = "sk-test-e5f6g7h8";

    public RecordingBackend Backend { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(Backend.Url)
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .Route("public", "/public/{**rest}", "None")
            .ApiKeyClient("payment-service", PaymentKey, "read:transactions")
            .ApiKeyClient("payment-service", PaymentKeyRotated, "read:transactions")
            .ApiKeyClient("test-client", TestKey, "read:test");
        Gateway = await GatewayHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
