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
/// </summary>
internal sealed class OAuth2Handler(IOptionsMonitor<JwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : JwtBearerHandler(options, logger, encoder)
{
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
