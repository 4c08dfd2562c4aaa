using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Hmac;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Configuration;

/// <summary>
/// Secrets from a key-per-file directory (GATEWAY_SECRETS_DIR, as container secrets are mounted) reload
/// through the same guard as the config file: a changed secret is validated with everything else, and
/// one that does not validate is rejected, logged without its value, while the previous one keeps serving.
/// A change to either re-reads both, so a config change and the secret it needs go live together
/// whichever lands first.
/// </summary>
public sealed partial class SecretsDirectoryReloadTests : IDisposable
{
    private const string FirstSecret = "first-secret-0123456789abcdef";
    private const string TooShortSecret = "short-secret";
    private const string SecondSecret = "second-secret-0123456789abcdef";
    private const string NewClient = "client-new";
    private const string NewClientSecret = "new-client-secret-0123456789abcdef";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    private readonly string _secrets = Directory.CreateTempSubdirectory("gw-secrets-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("gw-secrets-staging-").FullName;

    public void Dispose()
    {
        Directory.Delete(_secrets, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    private static string SecretFile(string keyId) => $"Auth__Hmac__Clients__{keyId}__Secret";

    /// <summary>Replaces a secret file in one step (write elsewhere, then rename over it), as a secrets mount does.</summary>
    private void WriteSecret(string value, string keyId = HmacTestClient.KeyId)
    {
        var staged = Path.Combine(_staging, SecretFile(keyId));
        File.WriteAllText(staged, value + "\n");
        File.Move(staged, Path.Combine(_secrets, SecretFile(keyId)), overwrite: true);
    }

    private static async Task<HttpStatusCode> GetSignedAsync(HttpClient client, string secret, string keyId = HmacTestClient.KeyId)
    {
        using var request = HmacTestClient.Create("GET", "/api/orders/1", keyId: keyId, secret: secret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The Hmac route <c>/api/orders</c> (scope write:orders) and <see cref="HmacTestClient.KeyId"/> holding that scope; secrets come from the directory.</summary>
    private static GatewayConfig OrdersConfig(RecordingBackend backend) =>
        new GatewayConfig(backend.Url)
            .Route("orders", "/api/orders/{**rest}", "Hmac", HmacTestClient.Scope)
            .Set($"Auth:Hmac:Clients:{HmacTestClient.KeyId}:Scopes", new JsonArray(HmacTestClient.Scope));

    private Task<GatewayProcess> StartAsync(GatewayConfig config) =>
        GatewayProcess.StartAsync(config, environment: new Dictionary<string, string?> { ["GATEWAY_SECRETS_DIR"] = _secrets });

    [GeneratedRegex("Config reload of .* rejected")]
    private static partial Regex RejectedReload();

    [Fact]
    public async Task ChangedSecretFile_IsValidatedLikeTheConfig_AndAnInvalidOneKeepsThePreviousSecretServing()
    {
        await using var backend = await RecordingBackend.StartAsync();
        WriteSecret(FirstSecret);
        await using var gateway = await StartAsync(OrdersConfig(backend));
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));

        // Shortened below the minimum, then emptied: both rejected, the first secret keeps serving.
        WriteSecret(TooShortSecret);
        await Wait.UntilAsync(() => RejectedReload().Count(gateway.Output) == 1, ReloadTimeout, "the shortened secret is rejected");
        Assert.Contains($"Auth:Hmac:Clients:{HmacTestClient.KeyId}:Secret: is shorter than 16 characters", gateway.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSignedAsync(client, TooShortSecret));

        WriteSecret("");
        await Wait.UntilAsync(() => RejectedReload().Count(gateway.Output) == 2, ReloadTimeout, "the emptied secret is rejected");
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));

        // A valid new secret applies.
        WriteSecret(SecondSecret);
        await Wait.UntilAsync(async () => await GetSignedAsync(client, SecondSecret) == HttpStatusCode.OK, ReloadTimeout, "the new secret works");
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSignedAsync(client, FirstSecret));
        await Wait.UntilAsync(() => gateway.Output.Contains($"Config reload of {_secrets} applied", StringComparison.Ordinal), ReloadTimeout, "the applied reload is logged");

        foreach (var secret in new[] { FirstSecret, TooShortSecret, SecondSecret })
        {
            Assert.DoesNotContain(secret, gateway.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NewClientInTheConfig_IsRejectedUntilItsSecretFileArrives_ThenBothApplyTogether()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = OrdersConfig(backend);
        WriteSecret(FirstSecret);
        await using var gateway = await StartAsync(config);
        using var client = gateway.CreateClient();

        // The config map lands first: a new client whose secret is not there yet.
        await gateway.RewriteConfigAsync(config.Clone().Set($"Auth:Hmac:Clients:{NewClient}:Scopes", new JsonArray(HmacTestClient.Scope)));
        await Wait.UntilAsync(() => RejectedReload().IsMatch(gateway.Output), ReloadTimeout, "the client without a secret is rejected");
        Assert.Contains($"Auth:Hmac:Clients:{NewClient}:Secret: is missing", gateway.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSignedAsync(client, NewClientSecret, NewClient));

        // Then its secret: the config change rejected before goes live with it, scopes included.
        WriteSecret(NewClientSecret, NewClient);
        await Wait.UntilAsync(async () => await GetSignedAsync(client, NewClientSecret, NewClient) == HttpStatusCode.OK, ReloadTimeout, "the new client authenticates with its scope");
        Assert.Equal(NewClient, backend.Last.Header("X-Client-Id"));
        var appliedTogether = new Regex($"Config reload of .*appsettings.json, {Regex.Escape(_secrets)} applied");
        await Wait.UntilAsync(() => appliedTogether.IsMatch(gateway.Output), ReloadTimeout, "the reload is logged as applying both");
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
        Assert.DoesNotContain(NewClientSecret, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(FirstSecret, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsDirectoryGone_IsRejected_AndItsSecretsKeepServing_NotTheConfigFilesFallback()
    {
        const string JsonSecret = "json-fallback-secret-0123456789";
        await using var backend = await RecordingBackend.StartAsync();
        // The config file has a secret of its own; the directory's secret overrides it.
        var config = OrdersConfig(backend).Set($"Auth:Hmac:Clients:{HmacTestClient.KeyId}:Secret", JsonSecret);
        WriteSecret(FirstSecret);
        await using var gateway = await StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSignedAsync(client, JsonSecret));

        var moved = _secrets + "-unmounted";
        Directory.Move(_secrets, moved);
        try
        {
            // A change elsewhere makes the guard re-read every source, the missing directory included.
            await gateway.RewriteConfigAsync(config.Clone().Set("ReloadProbe", "1"));
            await Wait.UntilAsync(() => RejectedReload().IsMatch(gateway.Output), ReloadTimeout, "the reload without the secrets directory is rejected");
            Assert.Contains("the secrets directory is gone", gateway.Output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetSignedAsync(client, JsonSecret));
        }
        finally
        {
            Directory.Move(moved, _secrets);
        }
        Assert.DoesNotContain(FirstSecret, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonSecret, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedSecretFile_IsRejectedWhileTheConfigListsTheClient_AndAppliesWithTheConfigThatDropsIt()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = OrdersConfig(backend);
        WriteSecret(FirstSecret);
        WriteSecret(NewClientSecret, NewClient);
        await using var gateway = await StartAsync(config.Clone().Set($"Auth:Hmac:Clients:{NewClient}:Scopes", new JsonArray(HmacTestClient.Scope)));
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, NewClientSecret, NewClient));

        // The secret goes first: rejected, since the config still lists the client; its old secret keeps working.
        File.Delete(Path.Combine(_secrets, SecretFile(NewClient)));
        await Wait.UntilAsync(() => RejectedReload().IsMatch(gateway.Output), ReloadTimeout, "the deleted secret is rejected");
        Assert.Contains($"Auth:Hmac:Clients:{NewClient}:Secret: is missing", gateway.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, NewClientSecret, NewClient));

        // Then the config drops the client: both apply, and the client is gone, not left scope-less.
        await gateway.RewriteConfigAsync(config);
        await Wait.UntilAsync(async () => await GetSignedAsync(client, NewClientSecret, NewClient) == HttpStatusCode.Unauthorized, ReloadTimeout, "the revoked client is unknown");
        Assert.Equal(HttpStatusCode.OK, await GetSignedAsync(client, FirstSecret));
        Assert.DoesNotContain(NewClientSecret, gateway.Output, StringComparison.Ordinal);
    }
}
