using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Gateway.Auth.Scopes;

internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (FirstMissing(context.User, requirement) is { } missing)
        {
            context.Fail(new MissingScopeReason(this, missing));
        }
        else
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }

    /// <summary>The first of the requirement's scopes the user does not hold, or null when it holds them all.</summary>
    public static string? FirstMissing(ClaimsPrincipal user, ScopeRequirement requirement)
    {
        foreach (var scope in requirement.Scopes)
        {
            if (!user.HasClaim(GatewayClaimTypes.Scope, scope))
            {
                return scope;
            }
        }
        return null;
    }
}
