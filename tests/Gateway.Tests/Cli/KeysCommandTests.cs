using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Cli;

public sealed class KeysCommandTests
{
    [Fact]
    public async Task KeysNew_OutputPastedIntoConfig_Authenticates_AndKeysHashReproducesTheLine()
    {
        var (code, output) = await GatewayProcess.RunToExitAsync(AppContext.BaseDirectory, "keys", "new", "billing");
        Assert.Equal(0, code);
        var key = Regex.Match(output, @"key:\s+(\S+)").Groups[1].Value;
        var hashLine = Regex.Match(output, @"hash:\s+(sha256:[0-9a-f]{64})").Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.NotEmpty(hashLine);

        var (hashCode, hashOutput) = await GatewayProcess.RunToExitAsync(AppContext.BaseDirectory, "keys", "hash", key);
        Assert.Equal(0, hashCode);
        Assert.Equal(hashLine, hashOutput.Trim());

        await using var backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(backend.Url)
            .Route("billing", "/billing/{**rest}", "ApiKey", "read:billing")
            .Set("Auth:ApiKey:Clients:billing", new JsonObject { ["Keys"] = new JsonArray(hashLine), ["Scopes"] = new JsonArray("read:billing") });
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/billing/invoices");
        request.Headers.Add("X-API-Key", key);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("billing", backend.Last.Header("X-Client-Id"));
    }

    [Fact]
    public async Task KeysNew_MakesADifferentKeyEachTime()
    {
        var (_, first) = await GatewayProcess.RunToExitAsync(AppContext.BaseDirectory, "keys", "new", "a");
        var (_, second) = await GatewayProcess.RunToExitAsync(AppContext.BaseDirectory, "keys", "new", "a");

        Assert.NotEqual(Regex.Match(first, @"key:\s+(\S+)").Groups[1].Value, Regex.Match(second, @"key:\s+(\S+)").Groups[1].Value);
    }
}
