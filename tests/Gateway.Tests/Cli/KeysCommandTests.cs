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

    private static (int Code, string Output, string Errors) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = global::Gateway.Cli.KeysCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A name the config refuses (comma, padding, non-ASCII) got a key and lines to paste.</summary>
    [Theory]
    [InlineData("alice,admin")]
    [InlineData("caf\u00e9")]
    [InlineData(" padded")]
    [InlineData("team:billing")] // pasted into the JSON, configuration reads client "team" with a child "billing"
    public void KeysNew_RefusesAClientNameTheConfigWouldReject(string client)
    {
        var (code, output, errors) = Run("new", client);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("keys new: the client name ", errors, StringComparison.Ordinal);
    }

    /// <summary>The name is JSON-escaped in the lines to paste (a quote made them invalid JSON).</summary>
    [Fact]
    public void KeysNew_LinesToPaste_AreValidJson_ForANameWithAQuote()
    {
        var (code, output, _) = Run("new", "team\"a");

        Assert.Equal(0, code);
        foreach (var section in new[] { "Auth:ApiKey:Clients", "Auth:TokenService:Clients" })
        {
            var line = output.Split('\n').Single(l => l.TrimStart().StartsWith(section + " ", StringComparison.Ordinal));
            var parsed = JsonNode.Parse("{" + line.Trim()[section.Length..] + "}")!.AsObject();
            Assert.True(parsed.ContainsKey("team\"a"), line);
        }
    }

    /// <summary>Keys the gateway never accepts (empty, over 512 characters) got a line to paste.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(513)]
    public void KeysHash_RefusesAKeyTheGatewayNeverAccepts_WithoutEchoingIt(int length)
    {
        var key = new string('k', length);

        var (code, output, errors) = Run("hash", key);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("the gateway never accepts this key", errors, StringComparison.Ordinal);
        if (length > 0)
        {
            Assert.DoesNotContain(key, errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeysHash_AcceptsTheLongestKey()
    {
        var (code, output, _) = Run("hash", new string('k', 512));

        Assert.Equal(0, code);
        Assert.Matches("^sha256:[0-9a-f]{64}$", output.Trim());
    }
}
