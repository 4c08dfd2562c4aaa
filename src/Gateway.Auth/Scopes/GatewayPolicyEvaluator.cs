using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Auth.Scopes;

/// <summary>
/// Evaluates a route's policy (one scheme, an authenticated user, the shared scope requirement)
/// directly: authenticate with the scheme, then check the scopes. The result is what the stock
/// <see cref="PolicyEvaluator"/> and <see cref="IAuthorizationService"/> give for such a policy
/// (the same principal, <c>Challenge</c>, or <c>Forbid</c> with a <see cref="MissingScopeReason"/>),
/// without merging principals, enumerating handlers or allocating a handler context per request.
/// Any other policy, or any authorization handler beyond the gateway's own, takes the stock path.
/// </summary>
internal sealed class GatewayPolicyEvaluator(PolicyEvaluator stock, IEnumerable<IAuthorizationHandler> handlers) : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Allowed = Task.FromResult(PolicyAuthorizationResult.Success());
    private static readonly Task<PolicyAuthorizationResult> Challenged = Task.FromResult(PolicyAuthorizationResult.Challenge());

    private readonly bool _onlyGatewayHandlers = handlers.All(h => h is PassThroughAuthorizationHandler or ScopeAuthorizationHandler);
    private readonly ScopeAuthorizationHandler _scopes = handlers.OfType<ScopeAuthorizationHandler>().FirstOrDefault() ?? new();

    public async Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context)
    {
        if (!IsRoutePolicy(policy))
        {
            return await stock.AuthenticateAsync(policy, context);
        }
        var result = await context.AuthenticateAsync(policy.AuthenticationSchemes[0]);
        if (result.Succeeded)
        {
            context.User = result.Principal;
            return result;
        }
        context.User = new ClaimsPrincipal(new ClaimsIdentity());
        return AuthenticateResult.NoResult();
    }

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource)
    {
        if (!IsRoutePolicy(policy))
        {
            return stock.AuthorizeAsync(policy, authenticationResult, context, resource);
        }
        if (!authenticationResult.Succeeded)
        {
            return Challenged;
        }
        var user = context.User;
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is DenyAnonymousAuthorizationRequirement && !IsAuthenticated(user))
            {
                return Task.FromResult(PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([requirement])));
            }
            if (requirement is ScopeRequirement scopes && ScopeAuthorizationHandler.FirstMissing(user, scopes) is { } missing)
            {
                return Task.FromResult(PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([new MissingScopeReason(_scopes, missing)])));
            }
        }
        return Allowed;
    }

    private bool IsRoutePolicy(AuthorizationPolicy policy)
    {
        if (!_onlyGatewayHandlers || policy.AuthenticationSchemes.Count != 1)
        {
            return false;
        }
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is not (DenyAnonymousAuthorizationRequirement or ScopeRequirement))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsAuthenticated(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }
        return false;
    }
}
