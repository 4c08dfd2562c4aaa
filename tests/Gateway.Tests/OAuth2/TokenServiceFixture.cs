using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>A gateway whose only OAuth2 key source is its own token service (no external provider configured).</summary>
public sealed class TokenServiceFixture : IAsyncLifetime
{
    public const string ClientId = "reporting-service";
    public const string Secret = "sk-reporting-3f9a7c1e";
    public const string RotatedSecret = "sk-reporting-rotated-8d2b";
    public const string WriterId = "writer with%special+chars";
    public const string WriterSecret = "s3cret:with%special+chars";
    public const string Issuer = "https://gateway.test";
    public const string Audience = "https://gateway.test/api";

    public RecordingBackend Backend { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;
    public string KeyFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await RecordingBackend.StartAsync();
        var directory = Directory.CreateTempSubdirectory("gw-token-key-").FullName;
        KeyFile = Path.Combine(directory, "token-signing-key.pem");
        global::Gateway.Auth.OAuth2.TokenService.TokenSigningKey.CreateFile(KeyFile);
        var config = new GatewayConfig(Backend.Url).WithOAuth2Routes()
            .Route("writes", "/api/writes/{**rest}", "OAuth2", "write:reports")
            .Set("Auth:TokenService", new JsonObject
            {
                ["Enabled"] = true,
                ["Issuer"] = Issuer,
                ["Audience"] = Audience,
                ["SigningKeyFile"] = KeyFile,
                ["TokenLifetime"] = "00:05:00",
                ["Clients"] = new JsonObject
                {
                    [ClientId] = new JsonObject
                    {
                        ["Secrets"] = new JsonArray(KeyHash.Format(Secret), KeyHash.Format(RotatedSecret)),
                        ["Scopes"] = new JsonArray("read:reports", "export:reports"),
                    },
                    [WriterId] = new JsonObject
                    {
                        ["Secrets"] = new JsonArray(KeyHash.Format(WriterSecret)),
                        ["Scopes"] = new JsonArray("write:reports"),
                    },
                },
            });
        Gateway = await GatewayHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        await Backend.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(KeyFile)!, recursive: true);
    }
}
