using System.Collections.Concurrent;
using Gateway.Auth.Scopes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

/// <summary>Builds a route's policy from its name: the strategy's scheme, an authenticated user, and the shared scope requirement.</summary>
internal sealed class RouteAuthorizationPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    private readonly ConcurrentDictionary<string, AuthorizationPolicy> _policies = new(StringComparer.Ordinal);

    public override bool AllowsCachingPolicies => true;

    public override Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (!RoutePolicy.TryParse(policyName, out _, out _))
        {
            return base.GetPolicyAsync(policyName);
        }
        return Task.FromResult<AuthorizationPolicy?>(_policies.GetOrAdd(policyName, static name =>
        {
            _ = RoutePolicy.TryParse(name, out var scheme, out var scopes);
            var builder = new AuthorizationPolicyBuilder(scheme!).RequireAuthenticatedUser();
            if (scopes.Length > 0)
            {
                builder.AddRequirements(new ScopeRequirement(scopes));
            }
            return builder.Build();
        }));
    }
}
