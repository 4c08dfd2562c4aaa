using System.Net;
using Gateway.Tests.ApiKeys;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Proxy;

public sealed class IdentityHeaderSpoofingTests(ApiKeyGatewayFixture fixture) : IClassFixture<ApiKeyGatewayFixture>
{
    private static readonly string[] SpoofedHeaders =
    [
        "X-Client-Id", "x-client-id", "X-CLIENT-ID", "X-Client-CN", "X-Client-Verify", "X-Client-Scopes",
        "X-Auth-Method", "x-auth-anything", "Client-Cert", "client-cert-chain", "X-Forwarded-Client-Cert",
        // CGI, WSGI and PHP map '-' and '_' alike (HTTP_X_CLIENT_ID), so these are the same headers there.
        "X-Client_Id", "X_Client_Id", "x_client_id", "X_CLIENT-CN", "X_Auth_Method", "x_auth_anything",
        "Client_Cert", "client_cert_chain", "X_Forwarded_Client_Cert", "X-Forwarded_Client-Cert",
    ];

    /// <summary>The name as a CGI-style backend reads it: '_' and '-' alike.</summary>
    private static bool IsIdentityHeader(string name)
    {
        var cgi = name.Replace('_', '-');
        return cgi.StartsWith("X-Client-", StringComparison.OrdinalIgnoreCase)
            || cgi.StartsWith("X-Auth-", StringComparison.OrdinalIgnoreCase)
            || cgi.Equals("Client-Cert", StringComparison.OrdinalIgnoreCase)
            || cgi.Equals("Client-Cert-Chain", StringComparison.OrdinalIgnoreCase)
            || cgi.Equals("X-Forwarded-Client-Cert", StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Spoofed(string path, string? key, string version)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var name in SpoofedHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, "evil");
            request.Headers.TryAddWithoutValidation(name, "evil-again");
        }
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }
        return request;
    }

    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OnApiKeyRoute_OnlyTheGatewaysValuesArrive_ExactlyOnce(string version)
    {
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        using var request = Spoofed("/api/transactions/spoof", ApiKeyGatewayFixture.PaymentKey, version);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var seen = fixture.Backend.Last;
        Assert.Equal("payment-service", seen.Header("X-Client-Id"));
        Assert.Equal("ApiKey", seen.Header("X-Auth-Method"));
        Assert.Equal("read:transactions", seen.Header("X-Client-Scopes"));
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("evil", StringComparison.Ordinal));
        // Only the gateway's own three identity headers, spelled as the gateway spells them.
        Assert.Equal(
            ["X-Auth-Method", "X-Client-Id", "X-Client-Scopes"],
            seen.Headers.Where(h => IsIdentityHeader(h.Key)).Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
        Assert.False(seen.HasHeader("X-Client-CN"));
        Assert.False(seen.HasHeader("Client-Cert"));
        Assert.False(seen.HasHeader("X-Forwarded-Client-Cert"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OnPublicRoute_NoIdentityHeaderArrives(string version)
    {
        using var client = fixture.Gateway.CreateClient(version: Version.Parse(version));
        using var request = Spoofed("/public/spoof", key: null, version);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var seen = fixture.Backend.Last;
        Assert.Equal("/public/spoof", seen.Target);
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains("evil", StringComparison.Ordinal));
        Assert.DoesNotContain(seen.Headers, h => IsIdentityHeader(h.Key));
    }

    [Fact]
    public async Task HopByHopConnectionHeader_CannotDropTheGatewaysIdentityHeaders()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/hop");
        request.Headers.Add("X-API-Key", ApiKeyGatewayFixture.PaymentKey);
        request.Headers.TryAddWithoutValidation("Connection", "keep-alive, X-Client-Id, X-Auth-Method, X-Client-Scopes");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = fixture.Backend.Last;
        Assert.Equal("payment-service", seen.Header("X-Client-Id"));
        Assert.Equal("ApiKey", seen.Header("X-Auth-Method"));
        Assert.Equal("read:transactions", seen.Header("X-Client-Scopes"));
    }
}
