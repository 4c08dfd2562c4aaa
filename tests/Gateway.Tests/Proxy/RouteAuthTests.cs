using Gateway.Proxy;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Proxy;

public sealed class RouteAuthTests
{
    [Theory]
    [InlineData("ApiKey", "ApiKey")]
    [InlineData("apikey", "ApiKey")]
    [InlineData("OAUTH2", "OAuth2")]
    [InlineData("mtls", "Mtls")]
    [InlineData("Hmac", "Hmac")]
    [InlineData("none", "None")]
    public void Auth_IsCaseInsensitive_AndCanonicalised(string value, string expected)
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = value }, out var error);

        Assert.Null(error);
        Assert.Equal(expected, auth!.Strategy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("Basic")]
    [InlineData("ApiKeys")]
    public void MissingOrUnknownAuth_IsAnError(string? value)
    {
        var metadata = new Dictionary<string, string>();
        if (value is not null)
        {
            metadata["Auth"] = value;
        }

        Assert.Null(RouteAuth.Parse(metadata, out var error));
        Assert.Contains("Metadata:Auth", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Scopes_AreSpaceSeparated()
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "ApiKey", ["Scopes"] = " read:a  write:b " }, out _);

        Assert.Equal(["read:a", "write:b"], auth!.Scopes);
    }

    [Fact]
    public void PublicRouteWithScopes_IsAnError()
    {
        Assert.Null(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "None", ["Scopes"] = "read:a" }, out var error));
        Assert.Contains("public route", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_MustBeBooleans()
    {
        Assert.Null(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "OAuth2", ["ForwardCredentials"] = "yes" }, out var error));
        Assert.Contains("ForwardCredentials", error, StringComparison.Ordinal);
        Assert.True(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "OAuth2", ["ForwardCredentials"] = "True" }, out _)!.ForwardCredentials);
    }

    [Theory]
    [InlineData("ApiKey")]
    [InlineData("Mtls")]
    [InlineData("Hmac")]
    [InlineData("None")]
    public void CertificateBound_OnANonOAuth2Route_IsAnError(string strategy)
    {
        Assert.Null(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["CertificateBound"] = "true" }, out var error));
        Assert.Equal("Metadata:CertificateBound is only for OAuth2 routes (it requires a certificate-bound token)", error);

        Assert.NotNull(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["CertificateBound"] = "false" }, out error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("ApiKey")]
    [InlineData("Mtls")]
    [InlineData("None")]
    public void ForwardCredentials_OnARouteWithNothingToForward_IsAnError(string strategy)
    {
        Assert.Null(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["ForwardCredentials"] = "true" }, out var error));
        Assert.StartsWith("Metadata:ForwardCredentials is only for OAuth2 and Hmac routes", error, StringComparison.Ordinal);

        Assert.NotNull(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["ForwardCredentials"] = "false" }, out error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("OAuth2")]
    [InlineData("Hmac")]
    public void ForwardCredentials_OnOAuth2AndHmacRoutes_IsAccepted(string strategy)
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["ForwardCredentials"] = "true" }, out var error);

        Assert.Null(error);
        Assert.True(auth!.ForwardCredentials);
    }

    [Fact]
    public void CertificateBound_OnAnOAuth2Route_IsAccepted()
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "oauth2", ["CertificateBound"] = "true" }, out var error);

        Assert.Null(error);
        Assert.True(auth!.CertificateBound);
    }

    [Theory]
    [InlineData("ApiKey", "true", true)]
    [InlineData("OAuth2", "TRUE", true)]
    [InlineData("Mtls", "True", true)]
    [InlineData("Hmac", "false", false)]
    [InlineData("None", "true", true)]
    public void GrpcStreaming_IsAcceptedOnEveryAuthTypeButHmac_InAnyCase(string strategy, string value, bool expected)
    {
        var auth = RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy, ["GrpcStreaming"] = value }, out var error);

        Assert.Null(error);
        Assert.Equal(expected, auth!.GrpcStreaming);
        Assert.False(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = strategy }, out _)!.GrpcStreaming);
    }

    [Fact]
    public void GrpcStreaming_OnAnHmacRoute_IsAnError()
    {
        Assert.Null(RouteAuth.Parse(new Dictionary<string, string> { ["Auth"] = "Hmac", ["GrpcStreaming"] = "true" }, out var error));
        Assert.StartsWith("Metadata:GrpcStreaming cannot be used on Hmac routes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GrpcStreaming_NotABoolean_IsAConfigErrorNamingTheRouteAndField()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:events:ClusterId"] = "c",
            ["ReverseProxy:Routes:events:Match:Path"] = "/events/{**rest}",
            ["ReverseProxy:Routes:events:Metadata:Auth"] = "None",
            ["ReverseProxy:Routes:events:Metadata:GrpcStreaming"] = "maybe",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
        }).Build();

        var errors = Gateway.Configuration.GatewayConfigValidator.Validate(configuration, Path.GetTempPath());

        var error = Assert.Single(errors);
        Assert.Equal("ReverseProxy:Routes:events: Metadata:GrpcStreaming must be \"true\" or \"false\"", error);
    }

    private static IReadOnlyList<string> ValidateAdminRoute(params (string Key, string? Value)[] metadata)
    {
        var values = new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:admin:ClusterId"] = "c",
            ["ReverseProxy:Routes:admin:Match:Path"] = "/admin/{**rest}",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
            ["Auth:ApiKey:Clients:c:Keys:0"] = Gateway.Auth.ApiKeys.KeyHash.Format("sk-1"),
        };
        foreach (var (key, value) in metadata)
        {
            values[$"ReverseProxy:Routes:admin:Metadata:{key}"] = value;
        }
        return Gateway.Configuration.GatewayConfigValidator.Validate(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), Path.GetTempPath());
    }

    /// <summary>A list under Scopes (as client Scopes are written) was dropped: the route required no scope.</summary>
    [Fact]
    public void Scopes_AsAList_IsAConfigError_NotNoScopes()
    {
        var errors = ValidateAdminRoute(("Auth", "ApiKey"), ("Scopes:0", "read:admin"));

        Assert.Contains("ReverseProxy:Routes:admin:Metadata:Scopes: must be one string of space-separated scopes (e.g. \"read:a write:b\"), not a list", errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Scopes_Empty_IsAConfigError_NotNoScopes(string value)
    {
        var error = Assert.Single(ValidateAdminRoute(("Auth", "ApiKey"), ("Scopes", value)));

        Assert.StartsWith("ReverseProxy:Routes:admin: Metadata:Scopes is empty", error, StringComparison.Ordinal);
    }

    /// <summary>A key meant for the gateway but not one it reads protected nothing, silently.</summary>
    [Theory]
    [InlineData("Scope", "Scopes")]
    [InlineData("RequiredScopes", "Scopes")]
    [InlineData("Scopes ", "Scopes")]
    [InlineData("Authentication", "Auth")]
    [InlineData(" GrpcStreaming", "GrpcStreaming")]
    public void MetadataKey_MeantForTheGatewayButNotOneItReads_IsAConfigError(string key, string meant)
    {
        var errors = ValidateAdminRoute(("Auth", "ApiKey"), (key, "read:admin"));

        Assert.Contains($"ReverseProxy:Routes:admin:Metadata:{key}: is not a key the gateway reads; did you mean {meant}?", errors);
    }

    /// <summary>Values under ReverseProxy may come from the secrets directory: errors name the field, never the value.</summary>
    [Fact]
    public void RouteErrors_NameTheFieldWithoutQuotingTheValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:r:ClusterId"] = "cluster-from-a-secret-7f3a",
            ["ReverseProxy:Routes:r:Match:Path"] = "/r/{**rest}",
            ["ReverseProxy:Routes:r:Metadata:Auth"] = "auth-from-a-secret-9c1d",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
        }).Build();

        var errors = Gateway.Configuration.GatewayConfigValidator.Validate(configuration, Path.GetTempPath());

        Assert.Contains("ReverseProxy:Routes:r:ClusterId: names a cluster that is not defined under ReverseProxy:Clusters", errors);
        Assert.Contains(errors, e => e.StartsWith("ReverseProxy:Routes:r: Metadata:Auth is not a strategy", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("from-a-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void OtherMetadataKeys_AreLeftToYarpAndOthers()
    {
        Assert.Empty(ValidateAdminRoute(("Auth", "ApiKey"), ("Scopes", "read:admin"), ("Team", "payments"), ("Owner", "ops"), ("Authority", "https://idp.test"), ("ScopeNote", "x")));
    }

    [Fact]
    public void CertificateBound_OnAnApiKeyRoute_IsAConfigErrorNamingTheRouteAndField()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:internal:ClusterId"] = "c",
            ["ReverseProxy:Routes:internal:Match:Path"] = "/internal/{**rest}",
            ["ReverseProxy:Routes:internal:Metadata:Auth"] = "ApiKey",
            ["ReverseProxy:Routes:internal:Metadata:CertificateBound"] = "true",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
            ["Auth:ApiKey:Clients:c:Keys:0"] = Gateway.Auth.ApiKeys.KeyHash.Format("sk-1"),
        }).Build();

        var errors = Gateway.Configuration.GatewayConfigValidator.Validate(configuration, Path.GetTempPath());

        var error = Assert.Single(errors);
        Assert.StartsWith("ReverseProxy:Routes:internal: Metadata:CertificateBound is only for OAuth2 routes", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Client-Id", true)]
    [InlineData("x-client-anything", true)]
    [InlineData("X-AUTH-METHOD", true)]
    [InlineData("client-cert", true)]
    [InlineData("Client-Cert-Chain", true)]
    [InlineData("x-forwarded-client-cert", true)]
    [InlineData("X-Client_Id", true)]
    [InlineData("X_AUTH_METHOD", true)]
    [InlineData("x_client_anything", true)]
    [InlineData("Client_Cert", true)]
    [InlineData("client_cert-chain", true)]
    [InlineData("X_Forwarded_Client_Cert", true)]
    [InlineData("X-Clientid", false)]
    [InlineData("X-Client", false)]
    [InlineData("Client-Certificate", false)]
    [InlineData("X.Client.Id", false)]
    [InlineData("Authorization", false)]
    [InlineData("X-Forwarded-For", false)]
    public void ReservedHeaders_AreRecognisedInAnyCase_WithUnderscoresForDashes(string name, bool reserved)
    {
        Assert.Equal(reserved, IdentityHeaders.IsReserved(name));
    }
}
