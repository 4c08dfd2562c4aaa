using System.Text.Encodings.Web;
using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Auth;

/// <summary>
/// The base of the gateway's own strategies (ApiKey, Mtls, Hmac). A derived handler only turns a
/// request into a principal or a <see cref="GatewayAuthenticationException"/>; this base turns
/// failures into problem+json answers with the right status and <c>WWW-Authenticate</c>.
/// </summary>
public abstract class GatewayAuthenticationHandler<TOptions>(
    IOptionsMonitor<TOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<TOptions>(options, logger, encoder)
    where TOptions : AuthenticationSchemeOptions, new()
{
    /// <summary>The <c>WWW-Authenticate</c> challenge sent with a 401.</summary>
    protected abstract string Challenge { get; }

    /// <summary>Fails authentication with a reason that is safe to show the client.</summary>
    protected static AuthenticateResult Fail(string detail, int statusCode = 401) =>
        AuthenticateResult.Fail(new GatewayAuthenticationException(detail, statusCode));

    /// <summary>The one value of a credential header; fails when it is missing, repeated or empty.</summary>
    protected bool TryGetSingle(string header, out string value, out AuthenticateResult? failure)
    {
        var values = Request.Headers[header];
        value = string.Empty;
        failure = values.Count switch
        {
            0 => Fail($"missing {header} header"),
            > 1 => Fail($"more than one {header} header"),
            _ when string.IsNullOrEmpty(values[0]) => Fail($"empty {header} header"),
            _ => null,
        };
        if (failure is null)
        {
            value = values[0]!;
        }
        return failure is null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var (status, detail) = result.Failure switch
        {
            GatewayAuthenticationException failure => (failure.StatusCode, failure.Message),
            null when result.Succeeded => (403, "access denied"),
            null => (401, "authentication required"),
            _ => (401, "authentication failed"),
        };
        await ProblemResponse.WriteAsync(Context, status, detail, status == 401 ? Challenge : null);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        return ProblemResponse.WriteAsync(Context, 403, GatewayAuthenticationProperties.ForbiddenDetailOf(properties));
    }
}
