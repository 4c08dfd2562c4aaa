using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>The root appsettings.json: the demo Hmac route's secret comes only from Development config or the environment.</summary>
public sealed class HmacDemoConfigTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-rootconfig-").FullName;

    /// <summary>A copy of the root config beside the development CA it names (made here, so a fresh clone passes too).</summary>
    private string RootConfig => Path.Combine(_directory, "appsettings.json");

    public async Task InitializeAsync()
    {
        File.Copy(Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.json"), RootConfig);
        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "certs", "dev", "--out", Path.Combine(_directory, "certs", "dev"));
        Assert.True(code == 0, output);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RootConfig_InProduction_WithoutTheSecret_IsRefused_NamingTheClient()
    {
        var (code, output) = await GatewayProcess.RunToExitAsync(Path.GetTempPath(), "validate", "--config", RootConfig);

        Assert.Equal(1, code);
        Assert.Contains("Auth:Hmac:Clients:client-1:Secret: is missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootConfig_InProduction_WithTheSecretFromTheEnvironment_IsValid_AndListsTheHmacRoute()
    {
        const string secret = "env-secret-0123456789abcdef-never-printed";
        var (code, output) = await GatewayProcess.RunToExitAsync(Path.GetTempPath(), new Dictionary<string, string?>
        {
            ["Auth__Hmac__Clients__client-1__Secret"] = secret,
            // Production has no development certificate: the HTTPS endpoint needs one of its own.
            ["Kestrel__Endpoints__Https__Certificate__Path"] = "certs/dev/localhost-cert.pem",
            ["Kestrel__Endpoints__Https__Certificate__KeyPath"] = "certs/dev/localhost-key.pem",
        }, "validate", "--config", RootConfig);

        Assert.True(code == 0, output);
        Assert.Contains("/api/orders/{**rest}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
    }
}
