using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hosting;

/// <summary>
/// In Development the gateway's development certificate serves every HTTPS endpoint, but only when no
/// endpoint names a certificate (as Kestrel is then set up): <c>validate</c> judges the endpoints by
/// that same rule, and says plainly when the certificate cannot be made.
/// </summary>
public sealed class DevelopmentCertificateValidationTests : IDisposable
{
    private static readonly Dictionary<string, string?> Development = new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["DOTNET_ENVIRONMENT"] = "Development" };

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-dev-cert-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(GatewayConfig config)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }

    /// <summary>A public route, and two HTTPS endpoints without certificates of their own.</summary>
    private static GatewayConfig BareEndpoints() => new GatewayConfig("http://127.0.0.1:9/")
        .Route("public", "/public/{**rest}", "None")
        .Remove("Kestrel:Endpoints:Https:Certificate")
        .Set("Kestrel:Endpoints:Bare", new JsonObject { ["Url"] = "https://127.0.0.1:0" });

    [Fact]
    public async Task Validate_InDevelopment_RefusesABareHttpsEndpoint_WhenAnotherNamesACertificate()
    {
        // The default test endpoint keeps its certificate: the development certificate is then not made, so Bare has none.
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/")
            .Route("public", "/public/{**rest}", "None")
            .Set("Kestrel:Endpoints:Bare", new JsonObject { ["Url"] = "https://127.0.0.1:0" }));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, Development, "validate", "--config", path);

        Assert.True(code == 1, output);
        Assert.Contains("Kestrel:Endpoints:Bare:Certificate: is missing: the development certificate serves only when no endpoint names a certificate", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Kestrel:Endpoints:Https:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InDevelopment_AcceptsBareHttpsEndpoints_WhenNoneNamesACertificate()
    {
        var path = WriteConfig(BareEndpoints());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, Development, "validate", "--config", path);

        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(_directory, "certs", "dev", "localhost-cert.pem")), "the development certificate is made");
    }

    [Fact]
    public async Task Validate_InDevelopment_WhenTheDevelopmentCertificateCannotBeMade_SaysSo_WithoutAStackTrace()
    {
        var path = WriteConfig(BareEndpoints());
        // A file where certs/dev would go: the directory cannot be made, even by root, as with a read-only mount.
        File.WriteAllText(Path.Combine(_directory, "certs"), "in the way");

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, Development, "validate", "--config", path);

        Assert.True(code == 1, output);
        Assert.Contains($"Development: the development server certificate could not be made in '{Path.Combine(_directory, "certs", "dev")}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
