using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>The root appsettings.json: the demo Hmac route's secret comes only from Development config or the environment.</summary>
public sealed class HmacDemoConfigTests
{
    private static string RootConfig => Path.Combine(GatewayProcess.RepositoryRoot, "appsettings.json");

    [Fact]
    public async Task RootConfig_InProduction_WithoutTheSecret_IsRefused_NamingTheClient()
    {
        await using var process = GatewayProcess.StartDll(Path.GetTempPath(), null, "validate", "--config", RootConfig);

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Auth:Hmac:Clients:client-1:Secret: is missing", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootConfig_InProduction_WithTheSecretFromTheEnvironment_IsValid_AndListsTheHmacRoute()
    {
        const string secret = "env-secret-0123456789abcdef-never-printed";
        await using var process = GatewayProcess.StartDll(Path.GetTempPath(), new Dictionary<string, string?>
        {
            ["Auth__Hmac__Clients__client-1__Secret"] = secret,
        }, "validate", "--config", RootConfig);

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, process.Output);
        Assert.Contains("/api/orders/{**rest}", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, process.Output, StringComparison.Ordinal);
    }
}
