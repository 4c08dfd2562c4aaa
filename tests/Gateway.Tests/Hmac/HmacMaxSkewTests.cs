using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary><c>Auth:Hmac:MaxSkew</c> against the real gateway: its upper bound at start, in <c>validate</c> and on reload.</summary>
public sealed class HmacMaxSkewTests : IDisposable
{
    /// <summary>Parses as a TimeSpan, but twice it does not: once made every signed request a 500.</summary>
    private const string HugeSkew = "6000000.00:00:00";

    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-skew-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Validate_MaxSkewOverOneHour_ExitsOne_NamingTheField()
    {
        var path = WriteConfig(HmacTestClient.Config("http://127.0.0.1:9/", redis: null).Set("Auth:Hmac:MaxSkew", HugeSkew));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Auth:Hmac:MaxSkew", output, StringComparison.Ordinal);
        Assert.Contains("01:00:00", output, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacTestClient.Secret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_WithMaxSkewOverOneHour()
    {
        var path = WriteConfig(HmacTestClient.Config("http://127.0.0.1:9/", redis: null).Set("Auth:Hmac:MaxSkew", "01:00:01"));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.NotEqual(0, code);
        Assert.Contains("Auth:Hmac:MaxSkew", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacTestClient.Secret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadWithMaxSkewOverOneHour_IsRejected_AndSignedRequestsStillPass()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        var config = HmacTestClient.Config(backend, redis);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        await HmacTestClient.WaitPastEpochAsync(redis);

        await gateway.RewriteConfigAsync(config.Clone().Set("Auth:Hmac:MaxSkew", HugeSkew));
        await Wait.UntilAsync(() => gateway.LogText().Contains("Auth:Hmac:MaxSkew", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged naming Auth:Hmac:MaxSkew");

        using var signed = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/after-reload"));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("/api/orders/after-reload", backend.Last.Target);
        // The last good MaxSkew (5 minutes) still holds.
        var before = backend.Count;
        using var old = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/old", timestamp: (HmacTestClient.Now - 600).ToString()));
        Assert.Equal("timestamp outside the allowed window", await ProblemAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized));
        Assert.Equal(before, backend.Count);
        Assert.DoesNotContain(HmacTestClient.Secret, gateway.LogText(), StringComparison.Ordinal);
    }

    private string WriteConfig(GatewayConfig config)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }
}
