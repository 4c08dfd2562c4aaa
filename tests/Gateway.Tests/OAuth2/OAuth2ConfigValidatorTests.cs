using Gateway.Auth.ApiKeys;
using Gateway.Auth.Configuration;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.OAuth2;

public sealed class OAuth2ConfigValidatorTests
{
    private static IReadOnlyList<string> Validate(Dictionary<string, string?> values, string? baseDirectory = null)
    {
        values.TryAdd("ReverseProxy:Routes:reports:ClusterId", "backend");
        values.TryAdd("ReverseProxy:Routes:reports:Match:Path", "/api/reports/{**rest}");
        values.TryAdd("ReverseProxy:Routes:reports:Metadata:Auth", "oauth2");
        return AuthConfigErrors.Of(values, baseDirectory);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Auth:OAuth2:Issuer"] = "https://idp.example.com/",
        ["Auth:OAuth2:Audience"] = "https://api.example.com",
        ["Auth:OAuth2:JwksUri"] = "https://idp.example.com/.well-known/jwks.json",
    };

    [Fact]
    public void ValidJwksConfig_HasNoErrors() => Assert.Empty(Validate(Valid()));

    [Fact]
    public void ValidDiscoveryConfig_WithAudienceList_HasNoErrors() => Assert.Empty(Validate(new()
    {
        ["Auth:OAuth2:Authority"] = "https://idp.example.com/realms/main",
        ["Auth:OAuth2:Audience:0"] = "api-1",
        ["Auth:OAuth2:Audience:1"] = "api-2",
        ["Auth:OAuth2:Algorithms:0"] = "RS256",
        ["Auth:OAuth2:Algorithms:1"] = "ES256",
    }));

