using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Demo;

/// <summary>
/// Starts the gateway exactly as the README's first command does (<c>dotnet run --project src/Gateway</c>
/// from the repository root, Development from launchSettings) and runs the README's curl lines.
/// </summary>
public sealed class DemoCommandTests
{
    private static async Task<(int Status, string Text)> CurlAsync(params string[] args)
    {
        var curl = await ExternalTool.RunAsync("curl", [.. args, "-s", "-i", "--max-time", "20"], TimeSpan.FromSeconds(60));
        var text = curl.StandardOutput;
        var statusLine = text.Split('\n')[0];
        return (statusLine.Length > 0 ? int.Parse(statusLine.Split(' ')[1]) : 0, text);
    }

    [Fact]
    public async Task DemoCommand_ServesTheReadmeCurlLines()
    {
        await using var demo = await GatewayProcess.StartReadmeDemoAsync(TimeSpan.FromMinutes(4));

        // 200, with the identity the gateway verified echoed back by the demo backend.
        var ok = await CurlAsync("-k", "https://localhost:8443/api/transactions/list", "-H", "X-API-Key: sk-live-a1b2c3d4");
        Assert.True(ok.Status == 200, ok.Text + demo.Output);
        Assert.Contains("\"X-Client-Id\": \"payment-service\"", ok.Text, StringComparison.Ordinal);
        Assert.Contains("\"X-Auth-Method\": \"ApiKey\"", ok.Text, StringComparison.Ordinal);
        Assert.Contains("\"X-Client-Scopes\": \"read:transactions\"", ok.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-a1b2c3d4", ok.Text, StringComparison.Ordinal);

        var forbidden = await CurlAsync("-k", "https://localhost:8443/api/transactions/list", "-H", "X-API-Key: sk-test-e5f6g7h8");
        Assert.Equal(403, forbidden.Status);

        var missing = await CurlAsync("-k", "https://localhost:8443/api/transactions/list");
        Assert.Equal(401, missing.Status);
        Assert.Contains("www-authenticate", missing.Text, StringComparison.OrdinalIgnoreCase);

        var test = await CurlAsync("-k", "https://localhost:8443/api/test/ping", "-H", "X-API-Key: sk-test-e5f6g7h8");
        Assert.Equal(200, test.Status);

        var open = await CurlAsync("-k", "https://localhost:8443/public/hello");
        Assert.Equal(200, open.Status);
    }
}
