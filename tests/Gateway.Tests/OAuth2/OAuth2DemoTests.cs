using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// The README's token-service flow against the demo config (root appsettings.json + the Development
/// overlay), run as the built program: fetch a token with the demo client, call the demo OAuth2 route.
/// </summary>
public sealed class OAuth2DemoTests
{
    public const string DemoClient = "reporting-service";
    public const string DemoSecret = "sk-demo-reporting-service-secret";

    [Fact]
    public async Task DemoTokenService_CurlFlow_Works_AndKeepsItsGeneratedKey()
    {
        var directory = Directory.CreateTempSubdirectory("gw-demo-").FullName;
        try
        {
            File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.json"), Path.Combine(directory, "appsettings.json"));
            File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.Development.json"), Path.Combine(directory, "appsettings.Development.json"));
            var httpsPort = FreePort.Next();
            var echoPort = FreePort.Next();
            var environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{httpsPort}",
                ["Demo__EchoBackend"] = $"http://127.0.0.1:{echoPort}",
                ["ReverseProxy__Clusters__payments__Destinations__d1__Address"] = $"http://127.0.0.1:{echoPort}/",
            };
            var baseAddress = new Uri($"https://127.0.0.1:{httpsPort}");
            await using var gateway = await GatewayProcess.StartAsync(directory, baseAddress, "/healthz", environment);
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true; // curl -k
            using var client = new HttpClient(handler) { BaseAddress = baseAddress };
            Assert.True(File.Exists(Path.Combine(directory, "certs", "dev", "token-signing-key.pem")), "the Development signing key was generated");

            // curl -sk -u reporting-service:SECRET -d grant_type=client_credentials -d scope=read:reports https://localhost:8443/oauth/token
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
            {
                Content = new StringContent("grant_type=client_credentials&scope=read:reports", Encoding.ASCII, "application/x-www-form-urlencoded"),
            };
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{DemoClient}:{DemoSecret}")));
            using var tokenResponse = await client.SendAsync(tokenRequest);
            var tokenText = await tokenResponse.Content.ReadAsStringAsync();
            Assert.True(tokenResponse.StatusCode == HttpStatusCode.OK, tokenText);
            using var tokenJson = JsonDocument.Parse(tokenText);
            var token = tokenJson.RootElement.GetProperty("access_token").GetString()!;

            // curl -sk -H "Authorization: Bearer $TOKEN" https://localhost:8443/api/reports/q3
            using var apiRequest = new HttpRequestMessage(HttpMethod.Get, "/api/reports/q3");
            apiRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var apiResponse = await client.SendAsync(apiRequest);
            var echo = await apiResponse.Content.ReadAsStringAsync();
            Assert.True(apiResponse.StatusCode == HttpStatusCode.OK, echo);
            Assert.Contains("\"X-Client-Id\": \"reporting-service\"", echo, StringComparison.Ordinal);
            Assert.Contains("\"X-Client-Scopes\": \"read:reports\"", echo, StringComparison.Ordinal);
            Assert.DoesNotContain("Authorization", echo, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
