using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>
/// One recording backend and one gateway with Mtls routes (one forwarding the certificate), an ApiKey
/// route and the test PKI. TrustedCaFile is given relative to the config file's directory, so every
/// test here also shows that the handler resolves it the way validation does.
/// </summary>
public sealed class MtlsGatewayFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-mtls-fixture-key";

    public MtlsTestPki Pki { get; } = new();

    public RecordingBackend Backend { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await RecordingBackend.StartAsync();
        Gateway = await GatewayHost.StartAsync(Config(Backend.Url, Pki, relativeTo: Path.GetTempPath()).WithHttpEndpoint());
    }

    /// <summary>
    /// The Mtls test config. With <paramref name="relativeTo"/>, TrustedCaFile is written relative to
    /// that directory's subdirectories (where <see cref="GatewayHost"/> puts its config file).
    /// </summary>
    public static GatewayConfig Config(string backendUrl, MtlsTestPki pki, string? relativeTo = null)
    {
        var caFile = relativeTo is null ? pki.CaPath : Path.Combine("..", Path.GetRelativePath(relativeTo, pki.CaPath));
        return new GatewayConfig(backendUrl)
            .Route("internal", "/internal/{**rest}", "Mtls", "read:transactions")
            .Route("internal-fwd", "/internal-fwd/{**rest}", "Mtls", metadata: new Dictionary<string, string> { ["ForwardCertificate"] = "true" })
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .ApiKeyClient("payment-service", ApiKey, "read:transactions")
            .Set("Auth:Mtls:TrustedCaFile", caFile)
            .Set("Auth:Mtls:Clients", new System.Text.Json.Nodes.JsonObject
            {
                [MtlsTestPki.PaymentCn] = new System.Text.Json.Nodes.JsonObject { ["Scopes"] = new System.Text.Json.Nodes.JsonArray("read:transactions") },
                [MtlsTestPki.OrderCn] = new System.Text.Json.Nodes.JsonObject { ["Scopes"] = new System.Text.Json.Nodes.JsonArray("read:orders", "write:orders") },
            });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        Pki.Dispose();
    }
}
