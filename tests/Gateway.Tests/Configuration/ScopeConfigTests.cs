using Gateway.Auth.ApiKeys;
using Gateway.Auth.Configuration;
using Gateway.Auth.Scopes;
using Gateway.Proxy;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Configuration;

/// <summary>
/// Every configured scope reaches the backend inside one space-separated <c>X-Client-Scopes</c>
/// value, so a scope must be one item of it: a comma (legal in an RFC 6749 scope) would let a
/// backend that reads headers as comma-separated lists split <c>read:a,admin</c> into
/// <c>read:a</c> and <c>admin</c>. Such a scope is a config error naming the client or route.
/// </summary>
public sealed class ScopeConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-scopes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IReadOnlyList<string> Validate(Dictionary<string, string?> values) => AuthConfigErrors.Of(values);

    [Theory]
    [InlineData("read:a,admin", "contains a comma")]
    [InlineData(",", "contains a comma")]
    [InlineData("read:a\"", "contains a space, a quote, a backslash or a character that is not printable ASCII")]
    [InlineData("caf\u00e9,admin", "contains a space, a quote, a backslash or a character that is not printable ASCII")]
    [InlineData("", "is empty")]
    public void ScopeProblem_NamesWhatIsWrong(string scope, string problem) =>
        Assert.Equal(problem, ScopeListValidator.ScopeProblem(scope));

    [Theory]
    [InlineData("read:a")]
    [InlineData("https://api.example.com/orders.read")]
    [InlineData("a")]
    public void ScopeProblem_IsNullForAForwardableScope(string scope) =>
        Assert.Null(ScopeListValidator.ScopeProblem(scope));

    public static TheoryData<string, Dictionary<string, string?>> ClientsWithACommaScope => new()
    {
        {
            "Auth:ApiKey:Clients:alice:Scopes:1",
            new()
            {
                ["Auth:ApiKey:Clients:alice:Keys:0"] = KeyHash.Format("sk-1"),
                ["Auth:ApiKey:Clients:alice:Scopes:0"] = "read:x",
                ["Auth:ApiKey:Clients:alice:Scopes:1"] = "read:a,admin",
            }
        },
        {
            "Auth:Hmac:Clients:key-1:Scopes:0",
            new()
            {
                ["Auth:Hmac:Clients:key-1:Secret"] = "a-shared-secret-long-enough",
                ["Auth:Hmac:Clients:key-1:Scopes:0"] = "read:a,admin",
            }
        },
        {
            "Auth:Mtls:Clients:payment-service.internal:Scopes:0",
            new()
            {
                ["Auth:Mtls:Clients:payment-service.internal:Scopes:0"] = "read:a,admin",
            }
        },
        {
            // What the token service may issue is what its clients are configured with (3): a client
            // whose scope holds a comma never starts, so no such token is ever issued.
            "Auth:TokenService:Clients:svc:Scopes:0",
            new()
            {
                ["Auth:TokenService:Enabled"] = "true",
                ["Auth:TokenService:Clients:svc:Secrets:0"] = KeyHash.Format("secret-1"),
                ["Auth:TokenService:Clients:svc:Scopes:0"] = "read:a,admin",
            }
        },
    };

    [Theory]
    [MemberData(nameof(ClientsWithACommaScope))]
    public void ClientScope_WithAComma_IsAnError_NamingTheClientAndField(string path, Dictionary<string, string?> values)
    {
        var errors = Validate(values);

        var error = Assert.Single(errors, e => e.StartsWith($"{path}: ", StringComparison.Ordinal));
        Assert.Contains("the scope contains a comma", error, StringComparison.Ordinal);
        Assert.Contains("X-Client-Scopes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteScopes_WithAComma_AreRefused()
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "ApiKey", ["Scopes"] = "read:x read:a,admin" }, out var error);

        Assert.Null(auth);
        Assert.NotNull(error);
        Assert.StartsWith("Metadata:Scopes scope 'read:a,admin' contains a comma", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExitsOne_NamingTheRouteAndTheClientWithACommaScope()
    {
        var config = new GatewayConfig("http://127.0.0.1:9/")
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:x")
            .Route("orders", "/api/orders/{**rest}", "ApiKey", "read:orders,admin")
            .ApiKeyClient("payment-service", "sk-1", "read:x")
            .ApiKeyClient("reporting", "sk-2", "read:x", "read:reports,admin");
        var path = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJson());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("ReverseProxy:Routes:orders: Metadata:Scopes scope 'read:orders,admin' contains a comma", output, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKey:Clients:reporting:Scopes:1: the scope contains a comma", output, StringComparison.Ordinal);
        Assert.False(output.Contains("ReverseProxy:Routes:transactions", StringComparison.Ordinal), output);
        Assert.False(output.Contains("Auth:ApiKey:Clients:payment-service", StringComparison.Ordinal), output);
    }
}
