using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

public sealed class TokenServiceKeyFileTests
{
    [Fact]
    public async Task KeyFileCorruptedWhileRunning_KeepsSigningWithTheLoadedKey_NeverA500()
    {
        await KeyFileReplacedWithAnUnusableOne_KeepsSigningWithTheLoadedKeyAsync("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
    }

    [Fact]
    public async Task KeyFileReplacedWithAPublicKey_KeepsSigningWithTheLoadedKey_TokensStillPass_NeverA500()
    {
        using var rsa = RSA.Create(2048);
        await KeyFileReplacedWithAnUnusableOne_KeepsSigningWithTheLoadedKeyAsync(rsa.ExportSubjectPublicKeyInfoPem());
    }

    private static async Task KeyFileReplacedWithAnUnusableOne_KeepsSigningWithTheLoadedKeyAsync(string replacement)
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
            var (kid, _) = await FetchTokenAsync(client);

            await File.WriteAllTextAsync(keyFile, replacement);
            File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));

            var (kidAfter, token) = await FetchTokenAsync(client);
            Assert.Equal(kid, kidAfter);
            await Wait.UntilAsync(() => gateway.LogText().Contains("could not re-read the signing key file", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the bad key file is logged");
            // Checked after the watcher has seen the file too: still the loaded key, and the routes accept its tokens.
            (kidAfter, token) = await FetchTokenAsync(client);
            Assert.Equal(kid, kidAfter);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/q3");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([kid], await PublishedKidsAsync(client));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<List<string>> PublishedKidsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. new JsonWebKeySet(await response.Content.ReadAsStringAsync()).Keys.Select(k => k.Kid)];
    }

    private static async Task<(string Kid, string Token)> FetchTokenAsync(HttpClient client)
    {
        using var response = await client.SendAsync(TokenServiceTests.AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, null));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        return (new JsonWebToken(token).Kid, token);
    }
}
