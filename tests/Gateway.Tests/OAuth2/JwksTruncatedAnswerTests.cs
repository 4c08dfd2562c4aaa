using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// security.md class 6: a JWKS endpoint that cuts its answer short (Content-Length promised, connection
/// dropped mid-body: a crashing IdP pod, a proxy timeout) must be treated like "provider down": the
/// gateway keeps its last good keys (or starts without keys) and every other route keeps serving.
/// </summary>
public sealed class JwksTruncatedAnswerTests
{
    private sealed class FlakyIdp : IAsyncDisposable
    {
        private WebApplication _app = null!;
        public TestSigningKey Key { get; } = TestSigningKey.Create("k1");
        public volatile bool Truncate;
        public int Fetches;
        public Uri JwksUri { get; private set; } = null!;

        public static async Task<FlakyIdp> StartAsync(bool truncate)
        {
            var idp = new FlakyIdp { Truncate = truncate };
            var (app, url) = await LoopbackApp.StartAsync(app => app.MapGet("/jwks", async (HttpContext context) =>
            {
                Interlocked.Increment(ref idp.Fetches);
                var body = System.Text.Encoding.UTF8.GetBytes("{\"keys\":[" + idp.Key.PublicJwkJson() + "]}");
                context.Response.ContentType = "application/json";
                if (!idp.Truncate)
                {
                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body);
                    return;
                }
                // Promise the whole document, send 20 bytes of it, then drop the connection.
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body.AsMemory(0, 20));
                await context.Response.Body.FlushAsync();
                // Let the client read the headers first: the cut comes while it reads the body.
                await Task.Delay(300);
                context.Abort();
            }));
            idp._app = app;
            idp.JwksUri = new Uri(new Uri(url), "jwks");
            return idp;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static GatewayConfig Config(string backend, FlakyIdp idp, string refreshInterval) => new GatewayConfig(backend)
        .Route("reports", "/api/reports/{**rest}", "OAuth2", "read:reports")
        .Route("public", "/public/{**rest}", "None")
        .Set("Auth:OAuth2:Issuer", TestIdentityProvider.Issuer)
        .Set("Auth:OAuth2:Audience", TestIdentityProvider.Audience)
        .Set("Auth:OAuth2:JwksUri", idp.JwksUri.AbsoluteUri)
        .Set("Auth:OAuth2:RefreshCooldown", "00:00:01")
        .Set("Auth:OAuth2:RefreshInterval", refreshInterval);

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task TruncatedAtStart_GatewayStillStarts_AndOtherRoutesServe()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var idp = await FlakyIdp.StartAsync(truncate: true);

        // The fetch's IOException escaped JwksRefreshService.StartAsync: the gateway did not start.
        await using var gateway = await GatewayHost.StartAsync(Config(backend.Url, idp, "00:10:00"));
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/public/x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/api/reports/x", TestIdentityProvider.Token(idp.Key)));
    }

    [Fact]
    public async Task TruncatedOnScheduledRefresh_GatewayKeepsServing_WithTheLastGoodKeys()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var idp = await FlakyIdp.StartAsync(truncate: false);
        await using var gateway = await GatewayHost.StartAsync(Config(backend.Url, idp, "00:00:01"));
        using var client = gateway.CreateClient();
        var token = TestIdentityProvider.Token(idp.Key);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/api/reports/x", token));

        idp.Truncate = true;
        // The refresh that met the broken answer logs it (before, its IOException escaped the refresh loop and stopped the host).
        await Wait.UntilAsync(() => gateway.LogText().Contains("the answer broke off", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "a scheduled refresh met the truncated answer and logged it");

        var lifetime = gateway.Services.GetRequiredService<IHostApplicationLifetime>();
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the gateway shut itself down after a truncated JWKS answer:\n" + gateway.LogText());
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/public/x"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/api/reports/x", token));
    }
}
