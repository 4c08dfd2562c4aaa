using System.Net;
using Gateway.Auth.Mtls;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Mtls;

public sealed class MtlsReloadTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private RecordingBackend _backend = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(MtlsGatewayFixture.Config(_backend.Url, _pki));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        _pki.Dispose();
    }

    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CnRemovedByReload_NextRequestOnTheOpenConnection_Gets403(string version)
    {
        using var client = new CountingClient(_gateway.BaseAddress, _pki.Payment, Version.Parse(version));
        using (var first = await client.Http.GetAsync("/internal/tx/before"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var forwarded = _backend.Count;

        var config = MtlsGatewayFixture.Config(_backend.Url, _pki).Remove($"Auth:Mtls:Clients:{MtlsTestPki.PaymentCn}");
        await _gateway.RewriteConfigAsync(config);
        var options = _gateway.Services.GetRequiredService<IOptionsMonitor<MtlsOptions>>();
        await Wait.UntilAsync(() => !options.Get(MtlsDefaults.AuthenticationScheme).Clients.ContainsKey(MtlsTestPki.PaymentCn), TimeSpan.FromSeconds(15), "the reload removed the CN");

        using var next = await client.Http.GetAsync("/internal/tx/after");

        var detail = await ProblemAssert.IsProblemAsync(next, HttpStatusCode.Forbidden);
        Assert.Contains(MtlsTestPki.PaymentCn, detail, StringComparison.Ordinal);
        Assert.Equal(Version.Parse(version), next.Version);
        Assert.Equal(1, client.Connections);
        Assert.Equal(forwarded, _backend.Count);

        // The other listed CN keeps working: only the removed entry is refused.
        using var order = new CountingClient(_gateway.BaseAddress, _pki.Order, Version.Parse(version));
        using var stillServed = await order.Http.GetAsync("/internal-fwd/ok");
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
    }

    [Fact]
    public async Task CnAddedByReload_IsAcceptedOnTheOpenConnection()
    {
        using var client = new CountingClient(_gateway.BaseAddress, _pki.Unlisted);
        using (var refused = await client.Http.GetAsync("/internal-fwd/before"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var config = MtlsGatewayFixture.Config(_backend.Url, _pki)
            .Set($"Auth:Mtls:Clients:{MtlsTestPki.UnlistedCn}", new System.Text.Json.Nodes.JsonObject { ["Scopes"] = new System.Text.Json.Nodes.JsonArray("read:other") });
        await _gateway.RewriteConfigAsync(config);
        var options = _gateway.Services.GetRequiredService<IOptionsMonitor<MtlsOptions>>();
        await Wait.UntilAsync(() => options.Get(MtlsDefaults.AuthenticationScheme).Clients.ContainsKey(MtlsTestPki.UnlistedCn), TimeSpan.FromSeconds(15), "the reload added the CN");
        var before = _backend.Count;

        using var response = await client.Http.GetAsync("/internal-fwd/after");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, client.Connections);
        Assert.Equal(before + 1, _backend.Count);
        Assert.Equal(MtlsTestPki.UnlistedCn, _backend.Last.Header("X-Client-CN"));
    }

    [Fact]
    public async Task InvalidReload_KeepsTheLastGoodMtlsConfigServing()
    {
        var config = MtlsGatewayFixture.Config(_backend.Url, _pki).Set("Auth:Mtls:TrustedCaFile", Path.Combine(_pki.Directory, "missing.pem"));
        await _gateway.RewriteConfigAsync(config);
        await Wait.UntilAsync(() => _gateway.LogText().Contains("rejected", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the reload was rejected");
        Assert.Contains("Auth:Mtls:TrustedCaFile", _gateway.LogText(), StringComparison.Ordinal);
        var before = _backend.Count;

        using var client = new CountingClient(_gateway.BaseAddress, _pki.Payment);
        using var response = await client.Http.GetAsync("/internal/tx/still");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
    }

    /// <summary>
    /// The CA file is read when the config is loaded: replaced on disk afterwards, without a reload, it
    /// does not take effect (it was read at the first Mtls request, so a broken file then refused every
    /// client certificate though the last good config was meant to keep serving).
    /// </summary>
    [Fact]
    public async Task CaFileReplacedWithoutAReload_IsNotReadUntilTheNextReload()
    {
        await File.WriteAllTextAsync(_pki.CaPath, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        var before = _backend.Count;

        using var client = new CountingClient(_gateway.BaseAddress, _pki.Payment);
        using var response = await client.Http.GetAsync("/internal/tx/ca-replaced");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _backend.Count);
    }
}
