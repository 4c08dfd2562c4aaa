using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.OAuth2;

/// <summary>
/// A real identity provider for the tests: Kestrel on a loopback port serving a JWKS document
/// (<c>/jwks</c>) and an OIDC discovery document, counting every fetch; it mints the tokens.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Issuer = "https://idp.test";
    public const string Audience = "https://api.test";
    public const string ClientId = "reporting-service";

    private readonly WebApplication _app;
    private volatile TestSigningKey[] _published = [];
    private int _jwksFetches;
    private int _discoveryFetches;
    private bool _stopped;

    private TestIdentityProvider(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    public Uri JwksUri => new(BaseUri, "jwks");

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public int DiscoveryFetches => Volatile.Read(ref _discoveryFetches);

    /// <summary>When set, the JWKS answer is this text instead of the published keys.</summary>
    public string? RawJwks { get; set; }

    /// <summary>When set to other than 200, the JWKS endpoint answers this status with a plain-text body.</summary>
    public int JwksStatusCode { get; set; } = StatusCodes.Status200OK;

    /// <summary>When set, the JWKS endpoint waits this long before answering.</summary>
    public TimeSpan JwksDelay { get; set; }

    public static async Task<TestIdentityProvider> StartAsync(params TestSigningKey[] keys)
    {
        TestIdentityProvider? idp = null;
        var (app, url) = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/jwks", (HttpContext context) => idp!.ServeJwksAsync(context));
            app.MapGet("/.well-known/openid-configuration", (HttpContext context) => idp!.ServeDiscoveryAsync(context));
        });
        idp = new TestIdentityProvider(app) { _published = keys, BaseUri = new Uri(url) };
        return idp;
    }

    /// <summary>Replaces the published key set (a rotation at the provider).</summary>
    public void Publish(params TestSigningKey[] keys) => _published = keys;

    /// <summary>Stops listening: the port refuses connections from now on.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    /// <summary>Default claims: iss, aud, client_id, scope, iat, nbf (1 min ago), exp (in 5 min).</summary>
    public static JsonObject Claims(string? scope = "read:reports")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["client_id"] = ClientId,
            ["sub"] = "subject-of-" + ClientId,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }
        return claims;
    }

    /// <summary>An RS256 token signed by <paramref name="key"/>, with its kid, and extra header members.</summary>
    public static string Token(TestSigningKey key, JsonObject? claims = null, IDictionary<string, object>? header = null, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var credentials = new SigningCredentials(key.SecurityKey, algorithm);
        return header is null
            ? handler.CreateToken((claims ?? Claims()).ToJsonString(), credentials)
            : handler.CreateToken((claims ?? Claims()).ToJsonString(), credentials, new Dictionary<string, object>(header));
    }

    /// <summary>A token assembled by hand from a header and payload, signed with <paramref name="sign"/> (or unsigned).</summary>
    public static string RawToken(JsonNode header, JsonObject payload, Func<byte[], byte[]>? sign = null)
    {
        var signingInput = B64Json(header) + "." + B64Json(payload);
        var signature = sign is null ? "" : TestSigningKey.B64(sign(Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    public static string B64Json(JsonNode node) => TestSigningKey.B64(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private async Task ServeJwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _jwksFetches);
        if (JwksDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(JwksDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (JwksStatusCode != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = JwksStatusCode;
            await context.Response.WriteAsync("the key service is having a bad day");
            return;
        }
        context.Response.ContentType = "application/json";
        var body = RawJwks ?? "{\"keys\":[" + string.Join(',', _published.Select(k => k.PublicJwkJson())) + "]}";
        await context.Response.WriteAsync(body);
    }

    private async Task ServeDiscoveryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _discoveryFetches);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = JwksUri.AbsoluteUri,
            ["token_endpoint"] = new Uri(BaseUri, "token").AbsoluteUri,
        }));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }
        await _app.DisposeAsync();
    }
}
