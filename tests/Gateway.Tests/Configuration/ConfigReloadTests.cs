using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Configuration;

public sealed class ConfigReloadTests
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(15);

    /// <summary>One ApiKey route, <c>/api/transactions</c>, and one client, <c>payment-service</c> with key <c>sk-old-1111</c>.</summary>
    private static GatewayConfig TransactionsConfig(RecordingBackend backend) =>
        new GatewayConfig(backend.Url)
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .ApiKeyClient("payment-service", "sk-old-1111", "read:transactions");

    private static async Task<HttpStatusCode> GetWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions/1");
        request.Headers.Add("X-API-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task AddedClient_Works_WithoutRestart_AndInvalidReloads_KeepTheLastGoodConfig()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = TransactionsConfig(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-new-2222"));

        // A valid change: a new client, applied without restart.
        await gateway.RewriteConfigAsync(config.ApiKeyClient("order-service", "sk-new-2222", "read:transactions"));
        await Wait.UntilAsync(async () => await GetWithKeyAsync(client, "sk-new-2222") == HttpStatusCode.OK, ReloadTimeout, "the new client's key works");
        Assert.Equal("order-service", backend.Last.Header("X-Client-Id"));

        // Invalid JSON: rejected whole; old keys keep working, unknown keys keep failing.
        await gateway.WriteRawConfigAsync("{ \"ReverseProxy\": { \"Routes\": ");
        await Wait.UntilAsync(() => gateway.LogText().Contains("rejected", StringComparison.Ordinal), ReloadTimeout, "the bad reload is logged");
        var before = backend.Count;
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-new-2222"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-unknown-3333"));
        Assert.Equal(before + 2, backend.Count);
    }

    [Fact]
    public async Task ReloadWithABadLogLevel_IsRejected_NamingTheKey_AndTheGatewayKeepsServing()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = TransactionsConfig(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        await gateway.RewriteConfigAsync(config.Clone().Set("Logging:LogLevel:Default", "Loud").ApiKeyClient("late", "sk-late-5555", "read:transactions"));
        await Wait.UntilAsync(() => gateway.LogText().Contains("Logging:LogLevel:Default: is not a log level", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged naming the key");

        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-late-5555"));
    }

    /// <summary>A reload whose only change was a key's letter case counted as no change: the old id stayed.</summary>
    [Fact]
    public async Task ClientRenamedOnlyInCase_OnReload_IsForwardedUnderItsNewName()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = new GatewayConfig(backend.Url)
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .ApiKeyClient("Payment-Service", "sk-old-1111", "read:transactions");
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
        Assert.Equal("Payment-Service", backend.Last.Header("X-Client-Id"));

        await gateway.RewriteConfigAsync(new GatewayConfig(backend.Url)
            .Route("transactions", "/api/transactions/{**rest}", "ApiKey", "read:transactions")
            .ApiKeyClient("payment-service", "sk-old-1111", "read:transactions"));

        await Wait.UntilAsync(
            async () => await GetWithKeyAsync(client, "sk-old-1111") == HttpStatusCode.OK && backend.Last.Header("X-Client-Id") == "payment-service",
            ReloadTimeout,
            "the renamed client id is forwarded");
    }

    [Fact]
    public async Task ReloadWithRouteWithoutAuth_IsRejected_AndTheRouteStaysAuthenticated()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = TransactionsConfig(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        // The same route made public by dropping Auth, plus a new key: neither may take effect.
        var broken = config.Clone()
            .Route("transactions", "/api/transactions/{**rest}", auth: null)
            .ApiKeyClient("sneaky", "sk-sneaky-4444");
        await gateway.RewriteConfigAsync(broken);
        await Wait.UntilAsync(() => gateway.LogText().Contains("ReverseProxy:Routes:transactions", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged naming the route");

        var before = backend.Count;
        using var anonymous = await client.GetAsync("/api/transactions/1");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-sneaky-4444"));
        Assert.Equal(before, backend.Count);
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
    }

    [Fact]
    public async Task ReloadThatYarpRefuses_IsRejectedWhole_CredentialsIncluded_AndAValidReloadStillApplies()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var config = TransactionsConfig(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        // The client's key replaced, and a cluster setting only YARP checks: neither may take effect.
        var replacedKey = config.Clone()
            .Remove("Auth:ApiKey:Clients:payment-service")
            .ApiKeyClient("payment-service", "sk-new-2222", "read:transactions");
        await gateway.RewriteConfigAsync(replacedKey.Clone().Set("ReverseProxy:Clusters:backend:LoadBalancingPolicy", "NoSuchPolicy"));
        await Wait.UntilAsync(() => gateway.LogText().Contains("rejected", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged");

        var log = gateway.LogText();
        Assert.Contains("ReverseProxy:Clusters:backend", log, StringComparison.Ordinal);
        Assert.Contains("load balancing policy <LoadBalancingPolicy>", log, StringComparison.Ordinal);
        Assert.DoesNotContain("applied", log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-new-2222"));

        // The same key change without the bad policy goes live.
        await gateway.RewriteConfigAsync(replacedKey);
        await Wait.UntilAsync(async () => await GetWithKeyAsync(client, "sk-new-2222") == HttpStatusCode.OK, ReloadTimeout, "the new key works");
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithKeyAsync(client, "sk-old-1111"));
    }

    [Fact]
    public async Task ReloadWithValuesYarpRefuses_IsRejected_NamingTheFieldsNeverTheValues()
    {
        const string unparseableOrder = "order-9b7c1e-not-a-number";
        const string unknownPolicy = "policy-3a8f5d-unknown";
        await using var backend = await RecordingBackend.StartAsync();
        var config = TransactionsConfig(backend);
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = gateway.CreateClient();

        await gateway.RewriteConfigAsync(config.Clone()
            .Set("ReverseProxy:Routes:transactions:Order", unparseableOrder)
            .Set("ReverseProxy:Clusters:backend:LoadBalancingPolicy", unknownPolicy));
        await Wait.UntilAsync(() => gateway.LogText().Contains("rejected", StringComparison.Ordinal), ReloadTimeout, "the rejected reload is logged");

        var log = gateway.LogText();
        Assert.Contains("ReverseProxy:Routes:transactions:Order: YARP cannot read it", log, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:backend: No matching ILoadBalancingPolicy found for the load balancing policy <LoadBalancingPolicy>", log, StringComparison.Ordinal);
        Assert.DoesNotContain(unparseableOrder, log, StringComparison.Ordinal);
        Assert.DoesNotContain(unknownPolicy, log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetWithKeyAsync(client, "sk-old-1111"));
    }
}
