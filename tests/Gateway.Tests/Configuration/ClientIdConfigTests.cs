using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Auth.ApiKeys;
using Gateway.Auth.Configuration;
using Gateway.Auth.Hmac;
using Gateway.Tests.Hmac;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Configuration;

/// <summary>
/// Every configured client name that becomes <c>X-Client-Id</c> (ApiKey client names, HMAC key ids,
/// token-service client ids) must be a value the header can carry as one item: a name the header
/// cannot carry would otherwise be dropped from it, or split by a backend that reads it as a list.
/// </summary>
public sealed class ClientIdConfigTests : IDisposable
{
    private const string HmacSecret = "a-shared-secret-long-enough";

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-client-id-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> UnforwardableNames => new() { "alice,admin", "caf\u00e9", "tab\tname", " padded", "padded " };

    private static IReadOnlyList<string> Validate(Dictionary<string, string?> values) => AuthConfigErrors.Of(values);

    [Theory]
    [InlineData("alice,admin", "contains a comma")]
    [InlineData("alice, admin", "contains a comma")]
    [InlineData("caf\u00e9", "contains characters that cannot be forwarded")]
    [InlineData("line\r\nX-Client-Id: admin", "contains characters that cannot be forwarded")]
    [InlineData(" admin", "starts or ends with a space")]
    [InlineData("admin ", "starts or ends with a space")]
    [InlineData("", "is empty")]
    public void ClientIdProblem_NamesWhatIsWrong(string clientId, string problem) =>
        Assert.Equal(problem, HeaderValue.ClientIdProblem(clientId));

    [Theory]
    [InlineData("payment-service")]
    [InlineData("payment-service.production.internal")]
    [InlineData("billing team")]
    [InlineData("a")]
    public void ClientIdProblem_IsNullForAForwardableName(string clientId) =>
        Assert.Null(HeaderValue.ClientIdProblem(clientId));

    [Theory]
    [MemberData(nameof(UnforwardableNames))]
    public void ApiKeyClientName_ThatCannotBeAClientId_IsAnError(string name)
    {
        var errors = Validate(new()
        {
            [$"Auth:ApiKey:Clients:{name}:Keys:0"] = KeyHash.Format("sk-1"),
            [$"Auth:ApiKey:Clients:{name}:Scopes:0"] = "read:x",
            ["Auth:ApiKey:Clients:good:Keys:0"] = KeyHash.Format("sk-2"),
        });

        var error = Assert.Single(errors);
        Assert.StartsWith($"Auth:ApiKey:Clients:{name}: ", error, StringComparison.Ordinal);
        Assert.Contains("X-Client-Id", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UnforwardableNames))]
    public void HmacKeyId_ThatCannotBeAClientId_IsAnError(string keyId)
    {
        var errors = Validate(new()
        {
            [$"Auth:Hmac:Clients:{keyId}:Secret"] = HmacSecret,
            ["Auth:Hmac:Clients:good:Secret"] = HmacSecret,
        });

        var error = Assert.Single(errors);
        Assert.StartsWith($"Auth:Hmac:Clients:{keyId}: the key id {HeaderValue.ClientIdProblem(keyId)}; ", error, StringComparison.Ordinal);
        Assert.Contains("X-Client-Id", error, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacSecret, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("billing team")]
    [InlineData("payment-service.production.internal")]
    public void HmacKeyId_ThatIsAClientId_IsValid_AsForOtherClients(string keyId) =>
        Assert.Empty(Validate(new() { [$"Auth:Hmac:Clients:{keyId}:Secret"] = HmacSecret }));

    [Fact]
    public void HmacKeyId_LongerThanTheHandlerReads_IsAnError()
    {
        var keyId = new string('k', HmacDefaults.MaxKeyIdLength + 1);

        var error = Assert.Single(Validate(new() { [$"Auth:Hmac:Clients:{keyId}:Secret"] = HmacSecret }));

        Assert.StartsWith($"Auth:Hmac:Clients:{keyId}: the key id is longer than 256 characters", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HmacKeyId_WithAnInnerSpace_SignsAndIsForwardedAsItsClientId()
    {
        const string keyId = "billing team";
        await using var backend = await RecordingBackend.StartAsync();
        var config = HmacTestClient.Config(backend, redis: null)
            .Set($"Auth:Hmac:Clients:{keyId}:Secret", HmacSecret)
            .Set($"Auth:Hmac:Clients:{keyId}:Scopes", new JsonArray(HmacTestClient.Scope));
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        using var response = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/1", keyId: keyId, secret: HmacSecret));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(keyId, backend.Last.Header("X-Client-Id"));
    }

    [Theory]
    [MemberData(nameof(UnforwardableNames))]
    public void TokenServiceClientId_ThatCannotBeAClientId_IsAnError(string clientId)
    {
        var errors = Validate(new()
        {
            ["Auth:TokenService:Enabled"] = "true",
            [$"Auth:TokenService:Clients:{clientId}:Secrets:0"] = KeyHash.Format("secret-1"),
            ["Auth:TokenService:Clients:good:Secrets:0"] = KeyHash.Format("secret-2"),
        });

        var error = Assert.Single(errors);
        Assert.StartsWith($"Auth:TokenService:Clients:{clientId}: ", error, StringComparison.Ordinal);
        Assert.Contains("X-Client-Id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExitsOne_NamingEveryClientWhoseNameCannotBeAClientId()
    {
        var config = new GatewayConfig("http://127.0.0.1:9/")
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:x")
            .Route("orders", "/api/orders/{**rest}", "Hmac")
            .ApiKeyClient("payment-service", "sk-1", "read:x")
            .ApiKeyClient("caf\u00e9", "sk-2", "read:x")
            .ApiKeyClient("alice,admin", "sk-3", "read:x")
            .Set("Auth:Hmac:Clients:key,1:Secret", JsonValue.Create(HmacSecret));
        var path = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJson());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Auth:ApiKey:Clients:caf", output, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKey:Clients:alice,admin", output, StringComparison.Ordinal);
        Assert.Contains("Auth:Hmac:Clients:key,1", output, StringComparison.Ordinal);
        Assert.False(output.Contains("Auth:ApiKey:Clients:payment-service", StringComparison.Ordinal), output);
        Assert.DoesNotContain(HmacSecret, output, StringComparison.Ordinal);
    }
}
