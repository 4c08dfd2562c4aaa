using System.Text;
using System.Text.Json;
using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// The built-in token service: <c>POST {Path}</c> (RFC 6749 §4.4 client credentials, §5.1/§5.2
/// answers) and <c>GET /.well-known/jwks.json</c>. Mapped only when <c>Auth:TokenService:Enabled</c>
/// is true at start.
/// </summary>
public static partial class TokenServiceEndpoints
{
    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 64,
        ValueLengthLimit = TokenServiceDefaults.MaxRequestBytes,
        BufferBody = false,
    };

    public static IEndpointRouteBuilder MapGatewayTokenService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptionsMonitor<TokenServiceOptions>>().CurrentValue;
        if (!options.Enabled)
        {
            return endpoints;
        }
        // Before any route, whatever its Order: the gateway's own endpoints are never shadowed.
        endpoints.MapPost(options.Path, HandleTokenRequestAsync).AllowAnonymous().DisableAntiforgery().WithOrder(int.MinValue);
        endpoints.MapGet(TokenServiceDefaults.JwksPath, WriteJwksAsync).AllowAnonymous().WithOrder(int.MinValue);
        return endpoints;
    }

    internal static async Task HandleTokenRequestAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<TokenServiceOptions>>().CurrentValue;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TokenServiceEndpoints).FullName!);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!options.Enabled)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "no route matches this request");
            return;
        }

        var (form, formError) = await ReadFormAsync(context);
        if (formError is not null)
        {
            await WriteErrorAsync(context, formError);
            return;
        }

        var (clientId, secret, credentialError) = ReadClientCredentials(context.Request, form!);
        if (credentialError is not null)
        {
            if (credentialError.Error == "invalid_client")
            {
                Log.ClientAuthenticationFailed(logger, Printable(clientId), credentialError.Description);
            }
            await WriteErrorAsync(context, credentialError);
            return;
        }
        var client = options.ClientIndex.Authenticate(clientId!, secret!);
        if (client is null)
        {
            Log.ClientAuthenticationFailed(logger, Printable(clientId), "unknown client or wrong secret");
            await WriteErrorAsync(context, TokenRequestError.InvalidClient("client authentication failed"));
            return;
        }

        var grantType = Single(form!, "grant_type", out var grantError);
        if (grantError is not null || grantType is null)
        {
            await WriteErrorAsync(context, TokenRequestError.InvalidRequest(grantError ?? "grant_type is missing"));
            return;
        }
        if (grantType != "client_credentials")
        {
            await WriteErrorAsync(context, TokenRequestError.UnsupportedGrantType("only grant_type=client_credentials is supported"));
            return;
        }

        var requested = Single(form!, "scope", out var scopeError);
        if (scopeError is not null)
        {
            await WriteErrorAsync(context, TokenRequestError.InvalidRequest(scopeError));
            return;
        }
        var (scopes, invalidScope) = GrantScopes(client, requested);
        if (invalidScope is not null)
        {
            await WriteErrorAsync(context, invalidScope);
            return;
        }

        var key = services.GetRequiredService<TokenSigningKeyProvider>().TryGet(options);
        if (key is null)
        {
            await WriteErrorAsync(context, new TokenRequestError("temporarily_unavailable", "the token service cannot sign tokens right now", StatusCodes.Status503ServiceUnavailable));
            return;
        }
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var token = TokenIssuer.Issue(options, key, client.Name, scopes, time.GetUtcNow());
        var granted = string.Join(' ', scopes);
        Log.TokenIssued(logger, client.Name, granted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("access_token", token);
            json.WriteString("token_type", "Bearer");
            json.WriteNumber("expires_in", (long)options.TokenLifetime.TotalSeconds);
            if (granted.Length > 0)
            {
                json.WriteString("scope", granted);
            }
        });
    }

    /// <summary>Every key the routes trust: the current one and, until their tokens have expired, the ones it replaced.</summary>
    internal static Task WriteJwksAsync(HttpContext context)
    {
        var keys = context.RequestServices.GetRequiredService<TokenSigningKeyProvider>().Current;
        context.Response.Headers.CacheControl = "public, max-age=300";
        return WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartArray("keys");
            foreach (var trusted in keys?.Trusted ?? [])
            {
                // Written field by field so that no private parameter can ever be serialised.
                var key = trusted.Key;
                json.WriteStartObject();
                json.WriteString("kty", "RSA");
                json.WriteString("use", "sig");
                json.WriteString("alg", "RS256");
                json.WriteString("kid", key.KeyId);
                json.WriteString("n", key.Modulus);
                json.WriteString("e", key.Exponent);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
    }

    private static async Task<(IFormCollection? Form, TokenRequestError? Error)> ReadFormAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, TokenRequestError.InvalidRequest("expected an application/x-www-form-urlencoded body"));
        }
        if (request.ContentLength > TokenServiceDefaults.MaxRequestBytes)
        {
            return (null, TokenRequestError.InvalidRequest("the request body is too large"));
        }
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = TokenServiceDefaults.MaxRequestBytes;
        }
        try
        {
            return (await request.ReadFormAsync(FormLimits, context.RequestAborted), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, TokenRequestError.InvalidRequest("the request body could not be read as a form"));
        }
    }

    /// <summary>RFC 6749 §2.3.1: HTTP Basic (form-urlencoded id and secret) or client_id/client_secret form fields, never both.</summary>
    private static (string? ClientId, string? Secret, TokenRequestError? Error) ReadClientCredentials(HttpRequest request, IFormCollection form)
    {
        var authorization = request.Headers.Authorization;
        var formId = Single(form, "client_id", out var idError);
        var formSecret = Single(form, "client_secret", out var secretError);
        if (idError is not null || secretError is not null)
        {
            return (null, null, TokenRequestError.InvalidRequest(idError ?? secretError!));
        }
        if (authorization.Count > 0)
        {
            if (formSecret is not null)
            {
                return (null, null, TokenRequestError.InvalidRequest("use one client authentication method, not both Basic and client_secret"));
            }
            if (authorization.Count > 1)
            {
                return (null, null, TokenRequestError.InvalidRequest("more than one Authorization header"));
            }
            var (id, secret) = ParseBasic(authorization[0]);
            if (id is null || secret is null)
            {
                return (id, null, TokenRequestError.InvalidClient("malformed Basic client credentials"));
            }
            // A client_id beside Basic must name the same client: two ids leave open which one is meant.
            return formId is not null && !string.Equals(formId, id, StringComparison.Ordinal)
                ? (null, null, TokenRequestError.InvalidRequest("client_id differs from the client in the Basic credentials"))
                : (id, secret, null);
        }
        if (formId is null)
        {
            return (null, null, TokenRequestError.InvalidClient("client authentication is required (HTTP Basic or client_id and client_secret)"));
        }
        if (formSecret is null)
        {
            return (formId, null, TokenRequestError.InvalidClient("client_secret is missing"));
        }
        if (formId.Length > TokenServiceDefaults.MaxCredentialLength || formSecret.Length > TokenServiceDefaults.MaxCredentialLength)
        {
            return (null, null, TokenRequestError.InvalidClient("client authentication failed"));
        }
        return (formId, formSecret, null);
    }

    private static (string? Id, string? Secret) ParseBasic(string? header)
    {
        const string prefix = "Basic ";
        if (header is null || !header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }
        var encoded = header.AsSpan(prefix.Length).Trim();
        if (encoded.IsEmpty || encoded.Length > 4 * TokenServiceDefaults.MaxCredentialLength)
        {
            return (null, null);
        }
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return (null, null);
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return (null, null);
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return (null, null);
        }
        // The id and secret are form-urlencoded before Basic encoding (RFC 6749 §2.3.1), as authlib does.
        var id = FormDecode(decoded[..colon]);
        var secret = FormDecode(decoded[(colon + 1)..]);
        return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret) ? (null, null) : (id, secret);
    }

    private static string FormDecode(string value) => System.Net.WebUtility.UrlDecode(value);

    private static (List<string> Scopes, TokenRequestError? Error) GrantScopes(TokenServiceClient client, string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return ([.. client.Scopes], null);
        }
        var granted = new List<string>();
        foreach (var scope in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Scopes.ScopeListValidator.IsValidScope(scope))
            {
                return ([], TokenRequestError.InvalidScope("the scope parameter contains an invalid scope"));
            }
            if (!client.Scopes.Contains(scope, StringComparer.Ordinal))
            {
                return ([], TokenRequestError.InvalidScope($"scope {scope} is not allowed for this client"));
            }
            if (!granted.Contains(scope, StringComparer.Ordinal))
            {
                granted.Add(scope);
            }
        }
        return (granted, null);
    }

    /// <summary>A form parameter that must appear at most once (RFC 6749 §3.1).</summary>
    private static string? Single(IFormCollection form, string name, out string? error)
    {
        error = null;
        if (!form.TryGetValue(name, out StringValues values) || values.Count == 0)
        {
            return null;
        }
        if (values.Count > 1)
        {
            error = $"{name} is repeated";
            return null;
        }
        return values[0];
    }

    private static Task WriteErrorAsync(HttpContext context, TokenRequestError error)
    {
        context.Features.Set(new GatewayProblemFeature(error.StatusCode, $"{error.Error}: {error.Description}"));
        if (error.StatusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"token\"";
        }
        return WriteJsonAsync(context, error.StatusCode, json =>
        {
            json.WriteString("error", error.Error);
            json.WriteString("error_description", error.Description);
        });
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(1024);
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>A client id for a log line: as sent when printable and short, otherwise a placeholder.</summary>
    private static string Printable(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return "-";
        }
        if (clientId.Length > 64)
        {
            return "(too long)";
        }
        return HeaderValue.IsPrintableAscii(clientId) ? clientId : "(unprintable)";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Token service: client authentication failed for client {ClientId}: {Reason}")]
        public static partial void ClientAuthenticationFailed(ILogger logger, string clientId, string reason);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "Token service: issued a token to {ClientId} with scopes '{Scopes}'")]
        public static partial void TokenIssued(ILogger logger, string clientId, string scopes);
    }
}
