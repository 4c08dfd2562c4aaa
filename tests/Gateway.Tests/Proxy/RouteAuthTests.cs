using Gateway.Proxy;

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
