using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Relative paths in the config resolve against the config file's directory, Kestrel's certificate
/// files included, wherever the process runs from: a container mounts its config anywhere.
/// </summary>
public sealed class KestrelCertificatePathTests : IDisposable
{
    private readonly string _configDirectory = Directory.CreateTempSubdirectory("gw-mounted-config-").FullName;
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("gw-elsewhere-").FullName;

    public void Dispose()
    {
        Directory.Delete(_configDirectory, recursive: true);
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task RelativeServerCertificatePaths_ResolveAgainstTheConfigFilesDirectory()
    {
        var tls = Directory.CreateDirectory(Path.Combine(_configDirectory, "tls")).FullName;
        File.Copy(TestCertificates.ServerPem.CertPath, Path.Combine(tls, "server-cert.pem"));
        File.Copy(TestCertificates.ServerPem.KeyPath, Path.Combine(tls, "server-key.pem"));
        var baseAddress = new Uri($"https://127.0.0.1:{FreePort.Next()}/");
        var configPath = Path.Combine(_configDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, new GatewayConfig("http://127.0.0.1:9/")
            .Route("public", "/public/{**rest}", "None")
            .Set("Kestrel:Endpoints:Https", new JsonObject
            {
                ["Url"] = baseAddress.GetLeftPart(UriPartial.Authority),
                ["Certificate"] = new JsonObject { ["Path"] = "tls/server-cert.pem", ["KeyPath"] = "tls/server-key.pem" },
            })
            .ToJson());

        var (validateCode, validateOutput) = await GatewayProcess.RunToExitAsync(_workingDirectory, "validate", "--config", configPath);
        Assert.True(validateCode == 0, validateOutput);

        await using var gateway = await GatewayProcess.StartAsync(_workingDirectory, baseAddress, "/healthz", environment: null, "--config", configPath);
    }

    [Fact]
    public async Task ContentRootNamingAnotherDirectory_IsRefused_NotSilentlyOverridden()
    {
        var configPath = Path.Combine(_configDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, new GatewayConfig("http://127.0.0.1:9/").Route("public", "/public/{**rest}", "None").ToJson());
        var elsewhere = new Dictionary<string, string?> { ["ASPNETCORE_CONTENTROOT"] = _workingDirectory };

        var (argCode, argOutput) = await GatewayProcess.RunToExitAsync(_workingDirectory, "validate", "--config", configPath, "--contentRoot", _workingDirectory);
        var (envCode, envOutput) = await GatewayProcess.RunToExitAsync(_workingDirectory, elsewhere, "validate", "--config", configPath);
        var (startCode, startOutput) = await GatewayProcess.RunToExitAsync(_workingDirectory, elsewhere, "--config", configPath);

        foreach (var (code, output) in new[] { (argCode, argOutput), (envCode, envOutput), (startCode, startOutput) })
        {
            Assert.True(code == 1, output);
            Assert.Contains($"content root: '{_workingDirectory}' is set", output, StringComparison.Ordinal);
            Assert.Contains($"pass --config {Path.Combine(_workingDirectory, "appsettings.json")}", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        Assert.Contains("Gateway did not start", startOutput, StringComparison.Ordinal);

        // The config file's own directory, given as the content root, is what the gateway uses anyway.
        var (sameCode, sameOutput) = await GatewayProcess.RunToExitAsync(_workingDirectory, "validate", "--config", configPath, "--contentRoot", _configDirectory);
        Assert.True(sameCode == 0, sameOutput);
    }
}
