using Microsoft.AspNetCore.Authorization;

namespace Gateway.Auth.Scopes;

internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        foreach (var scope in requirement.Scopes)
        {
            if (!user.HasClaim(GatewayClaimTypes.Scope, scope))
            {
                context.Fail(new MissingScopeReason(this, scope));
                return Task.CompletedTask;
            }
        }
        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
