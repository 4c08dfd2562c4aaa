using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// The gateway's part of JwtBearer: reads the bearer token strictly (one <c>Authorization</c>
/// header, a size cap), then on a validated token adds the gateway claims and, on certificate-bound
/// routes, checks the RFC 8705 binding.
/// </summary>
internal sealed class OAuth2Events(IOptionsMonitor<OAuth2Options> options) : JwtBearerEvents
{
    private const string BearerPrefix = "Bearer";

    public override Task MessageReceived(MessageReceivedContext context)
    {
        var values = context.Request.Headers.Authorization;
        if (values.Count == 0)
        {
            context.NoResult();
            return Task.CompletedTask;
        }
        var failure = ReadToken(values, out var token);
        if (failure is not null)
        {
            context.Fail(new GatewayAuthenticationException(failure));
        }
        else if (token!.AsSpan().Count('.') == 4)
        {
            // Five segments is the JWE compact shape; the gateway holds no decryption key and accepts signed tokens (JWS) only.
            context.Fail(new GatewayAuthenticationException("encrypted tokens (JWE) are not accepted"));
        }
        else if (JwtHeaderReader.ReadAlgorithm(token!) is { } algorithm && !(context.Options.TokenValidationParameters.ValidAlgorithms?.Contains(algorithm) ?? false))
        {
            // Said before validation, so "none" and HS256 are named as what they are rather than as a bad signature.
            context.Fail(new GatewayAuthenticationException("the token's signing algorithm is not allowed"));
        }
        else
        {
            context.Token = token;
        }
        return Task.CompletedTask;
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            context.Fail(new GatewayAuthenticationException("the token is invalid"));
            return Task.CompletedTask;
        }
        var jwt = context.SecurityToken as JsonWebToken;
        var failure = CriticalHeaderProblem(jwt)
            ?? (jwt is not null && IssuerBinding.Of(context.Options.TokenValidationParameters)?.AllowsAlgorithm(jwt) == false
                ? "the token's signing algorithm is not allowed"
                : null)
            ?? OAuth2Claims.AddGatewayClaims(identity, jwt)
            ?? CheckRequest(jwt, identity, options.CurrentValue, context.Scheme.Name, context.HttpContext.Connection.ClientCertificate);
        if (failure is not null)
        {
            context.Fail(new GatewayAuthenticationException(failure));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// RFC 7515 4.1.11: a token whose header lists critical extensions (<c>crit</c>) must be refused by a
    /// recipient that does not implement them, and the gateway implements none. IdentityModel ignores
    /// <c>crit</c>; this reads the header IdentityModel itself parsed, whatever its length.
    /// </summary>
    internal static string? CriticalHeaderProblem(JsonWebToken? token) =>
        token is null || token.TryGetHeaderValue<object>("crit", out _)
            ? "the token names critical header extensions (crit), which the gateway does not support"
            : null;

    /// <summary>
    /// The checks that depend on the current options or on the connection rather than on the token
    /// alone; they run on every request, including a token answered from the cache
    /// (<see cref="OAuth2Handler"/>). Returns why the token is refused, or null.
    /// </summary>
    internal static string? CheckRequest(JsonWebToken? token, ClaimsIdentity identity, OAuth2Options options, string scheme, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        if (options.RequireNotBefore && token is { ValidFrom: var notBefore } && notBefore == DateTime.MinValue)
        {
            return "the token has no nbf";
        }
        return scheme == OAuth2Defaults.CertificateBoundScheme ? CertificateBinding.Check(identity, certificate) : null;
    }

    /// <summary>Returns why the header carries no usable bearer token, or null with the token.</summary>
    internal static string? ReadToken(Microsoft.Extensions.Primitives.StringValues values, out string? token)
    {
        token = null;
        if (values.Count > 1)
        {
            return "more than one Authorization header";
        }
        var value = values[0] ?? string.Empty;
        if (value.Length > OAuth2Defaults.MaxTokenLength + BearerPrefix.Length + 8)
        {
            return "the bearer token is too large";
        }
        var span = value.AsSpan().Trim();
        if (!span.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || (span.Length > BearerPrefix.Length && span[BearerPrefix.Length] != ' '))
        {
            return "expected an Authorization: Bearer token";
        }
        var rest = span[BearerPrefix.Length..].Trim();
        if (rest.IsEmpty)
        {
            return "empty bearer token";
        }
        if (rest.Length > OAuth2Defaults.MaxTokenLength)
        {
            return "the bearer token is too large";
        }
        token = rest.ToString();
        return null;
    }
}
