using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

public sealed class TokenServiceKeyFileTests
{
    [Fact]
    public async Task KeyFileCorruptedWhileRunning_KeepsSigningWithTheLoadedKey_NeverA500()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var directory = Directory.CreateTempSubdirectory("gw-keyfile-run-").FullName;
        try
        {
            var keyFile = Path.Combine(directory, "key.pem");
            TokenSigningKey.CreateFile(keyFile);
            var config = new GatewayConfig(backend.Url).WithOAuth2Routes()
                .Set("Auth:TokenService", new JsonObject
                {
                    ["Enabled"] = true,
                    ["SigningKeyFile"] = keyFile,
                    ["Clients"] = new JsonObject
                    {
                        [TokenServiceFixture.ClientId] = new JsonObject
                        {
                            ["Secrets"] = new JsonArray(KeyHash.Format(TokenServiceFixture.Secret)),
                            ["Scopes"] = new JsonArray("read:reports"),
                        },
                    },
                });
            await using var gateway = await GatewayHost.StartAsync(config);
            using var client = gateway.CreateClient();
            var kid = await FetchKidAsync(client);

            await File.WriteAllTextAsync(keyFile, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
            File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));

            Assert.Equal(kid, await FetchKidAsync(client));
            await Wait.UntilAsync(() => gateway.LogText().Contains("could not re-read the signing key file", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the bad key file is logged");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> FetchKidAsync(HttpClient client)
    {
        using var response = await client.SendAsync(TokenServiceTests.AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, null));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.RootElement.GetProperty("access_token").GetString()!).Kid;
    }
}
