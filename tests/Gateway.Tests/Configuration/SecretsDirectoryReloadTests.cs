using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Hmac;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Configuration;

/// <summary>
/// Secrets from a key-per-file directory (GATEWAY_SECRETS_DIR, as container secrets are mounted) reload
/// through the same guard as the config file: a changed secret is validated with everything else, and
/// one that does not validate is rejected, logged without its value, while the previous one keeps serving.
/// </summary>
public sealed partial class SecretsDirectoryReloadTests : IDisposable
{
    private const string SecretFile = $"Auth__Hmac__Clients__{HmacTestClient.KeyId}__Secret";
    private const string FirstSecret = "first-secret-0123456789abcdef";
    private const string TooShortSecret = "short-secret";
    private const string SecondSecret = "second-secret-0123456789abcdef";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    private readonly string _secrets = Directory.CreateTempSubdirectory("gw-secrets-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("gw-secrets-staging-").FullName;

    public void Dispose()
    {
        Directory.Delete(_secrets, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>Replaces the secret file in one step (write elsewhere, then rename over it), as a secrets mount does.</summary>
    private void WriteSecret(string value)
    {
        var staged = Path.Combine(_staging, SecretFile);
        File.WriteAllText(staged, value + "\n");
        File.Move(staged, Path.Combine(_secrets, SecretFile), overwrite: true);
    }

    private static async Task<HttpStatusCode> GetSignedAsync(HttpClient client, string secret)
    {
        using var request = HmacTestClient.Create("GET", "/api/orders/1", secret: secret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex("Config reload of .* rejected")]
    private static partial Regex RejectedReload();

    [Fact]
    public async Task ChangedSecretFile_IsValidatedLikeTheConfig_AndAnInvalidOneKeepsThePreviousSecretServing()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(backend.Url)
            .Route("orders", "/api/orders/{**rest}", "Hmac", HmacTestClient.Scope)
            .Set($"Auth:Hmac:Clients:{HmacTestClient.KeyId}:Scopes", new System.Text.Json.Nodes.JsonArray(HmacTestClient.Scope));
        WriteSecret(FirstSecret);
        await using var gateway = await GatewayProcess.StartAsync(config, environment: new Dictionary<string, string?> { ["GATEWAY_SECRETS_DIR"] = _secrets });
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
}
