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

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || policy.AuthenticationSchemes.Count == 0)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var properties = new AuthenticationProperties();
        foreach (var reason in authorizeResult.AuthorizationFailure?.FailureReasons ?? [])
        {
            if (reason is MissingScopeReason missing)
            {
                properties.Items[GatewayAuthenticationProperties.ForbiddenDetail] = $"missing scope {missing.Scope}";
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
