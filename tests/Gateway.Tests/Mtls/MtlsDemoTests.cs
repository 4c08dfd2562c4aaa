using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Mtls;

public sealed class MtlsDemoTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-mtls-demo-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void Overlay(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Overlay(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    [Fact]
    public async Task DevelopmentDemo_MakesTheCertificatesOnFirstStart_AndItsMtlsRouteWorks()
    {
        // The repository's demo config with its Development overlay, moved to free loopback ports.
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.json")))!.AsObject();
        Overlay(config, JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.Development.json")))!.AsObject());
        var echo = $"http://127.0.0.1:{FreePort.Next()}";
        config["Kestrel"]!["Endpoints"]!["Https"]!["Url"] = "https://127.0.0.1:0";
        config["Demo"] = new JsonObject { ["EchoBackend"] = echo };
        foreach (var (_, cluster) in config["ReverseProxy"]!["Clusters"]!.AsObject())
        {
            foreach (var (_, destination) in cluster!["Destinations"]!.AsObject())
            {
                destination!["Address"] = echo + "/";
            }
        }
        var configPath = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        await using var app = Gateway.GatewayApp.Build(["--environment", "Development"], configPath);
        await app.StartAsync();
        try
        {
            var dev = Path.Combine(_directory, "certs", "dev");
            Assert.True(File.Exists(Path.Combine(dev, "ca-cert.pem")));
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dev, "ca-cert.pem")));
            using var payment = X509Certificate2.CreateFromPemFile(Path.Combine(dev, "payment-service.production.internal-cert.pem"), Path.Combine(dev, "payment-service.production.internal-key.pem"));
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

            // The server certificate is the CA-signed one: the client checks it against the dev CA only.
            using var client = new CountingClient(address, payment, HttpVersion.Version20, trustedServerCa: ca);
            using var response = await client.Http.GetAsync("/api/internal/transactions/42");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var headers = JsonNode.Parse(body)!["headers"]!;
            Assert.Equal("payment-service.production.internal", headers["X-Client-CN"]!.GetValue<string>());
            Assert.Equal("SUCCESS", headers["X-Client-Verify"]!.GetValue<string>());
            Assert.Equal(TestCertificates.Sha256Hex(payment), headers["X-Client-Cert-Sha256"]!.GetValue<string>());

            using var anonymous = new CountingClient(address, null, HttpVersion.Version11, trustedServerCa: ca);
            using var refused = await anonymous.Http.GetAsync("/api/internal/transactions/42");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
