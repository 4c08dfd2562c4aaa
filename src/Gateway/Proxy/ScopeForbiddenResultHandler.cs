using Gateway.Auth;
using Gateway.Auth.Scopes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Gateway.Proxy;

/// <summary>
/// On a 403, tells the strategy's handler which scope was missing and which the route requires, so
/// it can say so in the problem detail (and, for OAuth2, in <c>Bearer error="insufficient_scope"</c>).
/// </summary>
internal sealed class ScopeForbiddenResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    // Not async: the allowed path (every forwarded request) goes straight to the default handler.
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        !authorizeResult.Forbidden || policy.AuthenticationSchemes.Count == 0
            ? _default.HandleAsync(next, context, policy, authorizeResult)
            : ForbidAsync(context, policy, authorizeResult);

    private static async Task ForbidAsync(HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var properties = new AuthenticationProperties();
        foreach (var reason in authorizeResult.AuthorizationFailure?.FailureReasons ?? [])
        {
            if (reason is MissingScopeReason missing)
            {
                properties.Items[GatewayAuthenticationProperties.ForbiddenDetail] = missing.Message;
                break;
            }
        }
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is ScopeRequirement scopes)
            {
                properties.Items[GatewayAuthenticationProperties.RequiredScopes] = scopes.Joined;
            }
        }
        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await context.ForbidAsync(scheme, properties);
        }
    }
}