    [Theory]
    [InlineData("none", "unsigned and HMAC algorithms are never accepted")]
    [InlineData("HS256", "unsigned and HMAC algorithms are never accepted")]
    [InlineData("RS1", "unknown algorithm")]
    public void ForbiddenAlgorithms_AreErrors(string algorithm, string message)
    {
        var values = Valid();
        values["Auth:OAuth2:Algorithms:0"] = algorithm;
        var error = Assert.Single(Validate(values));
        Assert.StartsWith("Auth:OAuth2:Algorithms:0: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auth:OAuth2:JwksUri", "http://idp.example.com/jwks", "Auth:OAuth2:JwksUri")]
    [InlineData("Auth:OAuth2:JwksUri", "not a url", "Auth:OAuth2:JwksUri")]
    [InlineData("Auth:OAuth2:Authority", "https://idp.example.com", "Auth:OAuth2:JwksUri")]
    [InlineData("Auth:OAuth2:Issuer", "", "Auth:OAuth2:Issuer")]
    [InlineData("Auth:OAuth2:Audience", "", "Auth:OAuth2:Audience")]
    [InlineData("Auth:OAuth2:ClockSkew", "forever", "Auth:OAuth2:ClockSkew")]
    [InlineData("Auth:OAuth2:MaxJwksBytes", "-1", "Auth:OAuth2:MaxJwksBytes")]
    [InlineData("Auth:OAuth2:RefreshCooldown", "-00:00:01", "Auth:OAuth2:RefreshCooldown")]
    public void BadField_IsNamed(string key, string value, string expectedPath)
    {
        var values = Valid();
        values[key] = value;
        var errors = Validate(values);
        Assert.Contains(errors, e => e.StartsWith(expectedPath + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void PlainHttpOnLoopback_IsAllowed()
    {
        var values = Valid();
        values["Auth:OAuth2:JwksUri"] = "http://127.0.0.1:5000/jwks";
        Assert.Empty(Validate(values));
    }

    [Fact]
    public void OAuth2Route_WithoutAnyKeySource_IsAnError()
    {
        var error = Assert.Single(Validate(new()));
        Assert.StartsWith("ReverseProxy:Routes:reports:Metadata:Auth: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenService_IsAKeySource_AndItsClientsAreChecked()
    {
        var values = new Dictionary<string, string?>
        {
            ["Auth:TokenService:Enabled"] = "true",
            ["Auth:TokenService:Clients:svc:Secrets:0"] = KeyHash.Format("secret"),
            ["Auth:TokenService:Clients:svc:Scopes:0"] = "read:reports",
        };
        Assert.Empty(Validate(values));

        values["Auth:TokenService:Clients:svc:Secrets:0"] = "the-raw-secret";
        values["Auth:TokenService:Clients:svc:Scopes:0"] = "bad scope";
        values["Auth:TokenService:TokenLifetime"] = "00:00:01";
        values["Auth:TokenService:Path"] = "oauth/token";
        var errors = Validate(values);
        Assert.Contains(errors, e => e.StartsWith("Auth:TokenService:Clients:svc:Secrets:0:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:TokenService:Clients:svc:Scopes:0:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:TokenService:TokenLifetime:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:TokenService:Path:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("the-raw-secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://idp.example.com/")]
    [InlineData(null)] // the default issuer, named by the provider too
    public void TokenService_Issuer_MustDifferFromTheProviders(string? serviceIssuer)
    {
        var values = Valid();
        values["Auth:OAuth2:Issuer"] = serviceIssuer ?? "gateway-token-service";
        values["Auth:TokenService:Enabled"] = "true";
        values["Auth:TokenService:Issuer"] = serviceIssuer;
        values["Auth:TokenService:Clients:svc:Secrets:0"] = KeyHash.Format("secret");

        var error = Assert.Single(Validate(values));
        Assert.StartsWith("Auth:TokenService:Issuer: ", error, StringComparison.Ordinal);
        Assert.Contains("is also Auth:OAuth2:Issuer", error, StringComparison.Ordinal);

        values["Auth:TokenService:Issuer"] = "https://gateway.example.com/";
        Assert.Empty(Validate(values));
    }

    [Fact]
    public void TokenService_KeyFile_MustBeARsaPrivateKey()
    {
        var directory = Directory.CreateTempSubdirectory("gw-keyfile-").FullName;
        try
        {
            var values = new Dictionary<string, string?>
            {
                ["Auth:TokenService:Enabled"] = "true",
                ["Auth:TokenService:SigningKeyFile"] = "missing.pem",
                ["Auth:TokenService:Clients:svc:Secrets:0"] = KeyHash.Format("secret"),
            };
            Assert.Contains(Validate(values, directory), e => e.StartsWith("Auth:TokenService:SigningKeyFile:", StringComparison.Ordinal));

            File.WriteAllText(Path.Combine(directory, "garbage.pem"), "not a key");
            values["Auth:TokenService:SigningKeyFile"] = "garbage.pem";
            Assert.Contains(Validate(values, directory), e => e.StartsWith("Auth:TokenService:SigningKeyFile:", StringComparison.Ordinal));

            TokenSigningKey.CreateFile(Path.Combine(directory, "good.pem"));
            values["Auth:TokenService:SigningKeyFile"] = "good.pem";
            Assert.Empty(Validate(values, directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("PUBLIC KEY")]
    [InlineData("RSA PUBLIC KEY")]
    public void TokenService_KeyFileHoldingOnlyAPublicKey_IsAnErrorOnSigningKeyFile(string label)
    {
        var directory = Directory.CreateTempSubdirectory("gw-keyfile-").FullName;
        try
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            File.WriteAllText(Path.Combine(directory, "public.pem"),
                label == "PUBLIC KEY" ? rsa.ExportSubjectPublicKeyInfoPem() : rsa.ExportRSAPublicKeyPem());
            var values = new Dictionary<string, string?>
            {
                ["Auth:TokenService:Enabled"] = "true",
                ["Auth:TokenService:SigningKeyFile"] = "public.pem",
                ["Auth:TokenService:Clients:svc:Secrets:0"] = KeyHash.Format("secret"),
            };

            var error = Assert.Single(Validate(values, directory));
            Assert.StartsWith("Auth:TokenService:SigningKeyFile:", error, StringComparison.Ordinal);
            Assert.Contains("private key", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void RootAppsettings_OAuth2AndTokenServiceParts_AreValid()
    {
        var root = GatewayProcess.RepositoryRoot;
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "appsettings.json")).Build();
        var context = new ConfigValidationContext(configuration, root);
        AuthConfigValidator.Validate(context);
        // Other strategies may take demo secrets from the Development overlay; ours must not need it.
        Assert.DoesNotContain(context.Errors, e => e.StartsWith("Auth:OAuth2", StringComparison.Ordinal)
            || e.StartsWith("Auth:TokenService", StringComparison.Ordinal) || e.StartsWith("ReverseProxy:Routes:reports", StringComparison.Ordinal));
        Assert.Equal("OAuth2", configuration["ReverseProxy:Routes:reports:Metadata:Auth"]);
        Assert.Equal("true", configuration["Auth:TokenService:Enabled"], ignoreCase: true);
    }
}
