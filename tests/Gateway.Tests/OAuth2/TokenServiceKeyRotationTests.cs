using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth.ApiKeys;
using Gateway.Auth.OAuth2;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// An operator replaces the token service's signing key while the gateway runs: the routes trust
/// the new key as soon as the token service signs with it (no restart, no config reload, no 401 for
/// a new token, never a 500), and keep trusting the previous key until the tokens it signed have expired.
/// </summary>
public sealed class TokenServiceKeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly List<HttpStatusCode> _statuses = [];
    private RecordingBackend _backend = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _directory = Directory.CreateTempSubdirectory("gw-keyrot-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task KeyFileReplacedInPlace_NewTokensPassAtOnce_PreviousKeysTokensStillPass_NeverA500()
    {
        var keyFile = Path.Combine(_directory, "token-signing-key.pem");
        await File.WriteAllTextAsync(keyFile, NewKeyPem());
        await using var gateway = await GatewayHost.StartAsync(Config(keyFile));
        using var client = gateway.CreateClient();
        var oldToken = await FetchTokenAsync(client);
        var oldKid = new JsonWebToken(oldToken).Kid;
        Assert.Equal(HttpStatusCode.OK, await CallAsync(client, oldToken));

        await File.WriteAllTextAsync(keyFile, NewKeyPem());

        var newKid = await WaitUntilANewKeysTokenPassesAsync(client, oldKid);
        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(TokenServiceFixture.ClientId, _backend.Last.Header("X-Client-Id"));

        // Decided behaviour: a token the previous key signed keeps working until it expires.
        Assert.Equal(HttpStatusCode.OK, await CallAsync(client, oldToken));
        Assert.Equal([newKid, oldKid], await PublishedKidsAsync(client));
        foreach (var scheme in new[] { OAuth2Defaults.AuthenticationScheme, OAuth2Defaults.CertificateBoundScheme })
        {
            var trusted = gateway.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(scheme)
                .TokenValidationParameters.IssuerSigningKeys.Select(k => k.KeyId).ToList();
            Assert.Contains(newKid, trusted);
            Assert.Contains(oldKid, trusted);
        }
        Assert.DoesNotContain(_statuses, status => (int)status >= 500);
    }

    [Fact]
    public async Task KeyFileReplaced_ATokenAnotherInstanceSignsWithIt_PassesWithoutAnyTokenRequestHere()
    {
        var keyFile = Path.Combine(_directory, "token-signing-key.pem");
        await File.WriteAllTextAsync(keyFile, NewKeyPem());
        await using var gateway = await GatewayHost.StartAsync(Config(keyFile));
        using var client = gateway.CreateClient();
        var newPem = NewKeyPem();
        var otherInstance = new TokenServiceOptions { Issuer = TokenServiceFixture.Issuer, Audience = TokenServiceFixture.Audience };
        var token = TokenIssuer.Issue(otherInstance, TokenSigningKey.FromPem(newPem), TokenServiceFixture.ClientId, ["read:reports"], DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(client, token));

        await File.WriteAllTextAsync(keyFile, newPem);

        await Wait.UntilAsync(async () => await CallAsync(client, token) == HttpStatusCode.OK, Timeout,
            "the routes trust the replaced key file without this instance issuing a token");
        Assert.DoesNotContain(_statuses, status => (int)status >= 500);
    }

    [Fact]
    public async Task KeyFileSwappedBehindASymlink_AsKubernetesUpdatesASecret_NewTokensPass()
    {
        // A Kubernetes secret volume: key.pem -> ..data/key.pem, and an update re-points ..data. The path
        // through the links stays the same; the two keys are made as alike as the file system can see
        // (same length, same write time), so only their content tells them apart.
        Directory.CreateDirectory(Path.Combine(_directory, "v1"));
        Directory.CreateDirectory(Path.Combine(_directory, "v2"));
        var v1Pem = NewKeyPem();
        await File.WriteAllTextAsync(Path.Combine(_directory, "v1", "key.pem"), v1Pem);
        await File.WriteAllTextAsync(Path.Combine(_directory, "v2", "key.pem"), TokenSigningKeyProviderTests.NewKeyPem(sameLengthAs: v1Pem));
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "v2", "key.pem"), File.GetLastWriteTimeUtc(Path.Combine(_directory, "v1", "key.pem")));
        var data = Path.Combine(_directory, "..data");
        File.CreateSymbolicLink(data, "v1");
        var keyFile = Path.Combine(_directory, "key.pem");
        File.CreateSymbolicLink(keyFile, Path.Combine("..data", "key.pem"));
        await using var gateway = await GatewayHost.StartAsync(Config(keyFile));
        using var client = gateway.CreateClient();
        var oldToken = await FetchTokenAsync(client);
        var oldKid = new JsonWebToken(oldToken).Kid;

        // Kubernetes renames a new link over ..data; .NET cannot rename over a directory link, so re-point it.
        File.Delete(data);
        File.CreateSymbolicLink(data, "v2");

        await WaitUntilANewKeysTokenPassesAsync(client, oldKid);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(client, oldToken));
        Assert.DoesNotContain(_statuses, status => (int)status >= 500);
    }

    [Fact]
    public async Task SigningKeyFileChangedInConfig_NewTokensPass_PreviousKeysTokensStillPass()
    {
        var firstFile = Path.Combine(_directory, "first.pem");
        var secondFile = Path.Combine(_directory, "second.pem");
        await File.WriteAllTextAsync(firstFile, NewKeyPem());
        await File.WriteAllTextAsync(secondFile, NewKeyPem());
        await using var gateway = await GatewayHost.StartAsync(Config(firstFile));
        using var client = gateway.CreateClient();
        var oldToken = await FetchTokenAsync(client);
        var oldKid = new JsonWebToken(oldToken).Kid;

        await gateway.RewriteConfigAsync(Config(secondFile));

        await WaitUntilANewKeysTokenPassesAsync(client, oldKid);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(client, oldToken));
        Assert.DoesNotContain(_statuses, status => (int)status >= 500);
    }

    /// <summary>
    /// Waits until the token service signs with a key other than <paramref name="oldKid"/>, and
    /// requires the first such token (and every one after it) to pass the route: there is no moment
    /// when the service hands out a token the routes refuse.
    /// </summary>
    private async Task<string> WaitUntilANewKeysTokenPassesAsync(HttpClient client, string oldKid)
    {
        var refused = new List<HttpStatusCode>();
        string? newKid = null;
        await Wait.UntilAsync(async () =>
        {
            var token = await FetchTokenAsync(client);
            var kid = new JsonWebToken(token).Kid;
            if (kid == oldKid)
            {
                return false;
            }
            var status = await CallAsync(client, token);
            if (status != HttpStatusCode.OK)
            {
                refused.Add(status);
                return false;
            }
            newKid = kid;
            return true;
        }, Timeout, "a token signed with the new key passes the route");
        Assert.Empty(refused);
        return newKid!;
    }

    private GatewayConfig Config(string keyFile) => new GatewayConfig(_backend.Url).WithOAuth2Routes()
        .Set("Auth:TokenService", new JsonObject
        {
            ["Enabled"] = true,
            ["Issuer"] = TokenServiceFixture.Issuer,
            ["Audience"] = TokenServiceFixture.Audience,
            ["SigningKeyFile"] = keyFile,
            ["TokenLifetime"] = "00:05:00",
            ["Clients"] = new JsonObject
            {
                [TokenServiceFixture.ClientId] = new JsonObject
                {
                    ["Secrets"] = new JsonArray(KeyHash.Format(TokenServiceFixture.Secret)),
                    ["Scopes"] = new JsonArray("read:reports"),
                },
            },
        });

    private static string NewKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private async Task<string> FetchTokenAsync(HttpClient client)
    {
        using var response = await client.SendAsync(TokenServiceTests.AuthlibRequest(TokenServiceFixture.ClientId, TokenServiceFixture.Secret, "read:reports"));
        _statuses.Add(response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpStatusCode> CallAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/q3");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        _statuses.Add(response.StatusCode);
        return response.StatusCode;
    }

    private async Task<List<string>> PublishedKidsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/.well-known/jwks.json");
        _statuses.Add(response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. new JsonWebKeySet(await response.Content.ReadAsStringAsync()).Keys.Select(k => k.Kid)];
    }
}
