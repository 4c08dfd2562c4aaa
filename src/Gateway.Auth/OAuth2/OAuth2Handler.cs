using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth.OAuth2;

/// <summary>
/// JwtBearer, answering like every other strategy: problem+json with RFC 6750 challenges. It
/// derives from <see cref="JwtBearerHandler"/> rather than using only the events because the
/// forbidden event does not see the <see cref="AuthenticationProperties"/> that carry the route's
/// required scopes.
/// <para>
/// A token that was validated and accepted before (see <see cref="CachingTokenHandler"/>) is answered
/// here without running JwtBearer again: the same header rules, the token's lifetime and key set
/// checked again, <c>RequireNotBefore</c> and, on the certificate-bound scheme, the binding to this
/// connection's certificate checked per request. Anything else, failures included, takes the full way.
/// </para>
/// </summary>
internal sealed class OAuth2Handler(
    IOptionsMonitor<JwtBearerOptions> options, IOptionsMonitor<OAuth2Options> oauth2, ILoggerFactory logger, UrlEncoder encoder)
    : JwtBearerHandler(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.TokenHandlers is not [CachingTokenHandler cache]
            || Request.Headers.Authorization is not { Count: 1 } header
            || OAuth2Events.ReadToken(header, out var token) is not null)
        {
            return base.HandleAuthenticateAsync();
        }
        // The header was read as OAuth2Events.MessageReceived reads it. Its algorithm check is not
        // repeated: the entry was validated with these very options (one cache per options instance),
        // whose ValidAlgorithms the signature check enforced.
        if (cache.TryGetAccepted(token!, Options.TokenValidationParameters.ClockSkew, out var jwt, out var identity)
            && OAuth2Events.CheckRequest(jwt, identity, oauth2.CurrentValue, Scheme.Name, Context.Connection.ClientCertificate) is null)
        {
            // What JwtBearerHandler puts on a success (SaveToken is off).
            var properties = new AuthenticationProperties
            {
                ExpiresUtc = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
                IssuedUtc = jwt.ValidFrom == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero),
            };
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name)));
        }
        return AuthenticateAndRememberAsync(cache, token!);
    }

    private async Task<AuthenticateResult> AuthenticateAndRememberAsync(CachingTokenHandler cache, string token)
    {
        var result = await base.HandleAuthenticateAsync();
        if (result.Succeeded && result.Principal.Identity is ClaimsIdentity accepted)
        {
            cache.RememberAccepted(token, accepted);
        }
        return result;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is null)
        {
            // RFC 6750 §3.1: a request without credentials gets the bare challenge, no error code.
            await ProblemResponse.WriteAsync(Context, StatusCodes.Status401Unauthorized, "missing bearer token", "Bearer");
            return;
        }
        var detail = OAuth2Failures.Describe(result.Failure);
        await ProblemResponse.WriteAsync(Context, StatusCodes.Status401Unauthorized, detail, $"Bearer error=\"invalid_token\", error_description=\"{detail}\"");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var detail = GatewayAuthenticationProperties.ForbiddenDetailOf(properties);
        var challenge = properties.Items.TryGetValue(GatewayAuthenticationProperties.RequiredScopes, out var scopes) && !string.IsNullOrEmpty(scopes)
            ? $"Bearer error=\"insufficient_scope\", scope=\"{scopes}\""
            : "Bearer error=\"insufficient_scope\"";
        return ProblemResponse.WriteAsync(Context, StatusCodes.Status403Forbidden, detail, challenge);
    }
}
