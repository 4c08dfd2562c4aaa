using System.Net;
using Gateway.Auth.Hmac.Nonces;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>
/// <c>Auth:Hmac:MaxSkew</c> against the real gateway and a real redis-server: its bounds at start,
/// in <c>validate</c> and on reload; and widening it (reload, restart, another instance) without
/// reopening replays of requests accepted under the narrower skew.
/// </summary>
public sealed class HmacMaxSkewTests : IDisposable
{
    /// <summary>Parses as a TimeSpan, but twice it does not: once made every signed request a 500.</summary>
    private const string HugeSkew = "6000000.00:00:00";

    /// <summary>Nonces recorded under it are kept 2 x 5 s + 60 s.</summary>
    private const string NarrowSkew = "00:00:05";
    private const long NarrowLifetime = 70;
    private const string WideSkew = "00:10:00";

    private const string BeforeWidening = "request signed before MaxSkew was widened; sign it again";

    /// <summary>The warning the instance that widens logs, once per widening.</summary>
    private const string WidenedWarning = "HMAC MaxSkew widened from 5 s to 600 s";

    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-skew-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(HugeSkew)]
    [InlineData("00:00:00.5")]
    public async Task Validate_MaxSkewOutsideOneSecondToOneHour_ExitsOne_NamingTheField(string maxSkew)
    {
        var path = WriteConfig(HmacTestClient.Config("http://127.0.0.1:9/", redis: null).Set("Auth:Hmac:MaxSkew", maxSkew));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Auth:Hmac:MaxSkew", output, StringComparison.Ordinal);
        Assert.Contains("from 00:00:01 to 01:00:00", output, StringComparison.Ordinal);
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

    [Fact]
    public async Task ReloadWideningMaxSkew_ReplayOfARequestAcceptedBefore_IsRefused_AndNotForwarded()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        var config = HmacTestClient.Config(backend, redis).Set("Auth:Hmac:MaxSkew", NarrowSkew);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        await HmacTestClient.WaitPastEpochAsync(redis);
        using var replay = await HmacTestClient.SendAcceptedAsync(client, "/api/orders/pay");
        await ExpireNonceAsync(redis, replay, NarrowLifetime);

        await gateway.RewriteConfigAsync(config.Clone().Set("Auth:Hmac:MaxSkew", WideSkew));
        await Wait.UntilAsync(() => IsAcceptedAsync(client, HmacTestClient.Now + 60), ReloadTimeout, "a timestamp a minute ahead passes: the wider MaxSkew is in force");
        var before = backend.Count;
        using var response = await client.SendAsync(replay);
        using var again = await client.SendAsync(HmacTestClient.Create("GET", "/api/orders/again", timestamp: (HmacTestClient.Now + 60).ToString()));

        Assert.Equal(BeforeWidening, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(before + 1, backend.Count);
        await Wait.UntilAsync(() => gateway.LogText().Contains(WidenedWarning, StringComparison.Ordinal), ReloadTimeout, "the widening is logged");
        var log = gateway.LogText();
        Assert.Equal(1, Occurrences(log, WidenedWarning));
        Assert.Contains("requests signed before now are refused", log, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacTestClient.Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartWithAWiderMaxSkew_ReplayOfARequestAcceptedBefore_IsRefused_AndNotForwarded()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        var config = HmacTestClient.Config(backend, redis).Set("Auth:Hmac:MaxSkew", NarrowSkew);
        using var replay = await AcceptOnceAndStopAsync(config, redis);
        await ExpireNonceAsync(redis, replay, NarrowLifetime);

        await using var restarted = await GatewayHost.StartAsync(config.Clone().Set("Auth:Hmac:MaxSkew", WideSkew));
        using var client = restarted.CreateClient();
        var before = backend.Count;
        using var response = await client.SendAsync(replay);

        Assert.Equal(BeforeWidening, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized));
        Assert.Equal(before, backend.Count);
        await Wait.UntilAsync(() => restarted.LogText().Contains(WidenedWarning, StringComparison.Ordinal), ReloadTimeout, "the widening is logged");
        Assert.Equal(1, Occurrences(restarted.LogText(), WidenedWarning));
    }

    [Fact]
    public async Task InstancesWithDifferentMaxSkews_OnOneRedis_RefuseTheReplay_AndKeepNoncesForTheWidest()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await RecordingBackend.StartAsync();
        var config = HmacTestClient.Config(backend, redis).Set("Auth:Hmac:MaxSkew", NarrowSkew);
        await using var narrow = await GatewayHost.StartAsync(config);
        // The narrow instance connected first: the skew record it writes says 5 s, and the wide one leaves it.
        await HmacTestClient.WaitPastEpochAsync(redis);
        Assert.Equal("5 0 0", await redis.CommandAsync("GET", NonceKeys.Skew));
        await using var wide = await GatewayProcess.StartAsync(config.Clone().Set("Auth:Hmac:MaxSkew", WideSkew), readyPath: "/readyz");
        using var narrowClient = narrow.CreateClient();
        using var wideClient = narrow.CreateClient(baseAddress: wide.BaseAddress);

        using var replay = await HmacTestClient.SendAcceptedAsync(narrowClient, "/api/orders/pay");
        await ExpireNonceAsync(redis, replay, NarrowLifetime);
        var before = backend.Count;
        using var refused = await wideClient.SendAsync(replay);

        Assert.Equal(BeforeWidening, await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized));
        Assert.Equal(before, backend.Count);
        await Wait.UntilAsync(() => wide.Output.Contains(WidenedWarning, StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the wide instance logs the widening");

        // Signed after that: the narrow instance now keeps its nonces as long as the wide one's skew needs.
        await HmacTestClient.WaitPastEpochAsync(redis);
        using var later = await HmacTestClient.SendAcceptedAsync(narrowClient, "/api/orders/later");
        Assert.InRange(await NonceTtlAsync(redis, later), 1200, (2 * 600) + 60);
        using var laterRefused = await wideClient.SendAsync(later);
        Assert.Equal("nonce already used", await ProblemAssert.IsProblemAsync(laterRefused, HttpStatusCode.Unauthorized));
        Assert.Equal(before + 1, backend.Count);
    }

    /// <summary>Starts a gateway, has it accept one signed request, stops it, and returns the request to replay.</summary>
    private static async Task<HttpRequestMessage> AcceptOnceAndStopAsync(GatewayConfig config, RedisServer redis)
    {
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        await HmacTestClient.WaitPastEpochAsync(redis);
        return await HmacTestClient.SendAcceptedAsync(client, "/api/orders/pay");
    }

    /// <summary>
    /// Deletes the accepted request's nonce, which Redis would expire after its lifetime (at most
    /// <paramref name="lifetime"/> seconds): the wait this test skips.
    /// </summary>
    private static async Task ExpireNonceAsync(RedisServer redis, HttpRequestMessage accepted, long lifetime)
    {
        Assert.InRange(await NonceTtlAsync(redis, accepted), 1, lifetime);
        Assert.Equal("1", await redis.CommandAsync("DEL", HmacTestClient.NonceKey(accepted)));
    }

    private static async Task<long> NonceTtlAsync(RedisServer redis, HttpRequestMessage accepted) =>
        long.Parse(await redis.CommandAsync("TTL", HmacTestClient.NonceKey(accepted)));

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static async Task<bool> IsAcceptedAsync(HttpClient client, long timestamp)
    {
        using var request = HmacTestClient.Create("GET", "/api/orders/probe", timestamp: timestamp.ToString());
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private string WriteConfig(GatewayConfig config)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }
}
